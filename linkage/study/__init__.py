"""The study's own steps: scope, filters, observation windows, study variables."""

from vhh.linkage.study.filters import FilterOutcome, filter_bvh, filter_hks
from vhh.linkage.study.scope import apply_scope, start_dates, times_discussed
from vhh.linkage.study.variables import gcos_variables
from vhh.linkage.study.windows import count_in_windows, followup_complete

__all__ = ["apply_scope", "count_in_windows", "filter_bvh", "filter_hks", "FilterOutcome",
           "followup_complete", "gcos_variables", "start_dates", "times_discussed"]
