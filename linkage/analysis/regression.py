"""Hypotheses 2 and 3, table 7.2: negative-binomial regression of HKS convictions after.

As SPSS ``GENLIN`` with ``DISTRIBUTION=NEGBIN(1) LINK=LOG``: a GLM with log link and the
ancillary parameter fixed at 1 (variance mu + mu²), so the scale is 1 and the standard
errors are the model's; statsmodels fits it. Every parameter has B, SE, the 95% Wald
interval B ± 1.96·SE, the Wald chi-square (B/SE)² with 1 df and its p; the Type III tests of
model effects are Wald tests from the fitted covariance (one df per covariate here). The
subjects are those found in HKS with every model variable (listwise deletion).

The interaction models add one product term ``hks_jaar_voor*<moderator>`` at a time: does
the link between convictions before and after depend on age, times discussed, plan or
leefgebieden? The same fit with ``cov_type="HC0"`` gives robust (sandwich) errors.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.variables import (
    DEPENDENT,
    FOCAL,
    INTERCEPT,
    MODERATORS,
    PREDICTORS,
    population,
)

__all__ = ["Coefficient", "EffectTest", "NegBinModel", "coefficients", "design",
           "fit_negbin", "interaction_models", "interaction_term", "study_model",
           "type3_tests"]

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Coefficient:
    parameter: str
    b: float
    se: float
    ci_laag: float
    ci_hoog: float
    wald_chi2: float
    df: int
    p: float


@dataclass(frozen=True)
class EffectTest:
    """One row of the Type III tests of model effects."""

    effect: str
    wald_chi2: float
    df: int
    p: float


@dataclass(frozen=True)
class NegBinModel:
    naam: str
    afhankelijke: str
    termen: tuple[str, ...]
    dispersie: float
    dispersie_geschat: bool
    covariantie: str            # "model" or "robuust (HC0)"
    n: int
    coefficienten: tuple[Coefficient, ...]
    type3: tuple[EffectTest, ...]
    loglikelihood: float
    opmerkingen: tuple[str, ...] = ()

    def coefficient(self, parameter: str) -> Coefficient:
        return next(c for c in self.coefficienten if c.parameter == parameter)


def interaction_term(moderator: str) -> str:
    return f"{FOCAL}*{moderator}"


def design(frame: pd.DataFrame, terms: Sequence[str], dependent: str = DEPENDENT
           ) -> tuple[pd.Series, pd.DataFrame]:
    """(y, X) on the subjects found in HKS with every variable; ``a*b`` is a product term."""
    data = population(frame, "hks")
    names = sorted({v for t in terms for v in t.split("*")} | {dependent})
    data = data[names].dropna().astype(float)
    columns = {INTERCEPT: pd.Series(1.0, index=data.index)}
    for term in terms:
        columns[term] = data[term.split("*")].prod(axis=1)
    return data[dependent], pd.DataFrame(columns)


def coefficients(params: pd.Series, bse: pd.Series) -> tuple[Coefficient, ...]:
    out = []
    for name in params.index:
        b, se = float(params[name]), float(bse[name])
        wald = (b / se) ** 2
        out.append(Coefficient(str(name), b, se, b - Z95 * se, b + Z95 * se, wald, 1,
                               float(stats.chi2.sf(wald, 1))))
    return tuple(out)


def type3_tests(params: pd.Series, cov: pd.DataFrame,
                effects: Sequence[tuple[str, Sequence[str]]]) -> tuple[EffectTest, ...]:
    """Wald tests b' V⁻¹ b of each effect's parameters (Type III for covariates)."""
    out = []
    for effect, names in effects:
        b = params[list(names)].to_numpy(float)
        v = cov.loc[list(names), list(names)].to_numpy(float)
        wald = float(b @ np.linalg.solve(v, b))
        out.append(EffectTest(effect, wald, len(names), float(stats.chi2.sf(wald, len(names)))))
    return tuple(out)


def _empty_columns(frame: pd.DataFrame, terms: Sequence[str]) -> list[str]:
    data = population(frame, "hks")
    names = {v for t in terms for v in t.split("*")} | {DEPENDENT}
    return sorted(c for c in names if data[c].isna().all())


def fit_negbin(frame: pd.DataFrame, naam: str, terms: Sequence[str], *,
               cov_type: str = "nonrobust") -> NegBinModel | Omission:
    """GLM negative binomial, log link, alpha = 1; or why it cannot be fitted."""
    y, x = design(frame, terms)
    if len(y) <= x.shape[1]:
        empty = _empty_columns(frame, terms)
        why = (f"kolom {', '.join(empty)} is leeg voor alle subjecten (in de export "
               "beschermd); gebruik de route binnen de beveiligde omgeving" if empty else
               "te weinig subjecten met alle variabelen van het model")
        return Omission(f"regressie/{naam}", why)
    family = sm.families.NegativeBinomial(alpha=1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = sm.GLM(y, x, family=family).fit(tol=1e-12, maxiter=200, cov_type=cov_type)
    notes = sorted({w.category.__name__ for w in caught})
    if not fitted.converged:
        notes.append("niet geconvergeerd")
    effects = [(name, (name,)) for name in x.columns]
    robust = cov_type != "nonrobust"
    return NegBinModel(
        naam=naam, afhankelijke=DEPENDENT, termen=tuple(terms), dispersie=1.0,
        dispersie_geschat=False, covariantie=f"robuust ({cov_type})" if robust else "model",
        n=len(y), coefficienten=coefficients(fitted.params, fitted.bse),
        type3=type3_tests(fitted.params, fitted.cov_params(), effects),
        loglikelihood=float(fitted.llf), opmerkingen=tuple(notes))


def study_model(frame: pd.DataFrame, *, cov_type: str = "nonrobust") -> NegBinModel | Omission:
    """Table 7.2: the study's model (``cov_type="HC0"``: with robust standard errors)."""
    naam = "studie" if cov_type == "nonrobust" else "studie_robuust"
    return fit_negbin(frame, naam, PREDICTORS, cov_type=cov_type)


def interaction_models(frame: pd.DataFrame) -> list[NegBinModel | Omission]:
    """The study's model plus one interaction with convictions before, per moderator."""
    return [fit_negbin(frame, f"interactie_{m}", (*PREDICTORS, interaction_term(m)))
            for m in MODERATORS]
