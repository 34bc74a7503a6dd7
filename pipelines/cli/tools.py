"""The tools' commands: keygen, reidentify, verify, evaluate, explain and analyse."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from vhh.linkage.privacy.keys import generate_key_file, load_key
from vhh.linkage.privacy.signing import TrustAnchor
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
from vhh.linkage.validate.inputs import load_inputs
from vhh.pipelines.cli.options import WEAK_KEY_HELP

__all__ = ["COMMANDS"]


@click.command()
@click.option("--out", type=click.Path(path_type=Path), required=True)
def keygen(out: Path) -> None:
    """Write a new random 256-bit key (mode 0600); never overwrites."""
    key_id = generate_key_file(out)
    click.echo(f"new key written to {out} (key id {key_id}). Keep it out of the repository, "
               "out of config files, and under two-person custody.")


@click.command()
@click.option("--key-file", type=click.Path(path_type=Path), required=True)
@click.option("--crosswalk", type=click.Path(path_type=Path), required=True)
@click.option("--pseudonym", default=None, help="Look up one pseudonym; default: all, as CSV.")
@click.option("--allow-insecure-key", is_flag=True)
@click.option("--allow-weak-key", is_flag=True, help=WEAK_KEY_HELP)
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


@click.command()
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
@click.option("--allow-weak-key", is_flag=True, help=WEAK_KEY_HELP)
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


@click.command()
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


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True)
@click.option("--key-file", type=click.Path(path_type=Path), required=True,
              help="The study's key file: only its holder may look at linkage decisions.")
@click.option("--gcos-id", required=True, help="The subject to explain.")
@click.option("--source", type=click.Choice(["bvh", "hks", "all"]), default="all",
              show_default=True)
@click.option("--allow-insecure-key", is_flag=True)
@click.option("--allow-weak-key", is_flag=True, help=WEAK_KEY_HELP)
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


@click.command()
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
@click.option("--allow-weak-key", is_flag=True, help=WEAK_KEY_HELP)
def analyse(input_path: Path | None, run_dir: Path | None, key_file: Path | None,
            config_path: Path | None, out: Path, allow_insecure_key: bool,
            allow_weak_key: bool) -> None:
    """The analyses of chapter 7.1: outside on an export, or inside on a run (checked)."""
    if (input_path is None) == (run_dir is None):
        raise click.UsageError("give --input FILE (outside) or --run RUN_DIR (inside)")
    if (run_dir is None) != (key_file is None):
        raise click.UsageError("--key-file goes with --run, and --run needs it")
    # the statistics stack (statsmodels, scipy: seconds to import) only for this command,
    # not for every start of vhh-link
    from vhh.pipelines.analyse import analyse_export, analyse_run

    privacy = load_settings(config_path or DEFAULT_CONFIG).privacy
    if run_dir is not None and key_file is not None:
        key = load_key(key_file, allow_insecure=allow_insecure_key, allow_weak=allow_weak_key)
        outcome = analyse_run(run_dir, key, out, privacy)
    elif input_path is not None:
        outcome = analyse_export(input_path, out, privacy)
    for line in outcome.lines():
        click.echo(line)


COMMANDS = (keygen, reidentify, verify, evaluate, explain, analyse)
