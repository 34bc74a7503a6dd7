"""The report's filter section: category values that the data brought, by count and tag.

A BVH role, an incident code missing from the code table and an HKS afdoening are free
text of the police extracts: anything can stand there, a surname or a BSN included. The
exported report therefore names a value only when it is one of the project's own words
(:data:`~vhh.linkage.contract.BVH_ROLES`, :data:`~vhh.linkage.contract.HKS_AFDOENINGEN`,
the roles and afdoeningen of the configuration; compared without regard to case and
surrounding spaces, and written as the project spells them). Every other value is counted
under a keyed tag (``code-k3j5m2pq4z``): HMAC-SHA256 under a purpose key derived from the
project key, so the same value gets the same tag in every run with that key and nobody
without the key can test a guess. The values behind the tags are listed only in the
internal report (``secure/auditrapport_intern.json``), where a data officer looks them up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from vhh.linkage.contract import BVH_ROLES, HKS_AFDOENINGEN
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.report.model import BvhFilters, Filters, HksFilters
from vhh.linkage.settings import Settings

__all__ = ["TAG_PURPOSE", "TAG_SHAPE", "CategoryCounts", "Labelled", "filter_section",
           "labelled", "value_tag"]

TAG_PURPOSE: Final = "waardelabel"
TAG_KINDS: Final = ("code", "rol", "afdoening")
TAG_SHAPE: Final = re.compile(r"(?:code|rol|afdoening)-[a-z2-7]{10}")
"""The shape of a keyed tag: a kind, a hyphen and ten base32 letters of an HMAC."""


def value_tag(key: bytes, kind: str, value: str) -> str:
    """The keyed tag of one data value of one kind (``code``, ``rol``, ``afdoening``)."""
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).digest()
    return f"{kind}-" + base64.b32encode(digest).decode("ascii").lower()[:10]


@dataclass(frozen=True)
class Labelled:
    """Counts by the label the export may show, and the values behind the tags."""

    counts: Mapping[str, int]
    values: Mapping[str, str]  # tag -> the value as in the input (secure/ only)

    def __repr__(self) -> str:  # the values may be anything the police wrote
        return f"Labelled({len(self.counts)} labels, {len(self.values)} tagged)"


def _canonical(value: str) -> str:
    return " ".join(value.split()).casefold()


def labelled(counts: Mapping[str, int], kind: str, known: Iterable[str], key: bytes
             ) -> Labelled:
    """``counts`` by label: a known word as the project spells it, anything else by tag."""
    spelling = {_canonical(word): word for word in known}
    out: dict[str, int] = {}
    values: dict[str, str] = {}
    for value, n in counts.items():
        label = spelling.get(_canonical(value))
        if label is None:
            label = value_tag(key, kind, value)
            values[label] = value
        out[label] = out.get(label, 0) + int(n)
    return Labelled(dict(sorted(out.items())), dict(sorted(values.items())))


class CategoryCounts(Protocol):
    """What the filter stage counted (:class:`vhh.linkage.study.filters.FilterOutcome`)."""

    @property
    def per_role(self) -> Mapping[str, int]: ...

    @property
    def unknown_codes(self) -> Mapping[str, int]: ...

    @property
    def per_category(self) -> Mapping[str, int]: ...


def filter_section(bvh: CategoryCounts, hks: CategoryCounts, settings: Settings,
                   master: MasterKey
                   ) -> tuple[Filters, dict[str, str]]:
    """The report's filters (known words by name, the rest by tag) and tag -> value."""
    key = master.derive(TAG_PURPOSE, settings.project)
    f = settings.filters
    roles = labelled(bvh.per_role, "rol", (*BVH_ROLES, *f.roles), key)
    codes = labelled(bvh.unknown_codes, "code", (), key)
    afdoeningen = labelled(hks.per_category, "afdoening", (*HKS_AFDOENINGEN,
                                                            *f.hks_afdoeningen), key)
    section = Filters(BvhFilters(dict(bvh.per_category), dict(roles.counts), dict(codes.counts)),
                      HksFilters(dict(afdoeningen.counts)))
    return section, {**roles.values, **codes.values, **afdoeningen.values}
