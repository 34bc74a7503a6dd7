"""The study's commands: init, run, demo, synth and validate."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.settings import load_settings
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import load_inputs
from vhh.linkage.validate.sources import REMARKS, Validated
from vhh.pipelines.cli.options import EXIT_CODES, WEAK_KEY_HELP, check_out
from vhh.pipelines.console import progress_line, result_lines, terminate_as_exit
from vhh.pipelines.demo import BUNDLED_SEED, run_demo
from vhh.pipelines.starter import Starter, write_starter
from vhh.pipelines.study import dry_run_export, run_study

__all__ = ["COMMANDS"]


def _print_starter(done: Starter) -> None:
    click.echo(f"configuration written: {done.config}")
    click.echo(f"example incident codes: {done.codes} (replace them by your data steward's)")
    for source, path in done.found.items():
        click.echo(f"  {source}: {path}")
    for source in done.missing:
        click.echo(f"  {source}: not found; put it at {done.config.parent / source}.csv "
                   "(or .xlsx, .parquet) or edit [inputs]")


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--project", default=None,
              help="The study's name; it binds the pseudonyms (default: from the folder name).")
@click.option("--force", is_flag=True, help="Replace an existing config.toml.")
def init(folder: Path, project: str | None, force: bool) -> None:
    """Write a working config.toml and the example incident codes next to your extracts.

    FOLDER holds (or will hold) gcos_subjecten, gcos_besprekingen, bvh_incidenten and
    hks_antecedenten as .csv, .xlsx or .parquet, there or in FOLDER/input/.
    """
    folder.mkdir(parents=True, exist_ok=True)
    done = write_starter(folder, project=project, overwrite=force)
    _print_starter(done)
    config = done.config
    click.echo("next: vhh-link keygen --out KEYFILE (keep the key outside this folder), then")
    click.echo(f"      vhh-link validate --config {config}")
    click.echo(f"      vhh-link run --config {config} --key-file KEYFILE --out OUTPUT")


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="The TOML configuration of the study.")
@click.option("--key-file", type=click.Path(path_type=Path), required=True,
              help="The key file made by 'vhh-link keygen' (mode 0600).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder; export/ and secure/ are written inside.")
@click.option("--allow-insecure-key", is_flag=True,
              help="Accept a key file that others can read (not recommended; the report "
                   "records it).")
@click.option("--allow-weak-key", is_flag=True, help=WEAK_KEY_HELP)
def run(config_path: Path, key_file: Path, out: Path, allow_insecure_key: bool,
        allow_weak_key: bool) -> None:
    """Run the full linkage study on your own extracts."""
    check_out(out)
    settings = load_settings(config_path)
    key = load_key(key_file, allow_insecure=allow_insecure_key, allow_weak=allow_weak_key)
    with terminate_as_exit(), progress_line() as progress:
        result = run_study(settings, key, out, progress=progress)
    for line in result_lines(result):
        click.echo(line)


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"),
              show_default=True, help="Folder for the demo's input, key and output.")
@click.option("--seed", type=int, default=BUNDLED_SEED, show_default=True,
              help=f"{BUNDLED_SEED}: the bundled reference extracts; another seed generates "
                   "new ones (needs the synth extra).")
def demo(out: Path, seed: int) -> None:
    """Run the whole study on synthetic extracts (the reference funnel by default)."""
    check_out(out)
    with terminate_as_exit(), progress_line() as progress:
        done = run_demo(out, seed, progress, say=lambda line: click.echo(line, err=True))
    for line in result_lines(done.result):
        click.echo(line)


@click.command()
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
    """Write synthetic extracts (input/), their ground truth (truth/) and a config.toml."""
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
    _print_starter(write_starter(out, project="vhh-evaluatie-synth", overwrite=True))
    if bvh_rows is not None:
        click.echo(f"written: {summary.gcos_rows:,} GCOS, {summary.bvh_rows:,} BVH and "
                   f"{summary.hks_rows:,} HKS rows in {summary.batches} batches, "
                   f"{summary.seconds:.1f} s")


def _remark_lines(v: Validated) -> list[str]:
    """What valid rows carry besides: counts and row numbers, never a value or a name."""
    lines = [f"    reported, not quarantined: {n} × {REMARKS[key]}" for key, n in
             v.remarks.drop_duplicates(["bronrij", "opmerking"])["opmerking"]
             .value_counts().sort_index().items()]
    lines += [f"    row {r['bronrij']}, column '{r['kolom']}': {r['opmerking']}"
              for _, r in v.remarks.head(10).iterrows()]
    if v.unknown_domains:
        lines.append(f"    {len(v.unknown_domains)} different leefgebied names are no title of "
                     "[gcos] leefgebieden; a run lists them in secure/onbekende_leefgebieden.csv")
    return lines


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True)
@click.option("--no-gate", is_flag=True,
              help="Only read and validate the inputs; skip the dry run of the export gate.")
def validate(config_path: Path, no_gate: bool) -> None:
    """Read and validate the inputs, then try the export gate on a dry run (the whole study
    under a throw-away key, in a temporary folder); report every problem; write nothing.

    Exits 5 when the export would be blocked, 1 when rows would be quarantined, 0 when
    neither (remarks do not count).
    """
    settings = load_settings(config_path)
    incident_codes(settings)
    if no_gate:
        results, blocked = load_inputs(settings).validated, None  # police files in chunks
    else:
        with progress_line() as progress:
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
        for line in _remark_lines(v):
            click.echo(line)
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


COMMANDS = (init, run, demo, synth, validate)
