"""``vhh-link analyse``: chapter 7.1 of the study, outside or inside the secure environment.

Two routes, one flow:

- **outside** (``--input FILE``): the exported analysis file, already protected against
  disclosure; the results are a function of a file that may leave anyway;
- **inside** (``--run RUN_DIR --key-file K``, recommended): the run's sealed
  full-resolution frame (exact ages, quarters), so the study's regression keeps its power;
  only results that pass output checking are written (Wpg art. 22), with the list of what
  was withheld and why in ``uitvoercontrole.json`` beside them.

read → analyse → (inside: check) → write ``analyse.json``, ``analyse.html``, ``analyse.sps``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vhh.linkage.analysis import (
    INSIDE,
    AnalysisData,
    AnalysisResults,
    analyse,
    analysis_json,
    check_output,
    load_export,
    load_run,
    output_check_dict,
    render_analysis_html,
    spss_syntax,
)
from vhh.linkage.io.atomic import atomic_write_bytes
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.settings import PrivacySettings

__all__ = ["AnalyseOutcome", "analyse_export", "analyse_run", "write_results"]


@dataclass(frozen=True)
class AnalyseOutcome:
    results: AnalysisResults
    files: dict[str, Path]

    def lines(self) -> list[str]:
        """What the command prints: counts and file names, never a value of a subject."""
        r = self.results
        out = [f"route: {r.route} ({r.bron})",
               f"t-tests: {len(r.t_toetsen)} of 4; regression: "
               f"{'yes' if r.regressie is not None else 'no'}; "
               f"not computable: {len(r.niet_berekend)}"]
        if r.uitvoercontrole.toegepast:
            out.append(f"output checking: {len(r.uitvoercontrole.achtergehouden)} parts "
                       f"withheld (small_cell {r.uitvoercontrole.kleine_cellen}); see "
                       "uitvoercontrole.json")
        out += [f"written: {path}" for path in self.files.values()]
        return out


def write_results(results: AnalysisResults, out_dir: Path) -> dict[str, Path]:
    """The result files, each written atomically; returns name → path."""
    texts = {"analyse.json": analysis_json(results),
             "analyse.html": render_analysis_html(results),
             "analyse.sps": spss_syntax(results.route)}
    if results.route == INSIDE:
        texts["uitvoercontrole.json"] = json.dumps(
            output_check_dict(results), ensure_ascii=False, indent=2) + "\n"
    files = {}
    for name, text in texts.items():
        atomic_write_bytes(out_dir / name, text.encode("utf-8"), mode=0o644)
        files[name] = out_dir / name
    return files


def _run(data: AnalysisData, out_dir: Path, privacy: PrivacySettings) -> AnalyseOutcome:
    results = analyse(data, privacy.small_cell)
    if data.route == INSIDE:
        results = check_output(results, privacy.small_cell, privacy.result_decimals)
    return AnalyseOutcome(results, write_results(results, out_dir))


def analyse_export(path: Path, out_dir: Path, privacy: PrivacySettings) -> AnalyseOutcome:
    """Outside route: analyse an exported ``analysebestand`` (.sav, .parquet or .csv)."""
    return _run(load_export(path), out_dir, privacy)


def analyse_run(run_dir: Path, key: MasterKey, out_dir: Path, privacy: PrivacySettings
                ) -> AnalyseOutcome:
    """Inside route: analyse a run's sealed full frame; write only checked results."""
    return _run(load_run(run_dir, key), out_dir, privacy)
