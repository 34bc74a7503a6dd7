"""Test oracles: every extract read and validated whole, as the chunked path must match.

The toolkit reads police extracts in chunks (:mod:`vhh.linkage.validate.inputs`); these
helpers read each file in one piece with the same reader and validator, so that tests can
hold the chunked results equal to the whole-file ones.
"""

from __future__ import annotations

from vhh.linkage.contract import SOURCES
from vhh.linkage.io.readers import RawTable, read_source
from vhh.linkage.settings import Settings
from vhh.linkage.validate.inputs import quarantine_orphans, reader_options
from vhh.linkage.validate.sources import Validated, validate_source


def read_whole(settings: Settings) -> dict[str, RawTable]:
    """Each extract read whole."""
    return {s: read_source(s, settings.input_path(s), **reader_options(settings, s))
            for s in SOURCES}


def validate_whole(settings: Settings) -> dict[str, Validated]:
    """Each extract read and validated whole, discussions of unknown subjects quarantined."""
    out = {s: validate_source(s, t.frame, file=str(t.path),
                              hks_date_column=settings.filters.hks_date_column)
           for s, t in read_whole(settings).items()}
    quarantine_orphans(out)
    return out
