"""The choices the reference study leaves open, how the configuration makes them, and the
settings that decide a run's outcome: one source for the code book and the audit report.

The study defines the startdatum as the first discussion, but not for a subject first
discussed before 2013; it does not say whether an incident on the startdatum counts before
or after, nor how a name it does not know in GCOS's leefgebieden counts. Each such choice
is a pair of keys (onderwerp, keuze) here; :mod:`vhh.linkage.report.labels` gives the Dutch
text, and the report adds how many subjects each touched.
"""

from __future__ import annotations

from vhh.linkage.link.methods import rule_names
from vhh.linkage.report.labels import CHOICES, TOPICS
from vhh.linkage.report.model import DecidingSettings
from vhh.linkage.settings import Settings

__all__ = ["choice_text", "deciding_settings", "open_choices", "topic_text"]


def open_choices(settings: Settings) -> tuple[tuple[str, str], ...]:
    """(onderwerp, keuze) of every choice the study leaves open, as configured."""
    w = settings.windows
    return (("startdatum", w.start), ("startdag", w.start_day),
            ("aantal_besproken", "alle_besprekingen"), ("kader_onbekend", "binnen_scope"),
            ("te_weinig_gcos", "na_bvh"), ("leefgebied_onbekend", "niet_geteld"),
            ("plan_tekst", "vastgelegd"), ("hks_datum", settings.filters.hks_date_column))


def topic_text(onderwerp: str) -> str:
    """The Dutch question of a choice."""
    return TOPICS.get(onderwerp, onderwerp.replace("_", " "))


def choice_text(onderwerp: str, keuze: str) -> str:
    """The Dutch answer a configuration gives to a choice."""
    text = CHOICES.get(f"{onderwerp}:{keuze}")
    if text is not None:
        return text
    return f"de kolom {keuze}" if onderwerp == "hks_datum" else keuze.replace("_", " ")


def deciding_settings(settings: Settings) -> DecidingSettings:
    """The settings an auditor needs first to read the figures."""
    s, w, f, link = settings.scope, settings.windows, settings.filters, settings.linkage
    weights = link.method == "probabilistic"
    return DecidingSettings(
        methode=link.method, koppelregels=rule_names(link),
        drempel_achternaam=None if weights else link.surname_threshold, kaders=tuple(s.kaders),
        periode_start=str(s.period_start), periode_eind=str(s.period_end), startdatum=w.start,
        startdag_telt=w.start_day, kwartaal_maanden=w.quarter_months,
        jaar_maanden=w.year_months, extractiedatum=str(w.extraction_date),
        getelde_categorieen=tuple(f.count_categories), onbekende_codes=f.unknown_codes,
        rollen=tuple(f.roles), hks_afdoeningen=tuple(f.hks_afdoeningen),
        trechtervolgorde=tuple(settings.funnel.order), k=settings.privacy.k,
        privacyactie=settings.privacy.action,
        bovengrens_gewicht=link.match_weight if weights else None,
        ondergrens_gewicht=link.review_weight if weights else None)
