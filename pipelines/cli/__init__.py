"""The ``vhh-link`` command line: the data officer's way in.

Errors of the toolkit's own family print their message (which never holds a personal
value) and exit non-zero; anything unexpected prints only its type, because a library's
message may quote a value. ``--debug`` shows the full traceback, for use inside the secure
environment only.
"""

from __future__ import annotations

import sys

import click
from vhh.linkage.errors import LinkageError
from vhh.linkage.version import __version__
from vhh.pipelines.cli import study, tools
from vhh.pipelines.cli.options import EXIT_CODES

__all__ = ["EXIT_CODES", "main"]



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


for command in (*study.COMMANDS, *tools.COMMANDS):
    main.add_command(command)
