"""The ``vhh-link`` command line: the data officer's way in.

Errors of the toolkit's own family print their message (which never holds a personal
value) and exit non-zero; anything unexpected prints only its type, because a library's
message may quote a value. ``--debug`` shows the full traceback, for use inside the secure
environment only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from vhh.linkage.errors import (
    ConfigError,
    CrosswalkError,
    ExportBlocked,
    InputError,
    KeyMaterialError,
    LinkageError,
    VerificationError,
)
from vhh.linkage.privacy.keys import generate_key_file, load_key
from vhh.linkage.report.summary import summary_lines
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import load_inputs
from vhh.linkage.version import __version__
from vhh.pipelines.analyse import analyse_export, analyse_run
from vhh.pipelines.demo import BUNDLED_SEED, run_demo
from vhh.pipelines.study import StudyResult, dry_run_export, run_study

EXIT_CODES = {ConfigError: 2, InputError: 3, KeyMaterialError: 4, ExportBlocked: 5,
              CrosswalkError: 6, VerificationError: 7}


def _fail(err: Exception, debug: bool) -> None:
    if debug:
        raise err
    if isinstance(err, LinkageError):
        code = next((c for t, c in EXIT_CODES.items() if isinstance(err, t)), 1)
        click.echo(f"error: {err}", err=True)
        sys.exit(code)
    click.echo(f"unexpected error ({type(err).__name__}); rerun with --debug inside the secure "
               "environment to see the details", err=True)
    sys.exit(70)


class _Guarded(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as err:  # noqa: BLE001 - the one place that turns errors into exits
            _fail(err, bool(ctx.obj and ctx.obj.get("debug")))
            return None


@click.group(cls=_Guarded)
@click.version_option(__version__, prog_name="vhh-link")
@click.option("--debug", is_flag=True, help="Show full tracebacks (secure environment only).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Link GCOS case subjects to BVH and HKS police records and export a de-identified file."""
    ctx.obj = {"debug": debug}


def _print_result(result: StudyResult) -> None:
    report = result.report
    click.echo("")
    for line in summary_lines(report):
        click.echo(line)
    click.echo(f"export (may leave the secure environment): {result.export_dir}")
    click.echo(f"secure (never leaves): {result.secure_dir}")
    click.echo(f"run id {report.run_id}, key id {report.sleutel_id}")


@contextmanager
def _progress() -> Iterator[Callable[[str], None] | None]:
    """A live status line on a terminal; nothing at all when stderr is a log or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return

    def show(stage: str) -> None:
        sys.stderr.write(f"\r\x1b[2Kvhh-link: {stage} …")
        sys.stderr.flush()

    try:
        yield show
    finally:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="The TOML configuration of the study.")
@click.option("--key-file", type=click.Path(path_type=Path), required=True,
              help="The key file made by 'vhh-link keygen' (mode 0600).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder; export/ and secure/ are written inside.")
@click.option("--allow-insecure-key", is_flag=True,
              help="Accept a key file that others can read (not recommended).")
def run(config_path: Path, key_file: Path, out: Path, allow_insecure_key: bool) -> None:
    """Run the full linkage study on your own extracts."""
    settings = load_settings(config_path)
    key = load_key(key_file, allow_insecure=allow_insecure_key)
    with _progress() as progress:
        result = run_study(settings, key, out, progress=progress)
    _print_result(result)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"),
              show_default=True, help="Folder for the demo's input, key and output.")
@click.option("--seed", type=int, default=BUNDLED_SEED, show_default=True,
              help=f"{BUNDLED_SEED}: the bundled reference extracts; another seed generates "
                   "new ones (needs the synth extra).")
def demo(out: Path, seed: int) -> None:
    """Run the whole study on synthetic extracts (the reference funnel by default)."""
    with _progress() as progress:
        done = run_demo(out, seed, progress, say=lambda line: click.echo(line, err=True))
    _print_result(done.result)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.option("--seed", type=int, default=2013, show_default=True)
@click.option("--subjects", type=int, default=None,
              help="In-scope subjects (default 213, the reference study).")
@click.option("--others", type=int, default=None,
              help="Non-subjects generated with the subjects (default 1500 per 213 "
                   "subjects); --bvh-rows adds more.")
@click.option("--noise", type=click.Choice(["default", "high"]), default="default",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True)
@click.option("--bvh-rows", type=click.IntRange(min=1), default=None,
              help="Write exactly this many BVH rows, streamed to disk in batches so that "
                   "memory stays bounded (e.g. 20000000 for a national-size study).")
@click.option("--hks-rows", type=click.IntRange(min=0), default=None,
              help="With --bvh-rows: exactly this many HKS rows (default: a tenth of the "
                   "BVH rows, or the subjects' and others' own HKS rows when more).")
@click.option("--batch-rows", type=click.IntRange(min=1), default=None,
              help="With --bvh-rows: police rows per batch (default 500000).")
def synth(out: Path, seed: int, subjects: int | None, others: int | None, noise: str,
          fmt: str, bvh_rows: int | None, hks_rows: int | None, batch_rows: int | None
          ) -> None:
    """Write synthetic extracts (input/) and their ground truth (truth/)."""
    try:
        from vhh.linkage.synth import SynthSettings, generate, write_synth
        from vhh.linkage.synth.stream import StreamSize, write_streamed
    except ImportError:  # the generator's Faker is an optional extra
        raise click.UsageError("the generator is not installed: "
                               "pip install \"vhh-linkage[synth]\"") from None

    kwargs: dict[str, object] = {"seed": seed, "noise": noise}
    if subjects is not None:
        kwargs["subjects"] = subjects
    if others is not None:
        kwargs["others"] = others
    if bvh_rows is None and (hks_rows is not None or batch_rows is not None):
        raise click.UsageError("--hks-rows and --batch-rows need --bvh-rows")
    try:
        settings = SynthSettings(**kwargs)  # type: ignore[arg-type]
        if bvh_rows is None:
            written = write_synth(generate(settings), out, fmt=fmt)
        else:
            size = StreamSize(bvh_rows, hks_rows, batch_rows or StreamSize.batch_rows)
            summary = write_streamed(settings, size, out, fmt,
                                     progress=lambda line: click.echo(line, err=True))
            written = summary.files
    except ValueError as err:  # the settings' own message: counts and names, no values
        raise click.UsageError(str(err)) from err
    for name, path in sorted(written.items()):
        click.echo(f"{name}: {path}")
    if bvh_rows is not None:
        click.echo(f"written: {summary.gcos_rows:,} GCOS, {summary.bvh_rows:,} BVH and "
                   f"{summary.hks_rows:,} HKS rows in {summary.batches} batches, "
                   f"{summary.seconds:.1f} s")


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True)
@click.option("--no-gate", is_flag=True,
              help="Only read and validate the inputs; skip the dry run of the export gate.")
def validate(config_path: Path, no_gate: bool) -> None:
    """Read and validate the inputs, then try the export gate on a dry run (the whole study
    under a throw-away key, in a temporary folder); report every problem; write nothing.
    Exits 5 when the export would be blocked, 1 when rows would be quarantined."""
    settings = load_settings(config_path)
    incident_codes(settings)
    if no_gate:
        results, blocked = load_inputs(settings).validated, None  # police files in chunks
    else:
        with _progress() as progress:
            dry = dry_run_export(settings, progress)
        results, blocked = dry.prepared.accounts.loaded.validated, dry.blocked
    bad = 0
    for source, v in results.items():
        click.echo(f"{source}: {v.rows_read} rows read, {len(v.valid)} valid, "
                   f"{len(v.quarantine)} would be quarantined")
        for reason, n in v.quarantine["reden"].value_counts().sort_index().items():
            click.echo(f"    {n} × {reason}")
        for _, q in v.quarantine.head(20).iterrows():
            click.echo(f"    row {q['bronrij']}, column '{q['kolom']}': {q['reden']}")
        bad += len(v.quarantine)
    if blocked is not None:
        _print_gate(blocked)
    sys.exit(EXIT_CODES[ExportBlocked] if blocked else 1 if bad else 0)


def _print_gate(blocked: tuple[str, ...]) -> None:
    if not blocked:
        click.echo("export gate (dry run): the export would be written; no input identifier "
                   "in what the data brings to it")
        return
    click.echo("export gate (dry run): the export would be blocked:")
    for reason in blocked:
        click.echo(f"    {reason}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), required=True)
def keygen(out: Path) -> None:
    """Write a new random 256-bit key (mode 0600); never overwrites."""
    key_id = generate_key_file(out)
    click.echo(f"new key written to {out} (key id {key_id}). Keep it out of the repository, "
               "out of config files, and under two-person custody.")


@main.command()
@click.option("--key-file", type=click.Path(path_type=Path), required=True)
@click.option("--crosswalk", type=click.Path(path_type=Path), required=True)
@click.option("--pseudonym", default=None, help="Look up one pseudonym; default: all, as CSV.")
@click.option("--allow-insecure-key", is_flag=True)
def reidentify(key_file: Path, crosswalk: Path, pseudonym: str | None,
               allow_insecure_key: bool) -> None:
    """Inside the secure environment: pseudonym → gcos_id from the encrypted crosswalk."""
    from vhh.linkage.privacy.crosswalk import read_crosswalk

    _, mapping = read_crosswalk(crosswalk, load_key(key_file, allow_insecure=allow_insecure_key))
    if pseudonym is None:
        click.echo(mapping.to_csv(index=False, lineterminator="\n"), nl=False)
        return
    hit = mapping[mapping["pseudoniem"] == pseudonym.strip()]
    if hit.empty:
        click.echo("pseudonym not in this crosswalk", err=True)
        sys.exit(1)
    click.echo(hit["gcos_id"].iloc[0])


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--inputs-config", type=click.Path(path_type=Path), default=None,
              help="Also scan every export file for identifiers of the inputs this "
                   "configuration names (inside the secure environment only).")
def verify(folder: Path, inputs_config: Path | None) -> None:
    """Re-check a delivered export folder (FOLDER is export/ or its parent)."""
    from vhh.linkage.tools.verify import require_all, verify_export

    checks = verify_export(folder, inputs_config)
    for check in checks:
        click.echo(check.line())
    require_all(checks)
    click.echo(f"all {len(checks)} checks hold")


@main.command()
@click.option("--links", "links_path", type=click.Path(path_type=Path, exists=True,
              dir_okay=False), required=True, help="secure/koppelingen.csv of a run.")
@click.option("--truth", "truth_dir", type=click.Path(path_type=Path, exists=True,
              file_okay=False), required=True, help="The truth/ folder of 'vhh-link synth'.")
@click.option("--source", type=click.Choice(["bvh", "hks", "all"]), default="all",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(links_path: Path, truth_dir: Path, source: str, as_json: bool) -> None:
    """Synthetic data only: precision, recall and F1 of the matches against the truth."""
    import json

    from vhh.linkage.tools.evaluate import evaluate as measure
    from vhh.linkage.tools.evaluate import evaluation_lines, read_links, read_truth

    result = measure(read_links(links_path), read_truth(truth_dir), source)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    for line in evaluation_lines(result):
        click.echo(line)


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True)
@click.option("--key-file", type=click.Path(path_type=Path), required=True,
              help="The study's key file: only its holder may look at linkage decisions.")
@click.option("--gcos-id", required=True, help="The subject to explain.")
@click.option("--source", type=click.Choice(["bvh", "hks", "all"]), default="all",
              show_default=True)
@click.option("--allow-insecure-key", is_flag=True)
def explain(config_path: Path, key_file: Path, gcos_id: str, source: str,
            allow_insecure_key: bool) -> None:
    """Inside the secure environment: why a subject was or was not linked. Writes nothing."""
    from vhh.linkage.link.review import read_review_decisions
    from vhh.linkage.tools.explain import WARNING, explain, explanation_lines

    settings = load_settings(config_path)
    load_key(key_file, allow_insecure=allow_insecure_key)
    click.echo(WARNING)
    decisions = None
    if settings.linkage.review_decisions is not None:
        decisions = read_review_decisions(settings.resolve(settings.linkage.review_decisions))
    sources = ("bvh", "hks") if source == "all" else (source,)
    for explanation in explain(settings, load_inputs(settings), gcos_id.strip(), sources,
                               decisions):
        for line in explanation_lines(explanation):
            click.echo(line)


@main.command()
@click.option("--input", "input_path", type=click.Path(path_type=Path), default=None,
              help="Outside route: the exported analysis file (.sav, .parquet or .csv).")
@click.option("--run", "run_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Inside route (recommended): the output folder of "
              "'vhh-link run'; reads secure/analysebestand_volledig.enc.")
@click.option("--key-file", type=click.Path(path_type=Path), default=None,
              help="Inside route: the run's key file.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Takes [privacy] small_cell and result_decimals (default: the built-in "
              "default configuration).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder for analyse.json, analyse.html and analyse.sps.")
@click.option("--allow-insecure-key", is_flag=True)
def analyse(input_path: Path | None, run_dir: Path | None, key_file: Path | None,
            config_path: Path | None, out: Path, allow_insecure_key: bool) -> None:
    """The analyses of chapter 7.1: outside on an export, or inside on a run (checked)."""
    if (input_path is None) == (run_dir is None):
        raise click.UsageError("give --input FILE (outside) or --run RUN_DIR (inside)")
    if (run_dir is None) != (key_file is None):
        raise click.UsageError("--key-file goes with --run, and --run needs it")
    privacy = load_settings(config_path or DEFAULT_CONFIG).privacy
    if run_dir is not None and key_file is not None:
        key = load_key(key_file, allow_insecure=allow_insecure_key)
        outcome = analyse_run(run_dir, key, out, privacy)
    elif input_path is not None:
        outcome = analyse_export(input_path, out, privacy)
    for line in outcome.lines():
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
