"""Police persons: when a conflict is no typing slip but another person.

The Fellegi-Sunter weights see one pair at a time, and cannot tell a twin (the same surname
and birthdate, another first initial), a near-namesake (a surname one slip away, another
second initial) or a namesake (the same surname and initials, another birthdate) from the
subject with a slip: both are rare, and the model's independence lets the fields that agree
outweigh the one that conflicts. The police extract itself can tell: a slip is made on one
row, another person is registered the same way on many. So:

- the *support* of a police identity is the number of police rows with the same surname
  (without particles), the same birthdate and the same initials;
- a pair that *conflicts* with the subject (its initials: a later initial or the first
  differs; or its birthdate differs beyond every slip) is *another person* when that
  spelling has a support of two rows or more: a *rival* of the subject;
- a pair whose police identity could be a conflicting identity written with less
  (initials only a beginning of its initials or missing, the birthdate its birthdate or
  missing, the same surname) is another person too, even when that identity is on one row
  only: the twin's rows without their initials, the namesake's rows without a birthdate.
  Which of the two persons such a row belongs to, nobody knows.

Such pairs are not linked (rule ``andere_persoon``) and do not train the model: EM would
take them for matches with a slip and learn that conflicting initials mean little.

A subject's *police* initials are often fuller than its GCOS ones ("M." in GCOS, "M.J.K."
on the police rows matched to it): a pair whose known initials differ from those fuller
initials in every position they share, two or more ("F.L.A." against "M.J.K."), is another
person as well; a typing slip changes one initial, not all of them.

The other way round, a police identity without a birthdate whose surname and initials are
those of an identity already matched automatically to the same subject, with no rival
that could own it, is that police person's row without its birthdate: it is matched too
(rule ``aanvulling_geboortedatum``), whatever the weight of the name alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.arrays import find_sorted
from vhh.linkage.link.levels import BIRTHDATE, INITIALS, Fields

__all__ = ["COMPLETION_RULE", "OTHER_PERSON_RULE", "MIN_SUPPORT", "completes", "conflicting",
           "other_person_established", "other_person_partial", "person_codes",
           "written_with_less",
           "supported_conflict", "support"]

OTHER_PERSON_RULE = "andere_persoon"
COMPLETION_RULE = "aanvulling_geboortedatum"
MIN_SUPPORT = 2
_CONFLICT = (INITIALS.level("later_anders"), INITIALS.level("eerste_anders"))
_BIRTH_CONFLICT = BIRTHDATE.level("anders")


def support(b: Fields, rows: np.ndarray) -> np.ndarray:
    """Per police identity: the rows of all identities with its surname key, birthdate and
    initials (``rows``: each identity's number of rows)."""
    if not len(b):
        return np.zeros(0, dtype=np.int64)
    group = person_codes(b)
    initials = b.n_initials.astype(np.int64)
    for k in range(b.initials.shape[1]):
        initials = initials << 5 | b.initials[:, k].astype(np.int64)
    group = pd.factorize(group.astype(np.int64) << 28 | initials)[0]
    return np.asarray(np.bincount(group, weights=rows).astype(np.int64)[group])


def person_codes(b: Fields) -> np.ndarray:
    """Per police identity, a code of its (surname key, birthdate): one per police person
    as far as those two fields tell."""
    return np.asarray(pd.factorize((b.surname.kern.astype(np.int64) + 1) << 32 | b.birth_key)[0])


def conflicting(initial_levels: np.ndarray, birth_levels: np.ndarray) -> np.ndarray:
    """Whether each pair conflicts: a later or the first initial differs, or the birthdate
    differs beyond every slip."""
    return np.asarray(np.isin(initial_levels, _CONFLICT) | (birth_levels == _BIRTH_CONFLICT))


def supported_conflict(initial_levels: np.ndarray, birth_levels: np.ndarray, i: np.ndarray,
                       backing: np.ndarray) -> np.ndarray:
    """Pairs whose conflicting identity is written so on two rows or more."""
    return np.asarray(conflicting(initial_levels, birth_levels) & (backing[i] >= MIN_SUPPORT))


def _is_beginning(b: Fields, short: np.ndarray, long: np.ndarray) -> np.ndarray:
    """Whether the initials of identity ``short`` begin those of ``long`` (none: yes)."""
    n = np.minimum(b.n_initials[short], b.initials.shape[1])
    column = np.arange(b.initials.shape[1])[None, :]
    same = (b.initials[short] == b.initials[long]) | (column >= n[:, None])
    return np.asarray(same.all(axis=1) & (b.n_initials[short] <= b.n_initials[long]))


_LETTER_BITS = 5  # an initial's letter code (1-26) fits in five bits


def _initials_code(b: Fields) -> np.ndarray:
    """The initials of every identity of ``b`` (up to the compared width) as one int64, the
    first initial in the highest bits. Made once per :func:`other_person_partial` and
    gathered: the rivals of a national extract ask for millions, chunk after chunk."""
    code = np.zeros(len(b), dtype=np.int64)
    for k in range(b.initials.shape[1]):
        code = code << _LETTER_BITS | b.initials[:, k].astype(np.int64)
    return code


def _prefix_code(width: int, initials: np.ndarray, length: np.ndarray | int) -> np.ndarray:
    """The first ``length`` initials of ``initials`` (from :func:`_initials_code`) with
    ``length`` above them: one code per beginning."""
    dropped = (width - np.asarray(length, dtype=np.int64)) * _LETTER_BITS
    return np.asarray(length, dtype=np.int64) << (width * _LETTER_BITS) | (
        initials >> dropped << dropped)


def _best_two(keys: np.ndarray, n: np.ndarray, j: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct key (sorted): the two entries with the most initials ``n``, as keys
    (k,), n (k, 2) and j (k, 2); a missing second entry has n = -1 and j = -1."""
    order = np.lexsort((-n, keys))
    keys, n, j = keys[order], n[order], j[order]
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    second = np.minimum(first + 1, len(keys) - 1)
    two = (first + 1 < len(keys)) & (keys[second] == keys[first])
    return (keys[first], np.stack([n[first], np.where(two, n[second], -1)], axis=1),
            np.stack([j[first], np.where(two, j[second], -1)], axis=1))


_RIVAL_CHUNK = 1_000_000  # rivals looked at a time (a national extract has millions)


def _candidate_keys(b: Fields, codes: np.ndarray, cand: np.ndarray, cand_group: np.ndarray
                    ) -> np.ndarray:
    """Per candidate identity (``cand``, in ``cand_group``): its group and its initials
    (up to the compared width, with their number) as one key (``codes``: every identity's
    initials, from :func:`_initials_code`)."""
    n_cand = np.minimum(b.n_initials[cand].astype(np.int64), b.initials.shape[1])
    return np.asarray(cand_group << 32 | _prefix_code(b.initials.shape[1],
                                                      codes[cand], n_cand))


def _offer(b: Fields, codes: np.ndarray, rival: np.ndarray, rival_group: np.ndarray,
           asked: pd.Index,
           offers: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
    """Each rival identity (in ``rival_group``; -1 = a group no candidate has) offers each
    beginning of its initials as a key (its group and the beginning); of the offers that
    some candidate's key asks for (``asked``), the two with the most initials per key are
    appended to ``offers`` as (key, the rival's number of initials, the rival)."""
    n, width = b.n_initials[rival].astype(np.int64), b.initials.shape[1]
    initials = codes[rival]
    keys, ns, js = [], [], []
    for length in range(width + 1):
        at = np.flatnonzero((n >= length) & (rival_group >= 0))
        key = rival_group[at] << 32 | _prefix_code(width, initials[at], length)
        wanted = np.flatnonzero(asked.get_indexer(key) >= 0)
        keys.append(key[wanted])
        ns.append(n[at[wanted]])
        js.append(rival[at[wanted]])
    if sum(map(len, keys)):
        top_keys, top_n, top_j = _best_two(np.concatenate(keys), np.concatenate(ns),
                                           np.concatenate(js))
        real = top_n.ravel() >= 0
        offers.append((np.repeat(top_keys, 2)[real], top_n.ravel()[real],
                       top_j.ravel()[real]))


def _written_with_less(b: Fields, cand: np.ndarray, cand_key: np.ndarray,
                       offers: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per candidate identity (``cand``, its key from :func:`_candidate_keys`): some rival
    identity of its group other than itself whose initials it begins
    (:func:`_is_beginning`), among the ``offers`` of :func:`_offer`.

    Instead of joining every candidate to every rival of its group, each rival offers each
    beginning of its initials as a key, and per key only the two rivals with the most
    initials are kept: enough to find one other than the candidate itself (a rival is
    offered once per key, so the two are two identities). The two of a chunk of rivals are
    kept, and the two of those.
    """
    n_cand = b.n_initials[cand].astype(np.int64)
    hit = np.zeros(len(cand), dtype=bool)
    if not offers:
        return hit
    top_keys, top_n, top_j = _best_two(*(np.concatenate([x[k] for x in offers])
                                         for k in range(3)))
    at = find_sorted(top_keys, cand_key)
    known = at >= 0
    for k in range(2):
        hit |= known & (top_j[at, k] != cand) & (top_n[at, k] >= n_cand)
    return hit


def written_with_less(pairs: pd.DataFrame) -> np.ndarray:
    """Per row of ``pairs`` (with the level names): its police identity has less than the
    subject (its initials a beginning or missing, or no birthdate). Only such a row can
    be a rival's written with less (:func:`other_person_partial`), so only the rivals of
    these rows' subjects and surname keys are ever looked at."""
    return np.asarray(pairs["niveau_voorletters"].isin(("voorvoegsel", "ontbreekt")).to_numpy()
                      | (pairs["niveau_geboortedatum"] == "ontbreekt").to_numpy())


def other_person_partial(b: Fields, pairs: pd.DataFrame, rivals: pd.DataFrame) -> np.ndarray:
    """Per row of ``pairs`` (columns s, i and the level names): the police identity could
    be a *rival* of the
    same subject (``rivals``: columns s, i of pairs that conflict) written with less: the
    same surname key, its birthdate equal to the rival's or missing, its initials a
    beginning of the rival's or missing.

    The rivals (most of the candidate pairs on a national extract) are looked at a chunk
    at a time, each keeping only the keys some candidate asks for.
    """
    hit = np.zeros(len(pairs), dtype=bool)
    if pairs.empty or rivals.empty:
        return hit
    less = np.flatnonzero(written_with_less(pairs))
    i = pairs["i"].to_numpy().astype(np.int64)[less]
    s = pairs["s"].to_numpy().astype(np.int64)[less]
    # the same subject and surname key: only the rivals of a candidate's group matter
    names = pd.Index(pd.unique(s << 32 | (b.surname.kern[i].astype(np.int64) + 1)))
    by_name = names.get_indexer(s << 32 | (b.surname.kern[i].astype(np.int64) + 1))
    # a candidate without a birthdate may be any rival's; one with a birthdate only one's
    # with that birthdate
    births = pd.Index(pd.unique(b.birth_key[i]))
    width = len(births) + 1
    by_birth = by_name * width + births.get_indexer(b.birth_key[i])
    groups = pd.Index(pd.unique(by_birth))
    codes = _initials_code(b)
    any_key = _candidate_keys(b, codes, i, by_name.astype(np.int64))
    same_key = _candidate_keys(b, codes, i, groups.get_indexer(by_birth).astype(np.int64))
    asked = pd.Index(pd.unique(any_key)), pd.Index(pd.unique(same_key))
    any_offers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    same_offers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    all_j, all_s = rivals["i"].to_numpy(), rivals["s"].to_numpy()
    for lo in range(0, len(rivals), _RIVAL_CHUNK):
        rj = all_j[lo:lo + _RIVAL_CHUNK].astype(np.int64)
        rs = all_s[lo:lo + _RIVAL_CHUNK].astype(np.int64)
        rival_name = names.get_indexer(rs << 32 | (b.surname.kern[rj].astype(np.int64) + 1))
        kept = np.flatnonzero(rival_name >= 0)
        rj, rival_name = rj[kept], rival_name[kept].astype(np.int64)
        rival_birth = births.get_indexer(b.birth_key[rj])
        rival_birth = np.where(rival_birth >= 0, rival_name * width + rival_birth, -1)
        _offer(b, codes, rj, rival_name, asked[0], any_offers)
        _offer(b, codes, rj, groups.get_indexer(rival_birth).astype(np.int64), asked[1],
               same_offers)
    any_birth = _written_with_less(b, i, any_key, any_offers)
    same_birth = _written_with_less(b, i, same_key, same_offers)
    hit[less] = np.where(b.birth.missing[i], any_birth, same_birth)
    return hit


def _compatible(b: Fields, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Initials equal, or one side's a beginning of the other's (both known)."""
    known = (b.n_initials[i] > 0) & (b.n_initials[j] > 0)
    return np.asarray(known & (_is_beginning(b, i, j) | _is_beginning(b, j, i)))


def completes(b: Fields, pairs: pd.DataFrame, open_rows: np.ndarray) -> np.ndarray:
    """Per row of ``pairs`` (columns s, i, besluit): among ``open_rows`` (pairs without a
    birthdate on the police side, the same surname, compatible initials, not a rival's),
    those whose identity has the surname key and compatible initials of an identity
    already matched to the same subject."""
    hit = np.zeros(len(pairs), dtype=bool)
    rows = np.flatnonzero(open_rows)
    matched = pairs[pairs["besluit"].to_numpy() == "match"]
    if not len(rows) or matched.empty:
        return hit
    cand = pd.DataFrame({"row": rows, "s": pairs["s"].to_numpy()[rows],
                         "i": pairs["i"].to_numpy()[rows]})
    cand["kern"] = b.surname.kern[cand["i"].to_numpy()]
    done = pd.DataFrame({"s": matched["s"].to_numpy(), "j": matched["i"].to_numpy()})
    done["kern"] = b.surname.kern[done["j"].to_numpy()]
    joined = cand.merge(done, on=["s", "kern"])
    fits = _compatible(b, joined["i"].to_numpy(), joined["j"].to_numpy())
    hit[joined["row"].to_numpy()[fits]] = True
    return hit


def other_person_established(b: Fields, pairs: pd.DataFrame, conflict: np.ndarray
                             ) -> np.ndarray:
    """Per row of ``pairs`` (columns s, i, besluit, match_gewicht): among the ``conflict``
    rows, those whose initials differ from the fullest initials of the subject's matched
    identities in every position both have, two positions or more."""
    hit = np.zeros(len(pairs), dtype=bool)
    matched = pairs[pairs["besluit"].to_numpy() == "match"]
    rows = np.flatnonzero(conflict)
    if not len(rows) or matched.empty:
        return hit
    fullest = (matched.assign(n=b.n_initials[matched["i"].to_numpy()])
               .sort_values(["n", "match_gewicht"], ascending=False)
               .drop_duplicates("s").set_index("s")["i"])
    s = pairs["s"].to_numpy()[rows]
    known = np.isin(s, fullest.index.to_numpy())
    rows, s = rows[known], s[known]
    i, j = pairs["i"].to_numpy()[rows], fullest.reindex(s).to_numpy()
    shared = np.minimum(np.minimum(b.n_initials[i], b.n_initials[j]), b.initials.shape[1])
    column = np.arange(b.initials.shape[1])[None, :]
    differ = ((b.initials[i] != b.initials[j]) | (column >= shared[:, None])).all(axis=1)
    hit[rows[differ & (shared >= 2)]] = True
    return hit
