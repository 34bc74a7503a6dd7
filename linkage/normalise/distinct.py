"""Compute once per distinct value, then spread the result back over every row.

Extract columns repeat a few values many times (a surname per row of a person, a few
thousand incident days, five roles), so a Python-level string operation over a million rows
costs far more than the same operation over the distinct values plus one ``take``. For an
element-wise ``transform`` the outcome is the same value for value; missing values are
passed to ``transform`` like any other value, so their handling does not change either.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

__all__ = ["per_distinct"]


def per_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``transform(values)`` computed on the distinct values only.

    ``transform`` must be element-wise: each output value depends on its input value
    alone. The result has the index and name of ``values`` and the dtype ``transform`` gives.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = pd.Series(uniques, name=values.name)
    result = transform(distinct)
    return pd.Series(result.to_numpy()[codes], index=values.index, name=values.name,
                     dtype=result.dtype)
