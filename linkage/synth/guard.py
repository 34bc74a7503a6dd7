"""The precision guard: find identities within "one slip" of each other.

Two identities are *confusable* when

* their first initials are in the same class (``I``, ``IJ`` and ``Y`` count as one), unless
  either side is *loose* (a GCOS subject without an initial, or one that must have no
  candidate at all: then the initial is not looked at);
* some normalised surname component (or the joined double surname) of one side equals, or
  has a Jaro-Winkler similarity of at least ``SIMILARITY`` with, some component of the other;
* their birthdates are equal or differ by a day/month swap, one digit, or exactly 10 or
  100 years.

The search is linear, not quadratic: each right-hand birthdate is expanded once into its
(at most 78) one-slip variants, and left-hand identities are joined to them on
(initial class, birthdate) by binary search over the sorted variant keys.
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import valid_ymd, ymd_int
from vhh.linkage.synth.names import norm_core

__all__ = ["SIMILARITY", "GuardIndex", "SimilarityMemo", "birth_variants", "confusable_pairs",
           "guard_keys"]

SIMILARITY = 0.85
_COMPONENTS = ("c1", "c2", "c12")
_LETTER_SPAN = 10**8  # yyyymmdd < 10**8: key = letter code * span + yyyymmdd


def _normalise_many(values: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    normalised = np.array([norm_core(str(u)) for u in uniques] + [""], dtype=object)
    out: np.ndarray = normalised[codes]  # code -1 (missing) picks the trailing ""
    return out


def guard_keys(letter: np.ndarray, core1: np.ndarray, core2: np.ndarray,
               birth_days: np.ndarray, loose: np.ndarray | None = None,
               pid: np.ndarray | None = None) -> pd.DataFrame:
    """The identity frame the guard compares: letter, c1, c2, c12, bd (yyyymmdd), loose, pid."""
    c1, c2 = _normalise_many(core1), _normalise_many(core2)
    c12 = np.where(c2 != "", c1 + "-" + c2, "")
    n = len(c1)
    return pd.DataFrame({
        "letter": np.asarray(letter, dtype=object), "c1": c1, "c2": c2, "c12": c12,
        "bd": ymd_int(np.asarray(birth_days, dtype=np.int64)),
        "loose": np.zeros(n, bool) if loose is None else np.asarray(loose, dtype=bool),
        "pid": np.arange(n) if pid is None else np.asarray(pid),
    })


def birth_variants(bd: np.ndarray) -> np.ndarray:
    """(n, 78) yyyymmdd integers within one slip of each date; -1 where not a real date or
    a repeat of an earlier variant of the same date (so each row lists each date once)."""
    bd = np.asarray(bd, dtype=np.int64)
    year, month, dom = bd // 10000, bd // 100 % 100, bd % 100
    columns = [bd, year * 10000 + dom * 100 + month]
    for position in range(8):
        weight = 10 ** position
        digit = bd // weight % 10
        for new in range(10):
            columns.append(np.where(new == digit, -1, bd + (new - digit) * weight))
    columns += [bd + 100000, bd - 100000, bd + 1000000, bd - 1000000]
    out = np.stack(columns, axis=1)
    y, m, d = out // 10000, out // 100 % 100, out % 100
    out = np.sort(np.where((out > 0) & valid_ymd(y, m, d), out, -1), axis=1)
    repeat = np.zeros(out.shape, dtype=bool)
    repeat[:, 1:] = out[:, 1:] == out[:, :-1]
    return np.where(repeat, -1, out)


def _letter_code(letter: str) -> int:
    first = letter[:1]
    return ord(first) - 64 if "A" <= first <= "Z" and first else 0


def _letter_codes(letter: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(pd.Series(letter, dtype=object).fillna(""), sort=False)
    table = np.array([_letter_code(str(u)) for u in uniques] + [0], dtype=np.int64)
    out: np.ndarray = table[codes]
    return out


def _sorted_join(keys: np.ndarray, sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with keys[i] == sorted_keys[j]."""
    lo = np.searchsorted(sorted_keys, keys, side="left")
    count = np.searchsorted(sorted_keys, keys, side="right") - lo
    left = np.repeat(np.arange(len(keys)), count)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(count) - count, count)
    return left, np.repeat(lo, count) + offset


class SimilarityMemo:
    """Whether two surname components resemble (Jaro-Winkler >= ``SIMILARITY``), each
    distinct pair of strings computed once: a guard index meets the same surnames in batch
    after batch. Pairs of the first ``DENSE`` strings seen (in practice the common surname
    cores) are kept in a matrix, other pairs in a sorted array."""

    DENSE = 4096

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._strings: list[str] = []
        self._matrix: np.ndarray | None = None  # int8: -1 not yet known, else 0/1
        self._keys = np.empty(0, dtype=np.int64)  # sorted (id_a << 32 | id_b)
        self._close = np.empty(0, dtype=bool)

    def ids(self, strings: np.ndarray) -> np.ndarray:
        """A stable integer id per string."""
        out = np.empty(len(strings), dtype=np.int64)
        for i, text in enumerate(strings):
            known = self._ids.get(text)
            if known is None:
                known = self._ids[text] = len(self._strings)
                self._strings.append(text)
            out[i] = known
        return out

    def close(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair of ids (distinct pairs): whether the strings resemble."""
        out = np.zeros(len(a), dtype=bool)
        dense = (a < self.DENSE) & (b < self.DENSE)
        out[dense] = self._close_dense(a[dense], b[dense])
        out[~dense] = self._close_sparse(a[~dense], b[~dense])
        return out

    def _similar(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.array([jellyfish.jaro_winkler_similarity(self._strings[x], self._strings[y])
                         >= SIMILARITY for x, y in zip(a, b, strict=True)], dtype=bool)

    def _close_dense(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if self._matrix is None:
            self._matrix = np.full((self.DENSE, self.DENSE), -1, dtype=np.int8)
        value = self._matrix[a, b]
        new = value < 0
        if new.any():
            value[new] = self._similar(a[new], b[new])
            self._matrix[a[new], b[new]] = value[new]
        close: np.ndarray = value.astype(bool)
        return close

    def _close_sparse(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        key = (a.astype(np.int64) << 32) | b
        pos = np.minimum(np.searchsorted(self._keys, key), max(len(self._keys) - 1, 0))
        known = self._keys[pos] == key if len(self._keys) else np.zeros(len(key), dtype=bool)
        out = np.zeros(len(key), dtype=bool)
        out[known] = self._close[pos[known]]
        new = np.flatnonzero(~known)
        if len(new):
            out[new] = self._similar(a[new], b[new])
            order = np.argsort(key[new])
            at = np.searchsorted(self._keys, key[new][order])
            self._keys = np.insert(self._keys, at, key[new][order])
            self._close = np.insert(self._close, at, out[new][order])
        return out


class _Keys:
    """Sorted join keys, each with the right-hand position it belongs to."""

    def __init__(self, keys: np.ndarray, owner: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.sorted, self.owner = keys[order], owner[order]

    def join(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i, j = _sorted_join(keys, self.sorted)
        return i, self.owner[j]


class GuardIndex:
    """The right-hand side of the guard, expanded once into its one-slip birthdates."""

    def __init__(self, right: pd.DataFrame) -> None:
        self.right = right.reset_index(drop=True)
        variants = birth_variants(self.right["bd"].to_numpy())
        owner = np.repeat(np.arange(len(self.right)), variants.shape[1])
        keep = variants.ravel() > 0
        bd, owner = variants.ravel()[keep], owner[keep]
        loose = self.right["loose"].to_numpy()[owner]
        letters = _letter_codes(self.right["letter"].to_numpy())[owner]
        self._strict = _Keys(letters[~loose] * _LETTER_SPAN + bd[~loose], owner[~loose])
        self._loose = _Keys(bd[loose], owner[loose])
        self._firm = _Keys(bd[~loose], owner[~loose])
        self._similarity = SimilarityMemo()

    def _candidates(self, left: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Disjoint parts: firm-firm on (letter, date); anything-loose on the date only."""
        bd, loose = left["bd"].to_numpy(), left["loose"].to_numpy()
        firm = np.flatnonzero(~loose)
        keys = _letter_codes(left["letter"].to_numpy()[firm]) * _LETTER_SPAN + bd[firm]
        i1, r1 = self._strict.join(keys)
        i2, r2 = self._loose.join(bd)
        soft = np.flatnonzero(loose)
        i3, r3 = self._firm.join(bd[soft])
        return (np.concatenate([firm[i1], i2, soft[i3]]), np.concatenate([r1, r2, r3]))

    def pairs(self, left: pd.DataFrame) -> pd.DataFrame:
        """Confusable pairs (columns l, r: positions in left and in the index's right).

        Pairs with the same ``pid`` on both sides (a person and their own rows) are left out.
        """
        left = left.reset_index(drop=True)
        lp, rp = self._candidates(left)
        other = left["pid"].to_numpy()[lp] != self.right["pid"].to_numpy()[rp]
        lp, rp = lp[other], rp[other]
        close = _surnames_close(left, self.right, lp, rp, self._similarity)
        return pd.DataFrame({"l": lp[close], "r": rp[close]})


def _surnames_close(left: pd.DataFrame, right: pd.DataFrame, lp: np.ndarray, rp: np.ndarray,
                    similarity: SimilarityMemo) -> np.ndarray:
    """Per pair: some component of one side equals or resembles some component of the other."""
    nl = len(left)
    strings = np.concatenate([left[c].to_numpy() for c in _COMPONENTS]
                             + [right[c].to_numpy() for c in _COMPONENTS])
    codes, uniques = pd.factorize(pd.Series(strings, dtype=object), sort=False)
    lcodes = codes[: 3 * nl].reshape(3, nl)[:, lp]
    rcodes = codes[3 * nl:].reshape(3, len(right))[:, rp]
    is_empty = np.asarray(uniques, dtype=object) == ""
    empty = int(np.flatnonzero(is_empty)[0]) if is_empty.any() else -1
    # every non-empty left component against every non-empty right component
    rows = [np.flatnonzero((lcodes[i] != empty) & (rcodes[j] != empty))
            for i in range(3) for j in range(3)]
    ca = np.concatenate([lcodes[k // 3][r] for k, r in enumerate(rows)])
    cb = np.concatenate([rcodes[k % 3][r] for k, r in enumerate(rows)])
    close = _similar_codes(ca, cb, np.asarray(uniques, dtype=object), similarity)
    out: np.ndarray = np.zeros(len(lp), dtype=bool)
    out[np.concatenate(rows)[close]] = True
    return out


def _similar_codes(ca: np.ndarray, cb: np.ndarray, strings: np.ndarray,
                   similarity: SimilarityMemo) -> np.ndarray:
    """Per pair of string codes: equal or resembling."""
    out: np.ndarray = ca == cb
    todo = np.flatnonzero(~out)
    if not len(todo):
        return out
    width = len(strings)
    inverse, pair = pd.factorize(ca[todo].astype(np.int64) * width + cb[todo], sort=False)
    ids = similarity.ids(strings)
    out[todo] = similarity.close(ids[pair // width], ids[pair % width])[inverse]
    return out


def confusable_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Pairs (columns l, r: positions in left and right) of confusable identities."""
    return GuardIndex(right).pairs(left)
