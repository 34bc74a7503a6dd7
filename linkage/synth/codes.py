"""Fixed vocabularies of the synthetic police rows.

``INCIDENT_CODES`` mirrors ``config/incidentcodes_voorbeeld.csv`` (an invented example table;
a test keeps the two equal). The generator does no I/O, so it carries its own copy.
"""

from __future__ import annotations

__all__ = [
    "AFDOENINGEN",
    "AFDOENING_WEIGHTS",
    "BAD_BIRTHDATE_TEMPLATES",
    "BAD_EVENT_DATES",
    "BAD_PLEEGDATES",
    "CATEGORY_WEIGHTS",
    "COUNTED_CATEGORIES",
    "FEITEN",
    "INCIDENT_CODES",
    "ROLES",
    "ROLE_WEIGHTS",
    "UNKNOWN_CODES",
]

INCIDENT_CODES: tuple[tuple[str, str, str], ...] = (
    ("F110", "VOORBEELD Diefstal (eenvoudig)", "misdrijf"),
    ("F111", "VOORBEELD Winkeldiefstal", "misdrijf"),
    ("F112", "VOORBEELD Diefstal uit/vanaf auto", "misdrijf"),
    ("F120", "VOORBEELD Inbraak woning", "misdrijf"),
    ("F130", "VOORBEELD Fietsendiefstal", "misdrijf"),
    ("F140", "VOORBEELD Heling", "misdrijf"),
    ("F210", "VOORBEELD Mishandeling", "misdrijf"),
    ("F211", "VOORBEELD Huiselijk geweld (mishandeling)", "misdrijf"),
    ("F220", "VOORBEELD Bedreiging", "misdrijf"),
    ("F230", "VOORBEELD Straatroof", "misdrijf"),
    ("F310", "VOORBEELD Vernieling", "misdrijf"),
    ("F320", "VOORBEELD Openlijk geweld", "misdrijf"),
    ("F410", "VOORBEELD Drugshandel", "misdrijf"),
    ("F510", "VOORBEELD Oplichting", "misdrijf"),
    ("F610", "VOORBEELD Wapenbezit", "misdrijf"),
    ("E110", "VOORBEELD Overlast (APV)", "overtreding"),
    ("E120", "VOORBEELD Openbare dronkenschap", "overtreding"),
    ("E130", "VOORBEELD Wildplassen (APV)", "overtreding"),
    ("E140", "VOORBEELD Burengerucht", "overtreding"),
    ("E150", "VOORBEELD Zwartrijden openbaar vervoer", "overtreding"),
    ("V110", "VOORBEELD Rijden onder invloed", "verkeer"),
    ("V120", "VOORBEELD Rijden zonder rijbewijs", "verkeer"),
    ("V130", "VOORBEELD Verkeersongeval met letsel", "verkeer"),
    ("V140", "VOORBEELD Snelheidsovertreding", "verkeer"),
    ("A110", "VOORBEELD Registratie melding (administratief)", "administratief"),
    ("A120", "VOORBEELD Aangifte vermissing document", "administratief"),
    ("A130", "VOORBEELD Informatieverstrekking", "administratief"),
    ("A140", "VOORBEELD Gevonden voorwerp", "administratief"),
    ("O110", "VOORBEELD Hulpverlening", "overig"),
    ("O120", "VOORBEELD Psychisch verward persoon", "overig"),
)
UNKNOWN_CODES: tuple[tuple[str, str], ...] = (
    ("X999", "VOORBEELD Code niet in de tabel"),
    ("F999", "VOORBEELD Code niet in de tabel"),
)
COUNTED_CATEGORIES: tuple[str, ...] = ("misdrijf", "overtreding")
# Share of BVH rows per category; "onbekend" are codes not in the table.
CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("misdrijf", 0.55), ("overtreding", 0.17), ("verkeer", 0.09), ("administratief", 0.08),
    ("overig", 0.105), ("onbekend", 0.005),
)
ROLES: tuple[str, ...] = ("verdachte", "slachtoffer", "getuige", "betrokkene", "aangever")
ROLE_WEIGHTS: tuple[float, ...] = (0.55, 0.15, 0.07, 0.17, 0.06)

FEITEN: tuple[str, ...] = (
    "Diefstal (art. 310 Sr)",
    "Diefstal met braak, inklimming of valse sleutel (art. 311 Sr)",
    "Mishandeling (art. 300 Sr)",
    "Bedreiging (art. 285 Sr)",
    "Vernieling (art. 350 Sr)",
    "Openlijke geweldpleging (art. 141 Sr)",
    "Heling (art. 416 Sr)",
    "Oplichting (art. 326 Sr)",
    "Overtreding Opiumwet, harddrugs",
    "Overtreding Wet wapens en munitie",
    "Rijden onder invloed (art. 8 WVW 1994)",
    "Huisvredebreuk (art. 138 Sr)",
)
AFDOENINGEN: tuple[str, ...] = ("OM-transactie", "Veroordeling", "Sepot", "Strafbeschikking")
AFDOENING_WEIGHTS: tuple[float, ...] = (0.25, 0.35, 0.2, 0.2)

# Text that validation must refuse; each is clearly not a date.
BAD_BIRTHDATE_TEMPLATES: tuple[str, ...] = ("31-02-{year}", "{year}-13-40")
BAD_EVENT_DATES: tuple[str, ...] = ("32-01-2013", "2013-13-05", "31-04-2012", "15-13-2012")
BAD_PLEEGDATES: tuple[str, ...] = ("30-02-2012", "2013-14-01", "32-12-2011")
