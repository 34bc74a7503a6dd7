"""The data steward's incident-code table: code → categorie, checked before anything runs.

The table is read by the same reader as the extracts (encoding and delimiter detected or
as configured), so a file that opens as an extract opens as a code table too. Columns
``code;omschrijving;categorie``; categories as :data:`vhh.linkage.contract.CATEGORIES`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from vhh.linkage.contract import CATEGORIES, INCIDENT_CODES
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.io.readers import read_source
from vhh.linkage.settings import Settings

__all__ = ["read_incident_codes", "incident_codes"]


def read_incident_codes(path: Path, *, encoding: str = "auto", delimiter: str = "auto"
                        ) -> pd.Series:
    """code -> categorie from the table at ``path``; every problem in it at once."""
    if not path.exists():
        raise InputError([Problem(str(path), "incident-code table not found",
                                  hint="set [filters] incident_codes in the config")])
    table = read_source(INCIDENT_CODES, path, encoding=encoding, delimiter=delimiter).frame
    code = table["code"].str.strip().str.upper()
    category = table["categorie"].str.strip().str.lower()
    problems = [Problem(str(path), f"categorie must be one of {', '.join(CATEGORIES)}",
                        row=int(r), column="categorie")
                for r in table.loc[~category.isin(CATEGORIES), "bronrij"]]
    problems += [Problem(str(path), "code appears more than once", row=int(r), column="code")
                 for r in table.loc[code.duplicated(keep=False), "bronrij"]]
    if problems:
        raise InputError(problems)
    return pd.Series(category.to_numpy(), index=code.to_numpy())


def incident_codes(settings: Settings) -> pd.Series:
    """The incident-code table the configuration names."""
    return read_incident_codes(settings.resolve(settings.filters.incident_codes),
                               encoding=settings.inputs.encoding,
                               delimiter=settings.inputs.delimiter)
