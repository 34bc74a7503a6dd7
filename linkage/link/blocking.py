"""Candidate pairs from several blocking passes, so one bad field cannot hide a match.

Passes (each a named rule):

- ``geboortedatum``: the same full birthdate;
- ``fonetisch_jaar``: the same Dutch phonetic key of any surname component + birth year;
- ``achternaam_voorletter``: the same surname word (a part without particles, see
  :mod:`vhh.linkage.normalise.particles`) + first initial;
- ``achternaam_dagmaand``: the same surname word + birth month and day, so that
  a slip in the year is still paired when the subject has no initial;
- ``begin_voorletter_jaar``: the first three letters of the surname (without particles) +
  first initial + birth year, and
- ``eind_voorletter_dagmaand``: its last three letters + first initial + month and day:
  a typo in the surname *and* a slip in the birthdate (a row with two slips) still pairs
  when the typo and the slip leave one of these keys whole.

A key whose block would give more than ``max_block_pairs`` pairs (a very common surname,
1 January birthdates) is not paired in that pass; it is reported, and the other passes
still cover its records.

Each pass's key written as text is the specification (``tests/blocking_spec.py``, which a
test holds equal to this module). :func:`candidate_pairs` finds the same pairs from
integer codes, so that no key string is built for each of millions of police identities;
the report shows a large block under its readable key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from vhh.linkage.arrays import distinct_sorted, no_rows
from vhh.linkage.normalise.identity_codes import exploded, transformed, value_codes

__all__ = ["PASS_NAMES", "Blocking", "candidate_pairs"]


def _begin(f: pd.DataFrame) -> pd.Series:
    return transformed(f, "kern", lambda u: u.map(lambda k: k[:3] if len(k) >= 3 else ""),
                       held=True)


def _end(f: pd.DataFrame) -> pd.Series:
    return transformed(f, "kern", lambda u: u.map(lambda k: k[-3:] if len(k) >= 3 else ""),
                       held=True)


def _exploded(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda f: exploded(f, column, held=True)


def _complete(birth: str) -> bool:
    """A full YYYYMMDD birthdate, month and day known."""
    return len(birth) == 8 and birth[4:6] != "00" and birth[6:] != "00"


def _full_birth(f: pd.DataFrame) -> pd.Series:
    return transformed(f, "birth", lambda u: u.map(lambda b: b if _complete(b) else ""),
                       held=True)


def _month_day(f: pd.DataFrame) -> pd.Series:
    return transformed(f, "birth", lambda u: u.map(lambda b: b[4:] if _complete(b) else ""))


def _initial_number(f: pd.DataFrame) -> np.ndarray:
    """The first initial as a number: A-Z 1-26, IJ 27, none 0."""
    def number(letters: pd.Series) -> pd.Series:
        return letters.map(lambda x: 27 if x == "IJ" else (ord(x) - 64 if len(x) == 1 else 0))
    return np.asarray(transformed(f, "first", number, as_text=True), dtype=np.int64)


def _month_day_number(f: pd.DataFrame) -> pd.Series:
    return transformed(f, "birth", lambda u: u.map(
        lambda b: int(b[4:]) if _complete(b) else -1)).astype(np.int64)


def _number(value: object) -> int:
    return int(str(value))


def _letter(number: object) -> str:
    code = _number(number) // 10_000
    return "IJ" if code == 27 else chr(64 + code)


def _initial_and(f: pd.DataFrame, number: pd.Series) -> pd.Series:
    """first initial * 10,000 + ``number`` (a year or MMDD); -1 when either is unknown."""
    first, value = _initial_number(f), number.to_numpy(np.int64)
    return pd.Series(np.where((first > 0) & (value >= 0), first * 10_000 + value, -1),
                     index=f.index)


@dataclass(frozen=True)
class _Coded:
    """A pass as two parts compared for equality: ``a`` (per row, or exploded per surname
    component) and ``b`` (per row); "" / -1 mean no key. Same pairs as the pass's string
    key ``a|b`` of the specification, without building that string per identity."""

    a: Callable[[pd.DataFrame], pd.Series]
    b: Callable[[pd.DataFrame], pd.Series]
    label: Callable[[object, object], str] = lambda a, b: f"{a}|{b}"


_CODED: dict[str, _Coded] = {
    "geboortedatum": _Coded(_full_birth, lambda f: pd.Series(0, index=f.index),
                            lambda a, b: str(a)),
    "fonetisch_jaar": _Coded(_exploded("phonetic"), lambda f: f["byear"]),
    "achternaam_voorletter": _Coded(_exploded("parts"), lambda f: f["first"]),
    "achternaam_dagmaand": _Coded(_exploded("parts"), _month_day),
    "begin_voorletter_jaar": _Coded(_begin, lambda f: _initial_and(f, f["byear"]),
                                    lambda a, b: f"{a}|{_letter(b)}|{_number(b) % 10_000}"),
    "eind_voorletter_dagmaand": _Coded(_end, lambda f: _initial_and(f, _month_day_number(f)),
                                       lambda a, b: f"{a}|{_letter(b)}|{_number(b) % 10_000:04d}"),
}
PASS_NAMES: tuple[str, ...] = tuple(_CODED)
"""The blocking passes, in their order (``tests/blocking_spec.py`` gives each key as text)."""


def _coded_keys(subjects: pd.DataFrame, identities: pd.DataFrame, coded: _Coded
                ) -> tuple[pd.Series, pd.Series, Callable[[int], str]]:
    """Integer keys of both sides (index: row position), coded against the subjects' own
    values: an identity value no subject has cannot pair and gets no key at all."""
    def parts(frame: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
        a = coded.a(frame)
        b = coded.b(frame).to_numpy()[a.index.to_numpy()] if len(a) else np.empty(0)
        return a, b

    a_s, b_s = parts(subjects)
    valid = (a_s.to_numpy() != "") & ~pd.Series(b_s, dtype=object).isin(["", -1]).to_numpy()
    vocab_a = pd.Index(pd.unique(a_s.to_numpy()[valid]))
    vocab_b = pd.Index(pd.unique(b_s[valid]))
    width = max(len(vocab_b), 1)

    def keys(a: pd.Series, b: np.ndarray) -> pd.Series:
        # a coded part (the passes' surname and birthdate keys) is looked up per distinct value
        ca = value_codes(a, vocab_a) if len(a) else np.empty(0, dtype=np.intp)
        cb = vocab_b.get_indexer(b) if len(b) else np.empty(0, dtype=np.intp)
        ok = (ca >= 0) & (cb >= 0)
        return pd.Series(ca[ok].astype(np.int64) * width + cb[ok], index=a.index[ok])

    def label(key: int) -> str:
        return coded.label(vocab_a[key // width], vocab_b[key % width])

    left = keys(a_s, b_s)
    del a_s, b_s
    right = keys(*parts(identities))
    return left, right, label


@dataclass(frozen=True)
class Blocking:
    """Candidate pairs and what the passes did, for the report."""

    pairs: pd.DataFrame  # columns: s (subject position), i (identity position), passes
    pairs_per_pass: dict[str, int]
    largest_blocks: list[dict[str, object]]  # pass, size (pairs); secure report adds the key
    capped_blocks: list[dict[str, object]]
    n_pairs: int = -1  # len(pairs), kept when the pipeline lets the pairs go after linkage

    def __post_init__(self) -> None:
        if self.n_pairs < 0:
            object.__setattr__(self, "n_pairs", len(self.pairs))

    def __repr__(self) -> str:  # the largest blocks' keys are name fragments: counts only
        return (f"Blocking({self.n_pairs} pairs, {len(self.pairs_per_pass)} passes, "
                f"{len(self.capped_blocks)} capped blocks)")

    def without_pairs(self) -> Blocking:
        """The same report numbers without the pair table (tens of millions of rows)."""
        return replace(self, pairs=no_rows(self.pairs))


_PIECE = 2_000_000  # pairs spread (or compacted, or unpacked) at a time


class _Packed:
    """The packed pairs of every pass in one int64 array that grows in place: numpy's
    ``resize`` reallocates, and glibc moves a large (mapped) block by remapping its pages,
    so the pairs found so far are never copied and never held twice (a concatenation of
    the passes' arrays held both: 0.7 GB more at 20M rows)."""

    def __init__(self) -> None:
        self.values = np.empty(0, dtype=np.int64)

    def extend(self, n: int) -> np.ndarray:
        """``n`` more pairs at the end, to be filled by the caller (a view)."""
        start = len(self.values)
        self.values.resize(start + n, refcheck=False)
        return self.values[start:]

    def __repr__(self) -> str:  # packed (subject, identity) positions: a count only
        return f"_Packed({len(self.values)} pairs)"


def _join(left: pd.Series, right: pd.Series, n_identities: int, bit: int,
          packed: _Packed) -> None:
    """Every pair of rows with equal integer keys (``left`` indexed by subject position,
    ``right`` by identity position), appended to ``packed`` as ((s * n_identities + i) <<
    _PASS_BITS) | bit.

    The right side is sorted by key once and each left row's run of equal keys found by
    binary search; the runs are spread a piece of about :data:`_PIECE` pairs at a time
    straight into the packed array: no merged frame of tens of millions of rows.
    """
    rk = right.to_numpy(np.int64)
    order = np.argsort(rk)
    rk, ri = rk[order], right.index.to_numpy(np.int64)[order]
    lk, ls = left.to_numpy(np.int64), left.index.to_numpy(np.int64)
    lo = np.searchsorted(rk, lk, side="left")
    count = np.searchsorted(rk, lk, side="right") - lo
    ends = np.cumsum(count)
    total = int(ends[-1]) if len(ends) else 0
    out = packed.extend(total)
    cuts = np.searchsorted(ends, np.arange(_PIECE, total, _PIECE), side="left") + 1
    bounds = np.unique(np.r_[0, np.minimum(cuts, len(lk)), len(lk)])
    for a, b in zip(bounds[:-1], bounds[1:], strict=False):
        first = int(ends[a] - count[a])
        rows = np.repeat(np.arange(a, b), count[a:b])
        at = lo[rows] + (np.arange(first, int(ends[b - 1])) - (ends[rows] - count[rows]))
        out[first:int(ends[b - 1])] = (ls[rows] * n_identities + ri[at]) << _PASS_BITS | bit


def _block(left: pd.Series, right: pd.Series, cap: int, name: str,
           label: Callable[[int], str], n_identities: int, bit: int, packed: _Packed
           ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Pairs of equal integer keys (rows without a key are absent), packed by
    :func:`_join` into ``packed``; blocks over ``cap`` pairs are skipped and reported
    under their readable ``label``."""
    lcount = left.value_counts()
    rcount = right.value_counts()
    sizes = (lcount * rcount.reindex(lcount.index).fillna(0)).astype(int)
    sizes = sizes[sizes > 0].sort_values(ascending=False)
    capped = sizes[sizes > cap]
    biggest = [{"pass": name, "key": label(k), "pairs": int(v)} for k, v in sizes.head(5).items()]
    capped_list = [{"pass": name, "key": label(k), "pairs": int(v)} for k, v in capped.items()]
    keep_l = left[~left.isin(capped.index)]
    _join(keep_l, right, n_identities, bit, packed)
    return biggest, capped_list


_PASS_BITS = 8  # low bits of a packed pair hold its pass (one bit per pass)


def _compact(values: np.ndarray, keep: np.ndarray) -> int:
    """``values[:n] = values[keep]`` in place, a piece at a time (each piece is written at
    or before where it was read, so nothing unread is overwritten); returns n."""
    n = 0
    for lo in range(0, len(values), _PIECE):
        part = values[lo:lo + _PIECE][keep[lo:lo + _PIECE]]
        values[n:n + len(part)] = part
        n += len(part)
    return n


def _combine(packed: _Packed, n_identities: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per distinct (s, i), sorted by s then i, with the passes that paired it.

    Each pair of each pass is one int64 (its (s, i) key with the pass's bit below it); the
    pairs of all passes are sorted in place once and the bits of equal keys or-ed together:
    no per-pair Python, no (s, i) group-by. The keys are shifted, made distinct and
    unpacked in place or a piece at a time, so that besides the one 8-byte array only a
    byte per pair is held (the pass bits and which pairs come first).
    A pass's count is the number of distinct pairs carrying its bit.
    """
    names = sorted(PASS_NAMES)
    key = packed.values
    packed.values = np.empty(0, dtype=np.int64)
    key.sort()
    low = (key & ((1 << _PASS_BITS) - 1)).astype(np.uint8)
    key >>= _PASS_BITS
    first = np.empty(len(key), dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    repeats = np.flatnonzero(~first)  # few: a pair found by more than one pass
    flags = low[first]
    # the k-th repeat at position p belongs to the (p - k - 1)-th distinct pair
    np.bitwise_or.at(flags, repeats - np.arange(1, len(repeats) + 1), low[repeats])
    del low, repeats
    n = _compact(key, first)
    del first
    key.resize(n, refcheck=False)
    s, i = np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32)
    for lo in range(0, n, _PIECE):
        s[lo:lo + _PIECE], i[lo:lo + _PIECE] = np.divmod(key[lo:lo + _PIECE], n_identities)
    del key
    per_pass = {name: int(np.count_nonzero(flags & (1 << names.index(name))))
                for name in PASS_NAMES}
    used = distinct_sorted(flags)
    labels = ["+".join(n for k, n in enumerate(names) if f >> k & 1) for f in used]
    # each pair's category by a look-up of its flags (a byte): searchsorted would make an
    # 8-byte position per pair first (150 MB at 19M pairs)
    category = np.zeros(256, dtype=np.int8)
    category[used] = np.arange(len(used))
    passes = pd.Categorical.from_codes(category[flags], categories=labels)
    # copy=False: the two columns stay the arrays just made (a copy would hold them twice)
    combined = pd.DataFrame({"s": s, "i": i, "passes": passes}, copy=False)
    return combined, per_pass


def candidate_pairs(subjects: pd.DataFrame, identities: pd.DataFrame, max_block_pairs: int
                    ) -> Blocking:
    """All candidate (subject, identity) pairs over every blocking pass."""
    packed, largest, capped = _Packed(), [], []
    names = sorted(PASS_NAMES)
    n_identities = max(len(identities), 1)
    for name in PASS_NAMES:
        left, right, label = _coded_keys(subjects, identities, _CODED[name])
        big, cap = _block(left, right, max_block_pairs, name, label, n_identities,
                          1 << names.index(name), packed)
        del left, right
        largest.extend(big)
        capped.extend(cap)
    combined, per_pass = _combine(packed, n_identities)
    largest.sort(key=lambda b: -int(b["pairs"]))  # type: ignore[call-overload]
    return Blocking(combined, per_pass, largest[:10], capped)
