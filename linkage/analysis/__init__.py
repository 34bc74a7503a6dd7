"""The analysis of chapter 7.1 of the reference study, on the analysis file.

Pure functions on a checked frame, typed frozen results, writers that return text::

    data.load_export(path) / data.load_run(run_dir, key)  -> AnalysisData
    results.analyse(data, small_cell)                      -> AnalysisResults
    checking.check_output(results, small_cell, decimals)   -> AnalysisResults (inside route)
    report_json.analysis_json / html_page.render_analysis_html / spss.spss_syntax -> str

The statistics are scipy's and statsmodels'; see each module for the study's choices.
"""

from vhh.linkage.analysis.checking import check_output
from vhh.linkage.analysis.data import INSIDE, OUTSIDE, AnalysisData, load_export, load_run
from vhh.linkage.analysis.html_page import render_analysis_html
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.report_json import analysis_dict, analysis_json, output_check_dict
from vhh.linkage.analysis.results import AnalysisResults, OutputCheck, analyse
from vhh.linkage.analysis.spss import spss_syntax

__all__ = ["INSIDE", "OUTSIDE", "AnalysisData", "AnalysisResults", "Omission", "OutputCheck",
           "analyse", "analysis_dict", "analysis_json", "check_output", "load_export",
           "load_run", "output_check_dict", "render_analysis_html", "spss_syntax"]
