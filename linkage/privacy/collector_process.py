"""The leak scanner's identifier collection on the second core: a worker process.

:class:`IdentifierCollector` is pure Python over distinct values and takes about a fifth of
the time the edge of a run spends on one core (7.5 s of 36 s at 5M BVH rows), while the
validation of the same chunk waits. :class:`CollectorProcess` has the collector's interface
(``add`` each raw chunk, ``finish`` once) and runs a real :class:`IdentifierCollector` in a
process of its own, so that the two overlap. The run takes the identifiers as soon as the
extracts are read (the worker is then at most a chunk behind), so the worker's memory is
free again before the linkage, the run's peak.

Per chunk only what the collector reads is sent (:func:`payload`): the columns it looks at,
as the reader's text codes or Arrow text where the reader made them (a few arrays, no
Python string per row), and as plain values otherwise. The worker rebuilds the same frame
with the same codes (:func:`rebuilt`), so its result is the in-process collector's, value
for value (``tests/test_collector_process.py``).

The worker is a fresh interpreter (:mod:`vhh.linkage.worker`: pipes, never a file; no
terminal; it ends with the run however the run ends). A worker that fails or dies stops the
run at the next ``add`` or at ``finish``, never with a smaller set of identifiers (which
would let the export gate pass what it should block); its error is named by type only.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection

import numpy as np
import pandas as pd
import pyarrow as pa
from vhh.linkage.heap import release
from vhh.linkage.io.arrow_csv import Made, made_of, register_made
from vhh.linkage.privacy.identifiers import ID_COLUMNS, IdentifierCollector, Identifiers
from vhh.linkage.worker import Worker

__all__ = ["CollectorProcess", "payload", "rebuilt"]

COLUMNS = ("achternaam", "tussenvoegsel", "voorletters", "geboortedatum", *ID_COLUMNS)
"""The columns :meth:`IdentifierCollector.add` reads; the others are not sent."""
_IN_FLIGHT = 1  # chunks waiting to be sent (one more may be on its way): a bound on memory


@dataclass(frozen=True, repr=False)
class Payload:
    """What the collector needs of one raw chunk, in a form that pickles as arrays."""

    index: pd.Index
    codes: Mapping[str, tuple[np.ndarray, np.ndarray]]  # column -> (codes, uniques)
    arrow: Mapping[str, pa.Array]                         # column -> the reader's text
    values: Mapping[str, np.ndarray]                      # column -> values (object)

    def __repr__(self) -> str:  # names and sizes only
        columns = sorted({*self.codes, *self.arrow, *self.values})
        return f"Payload({len(self.index)} rows, {columns})"


def payload(frame: pd.DataFrame) -> Payload:
    """The columns of ``frame`` the collector reads, as the reader made them where it did.

    An id column with the reader's Arrow text goes as that text alone: the collector reads
    ids from it (:meth:`IdentifierCollector.add`), never from their codes, and the codes of
    a column of distinct ids would be a million Python strings to pickle per chunk."""
    made = made_of(frame)
    codes, arrow, values = {}, {}, {}
    for column in COLUMNS:
        if column not in frame:
            continue
        if column in made.arrow:
            arrow[column] = made.arrow[column]
        if column in made.codes and not (column in ID_COLUMNS and column in arrow):
            codes[column] = made.codes[column]
        if column not in codes and column not in arrow:
            values[column] = frame[column].to_numpy(dtype=object)
    return Payload(frame.index, codes, arrow, values)


def rebuilt(sent: Payload) -> pd.DataFrame:
    """The chunk as the collector saw it in the sending process: the same columns, values
    and index, and the same codes and Arrow text registered for it (see :func:`made_of`).
    A column sent as Arrow text only (the ids) stays Arrow-backed: the collector reads the
    Arrow text it is given, and the column's values only for the rare id that is not plain
    ASCII, where Arrow's strings are the same texts (a million Python strings a column
    fewer in the worker)."""
    columns: dict[str, np.ndarray | pd.Series] = {}
    for column in COLUMNS:
        if column in sent.codes:
            at, uniques = sent.codes[column]
            columns[column] = uniques[at]
        elif column in sent.arrow:  # the ids: Arrow text, no Python string per row
            columns[column] = pd.Series(sent.arrow[column], index=sent.index,
                                        dtype=pd.ArrowDtype(sent.arrow[column].type))
        elif column in sent.values:
            columns[column] = sent.values[column]
    frame = pd.DataFrame(columns, index=sent.index, copy=False)
    if sent.codes or sent.arrow:
        register_made(frame, Made(dict(sent.codes), dict(sent.arrow)))
    return frame


def _serve(inbox: Connection, outbox: Connection) -> None:  # pragma: no cover - the worker
    """The worker: collect every chunk sent, then send the identifiers back once."""
    collector = IdentifierCollector()
    seconds = 0.0
    while (message := inbox.recv())[0] == "add":
        _, sent, source = message
        t0 = time.process_time()
        collector.add(rebuilt(sent), source=source)
        del message, sent
        release(collect=False)  # the chunk's pages back: the worker holds only its sets
        seconds += time.process_time() - t0
    t0 = time.process_time()
    found = collector.finish()
    seconds += time.process_time() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    outbox.send(("done", found, seconds, peak))


class CollectorProcess:
    """:class:`IdentifierCollector` in a :class:`~vhh.linkage.worker.Worker` (see the
    module docstring).

    ``add`` hands a chunk to the worker's sending thread and returns at once (it waits
    only while the chunk before is still waiting to be sent); ``finish`` waits for the
    identifiers. ``close`` stops the worker whatever state it is in; a run calls it when
    it ends, however it ends.
    """

    def __init__(self) -> None:
        self._worker = Worker((__name__, "_serve"),
                              "collects the identifiers the export gate looks for",
                              in_flight=_IN_FLIGHT)
        self._finished = self._closed = False
        self.seconds = 0.0   # the worker's processor seconds, known after finish
        self.peak_mib = 0    # the worker's peak resident memory, known after finish

    @property
    def pid(self) -> int:
        return self._worker.pid

    def add(self, frame: pd.DataFrame, *, source: str) -> None:
        """Send one raw chunk (see :meth:`IdentifierCollector.add`)."""
        if self._finished or self._closed:
            raise RuntimeError("CollectorProcess.add() after finish() or close()")
        self._worker.put(("add", payload(frame), source))

    def finish(self) -> Identifiers:
        """The identifiers of every chunk sent; the worker ends."""
        if self._finished:
            raise RuntimeError("CollectorProcess.finish() called twice")
        if self._closed:
            raise RuntimeError("CollectorProcess.finish() after close()")
        self._finished = True
        self._worker.put(("finish",))
        _, found, self.seconds, self.peak_mib = self._worker.reply()
        self.close()
        identifiers: Identifiers = found
        return identifiers

    def close(self) -> None:
        """Stop the worker (at once when it still runs); again: nothing."""
        self._closed = True
        self._worker.close()

    def __enter__(self) -> CollectorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never contents
        state = "finished" if self._finished else "collecting"
        return f"CollectorProcess({state})"
