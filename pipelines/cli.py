"""The ``vhh-link`` command line: the data officer's way in.

Errors of the toolkit's own family print their message (which never holds a personal
value) and exit non-zero; anything unexpected prints only its type, because a library's
message may quote a value. ``--debug`` shows the full traceback, for use inside the secure
environment only.
"""

from __future__ import annotations

import sys
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
from vhh.linkage.privacy.signing import TrustAnchor
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import load_inputs
from vhh.linkage.validate.sources import REMARKS, Validated
from vhh.linkage.version import __version__
from vhh.pipelines.analyse import analyse_export, analyse_run
from vhh.pipelines.console import progress_line, result_lines, terminate_as_exit
from vhh.pipelines.demo import BUNDLED_SEED, run_demo
from vhh.pipelines.starter import Starter, write_starter
from vhh.pipelines.study import run_study

EXIT_CODES = {ConfigError: 2, InputError: 3, KeyMaterialError: 4, ExportBlocked: 5,
              CrosswalkError: 6, VerificationError: 7}
"""Exit codes of the toolkit's own errors. Besides: 0 done; 1 ``validate`` found rows it
would quarantine, or ``reidentify`` did not find the pseudonym; 2 also for a command line
click refuses; 70 an unexpected error (its type only; ``--debug`` shows it)."""


def _notes(err: BaseException) -> None:
    """The toolkit's own notes on an error (where an earlier export went): never values."""
    for note in getattr(err, "__notes__", ()):
        click.echo(f"note: {note}", err=True)


def _fail(err: Exception, debug: bool) -> None:
    if debug:
        raise err
    if isinstance(err, LinkageError):
        code = next((c for t, c in EXIT_CODES.items() if isinstance(err, t)), 1)
        click.echo(f"error: {err}", err=True)
        _notes(err)
        sys.exit(code)
    click.echo(f"unexpected error ({type(err).__name__}); rerun with --debug inside the secure "
               "environment to see the details", err=True)
    _notes(err)
    sys.exit(70)


class _Guarded(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (SystemExit, KeyboardInterrupt) as err:  # a stop: say where things went
            _notes(err)
            raise
        except (click.exceptions.Exit, click.ClickException, click.Abort):
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


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: --out is a file, not a folder; give a folder (it is made "
                          "when missing)")


_WEAK_KEY_HELP = "Accept a key of obviously low entropy (not recommended; the report records it)."


def _print_starter(done: Starter) -> None:
    click.echo(f"configuration written: {done.config}")
    click.echo(f"example incident codes: {done.codes} (replace them by your data steward's)")
    for source, path in done.found.items():
        click.echo(f"  {source}: {path}")
    for source in done.missing:
        click.echo(f"  {source}: not found; put it at {done.config.parent / source}.csv "
                   "(or .xlsx, .parquet) or edit [inputs]")


@main.command()
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


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="The TOML configuration of the study.")
@click.option("--key-file", type=click.Path(path_type=Path), required=True,
              help="The key file made by 'vhh-link keygen' (mode 0600).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output folder; export/ and secure/ are written inside.")
@click.option("--allow-insecure-key", is_flag=True,
              help="Accept a key file that others can read (not recommended; the report "
                   "records it).")
@click.option("--allow-weak-key", is_flag=True, help=_WEAK_KEY_HELP)
def run(config_path: Path, key_file: Path, out: Path, allow_insecure_key: bool,
        allow_weak_key: bool) -> None:
    """Run the full linkage study on your own extracts."""
    _check_out(out)
    settings = load_settings(config_path)
    key = load_key(key_file, allow_insecure=allow_insecure_key, allow_weak=allow_weak_key)
    with terminate_as_exit(), progress_line() as progress:
        result = run_study(settings, key, out, progress=progress)
    for line in result_lines(result):
        click.echo(line)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"),
              show_default=True, help="Folder for the demo's input, key and output.")
@click.option("--seed", type=int, default=BUNDLED_SEED, show_default=True,
              help=f"{BUNDLED_SEED}: the bundled reference extracts; another seed generates "
                   "new ones (needs the synth extra).")
def demo(out: Path, seed: int) -> None:
    """Run the whole study on synthetic extracts (the reference funnel by default)."""
    _check_out(out)
    with terminate_as_exit(), progress_line() as progress:
        done = run_demo(out, seed, progress, say=lambda line: click.echo(line, err=True))
    for line in result_lines(done.result):
        click.echo(line)


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


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True)
def validate(config_path: Path) -> None:
    """Read and validate the inputs only; report every problem; write nothing.

    Exits 1 when rows would be quarantined, 0 when none would (remarks do not count).
    """
    settings = load_settings(config_path)
    incident_codes(settings)
    results = load_inputs(settings).validated  # police files in chunks
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
    sys.exit(1 if bad else 0)


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
@click.option("--allow-weak-key", is_flag=True, help=_WEAK_KEY_HELP)
def reidentify(key_file: Path, crosswalk: Path, pseudonym: str | None,
               allow_insecure_key: bool, allow_weak_key: bool) -> None:
    """Inside the secure environment: pseudonym → gcos_id from the encrypted crosswalk."""
    from vhh.linkage.privacy.crosswalk import read_crosswalk

    _, mapping = read_crosswalk(crosswalk, load_key(key_file, allow_insecure=allow_insecure_key,
                                                    allow_weak=allow_weak_key))
    if pseudonym is None:
        click.echo(mapping.to_csv(index=False, lineterminator="\n"), nl=False)
        return
    hit = mapping[mapping["pseudoniem"] == pseudonym.strip()]
    if hit.empty:
        click.echo("pseudonym not in this crosswalk", err=True)
        sys.exit(1)
    click.echo(hit["gcos_id"].iloc[0])


def _anchor(public_key: Path | None, key_file: Path | None, allow_insecure: bool,
            allow_weak: bool) -> TrustAnchor | None:
    if public_key is not None and key_file is not None:
        raise click.UsageError("give --public-key or --key-file, not both")
    if public_key is not None:
        return TrustAnchor.from_public_key_file(public_key)
    if key_file is not None:
        return TrustAnchor.from_master_key(
            load_key(key_file, allow_insecure=allow_insecure, allow_weak=allow_weak))
    return None


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--public-key", type=click.Path(path_type=Path), default=None,
              help="The trust anchor of an auditor: the run's secure/verificatiesleutel.pem, "
                   "received apart from the export.")
@click.option("--key-file", type=click.Path(path_type=Path), default=None,
              help="The trust anchor inside the secure environment: the study's key file.")
@click.option("--inputs-config", type=click.Path(path_type=Path), default=None,
              help="Also scan every export file for identifiers of the inputs this "
                   "configuration names (inside the secure environment only).")
@click.option("--allow-insecure-key", is_flag=True)
@click.option("--allow-weak-key", is_flag=True, help=_WEAK_KEY_HELP)
def verify(folder: Path, public_key: Path | None, key_file: Path | None,
           inputs_config: Path | None, allow_insecure_key: bool, allow_weak_key: bool
           ) -> None:
    """Re-check a delivered export folder (FOLDER is export/ or its parent).

    With --public-key or --key-file it checks who signed the delivery (authenticity);
    without, only that the folder is consistent with itself.
    """
    from vhh.linkage.tools.verify import require_all, verify_export

    anchor = _anchor(public_key, key_file, allow_insecure_key, allow_weak_key)
    checks = verify_export(folder, inputs_config, anchor)
    for check in checks:
        click.echo(check.line())
    require_all(checks)
    if anchor is None:
        click.echo(f"all {len(checks) - 1} checks that could run hold: the folder is "
                   "consistent, but that says nothing about who made it (anyone can rebuild "
                   "a consistent folder); give --public-key or --key-file to check that it "
                   "is authentic")
        return
    click.echo(f"all {len(checks)} checks hold: authentic and unchanged")


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
@click.option("--allow-weak-key", is_flag=True, help=_WEAK_KEY_HELP)
def explain(config_path: Path, key_file: Path, gcos_id: str, source: str,
            allow_insecure_key: bool, allow_weak_key: bool) -> None:
    """Inside the secure environment: why a subject was or was not linked. Writes nothing."""
    from vhh.linkage.link.review import read_review_decisions
    from vhh.linkage.tools.explain import WARNING, explain, explanation_lines

    settings = load_settings(config_path)
    load_key(key_file, allow_insecure=allow_insecure_key, allow_weak=allow_weak_key)
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
@click.option("--allow-weak-key", is_flag=True, help=_WEAK_KEY_HELP)
def analyse(input_path: Path | None, run_dir: Path | None, key_file: Path | None,
            config_path: Path | None, out: Path, allow_insecure_key: bool,
            allow_weak_key: bool) -> None:
    """The analyses of chapter 7.1: outside on an export, or inside on a run (checked)."""
    if (input_path is None) == (run_dir is None):
        raise click.UsageError("give --input FILE (outside) or --run RUN_DIR (inside)")
    if (run_dir is None) != (key_file is None):
        raise click.UsageError("--key-file goes with --run, and --run needs it")
    privacy = load_settings(config_path or DEFAULT_CONFIG).privacy
    if run_dir is not None and key_file is not None:
        key = load_key(key_file, allow_insecure=allow_insecure_key, allow_weak=allow_weak_key)
        outcome = analyse_run(run_dir, key, out, privacy)
    elif input_path is not None:
        outcome = analyse_export(input_path, out, privacy)
    for line in outcome.lines():
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
