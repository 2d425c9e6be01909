"""The ``haldenenergie`` command line: one click group, one subcommand per stage and for the run.

Subcommands live in ``haldenenergie/commands/<name>.py`` and are imported only when used, so that
``haldenenergie --help`` answers at once. Library errors (:class:`HaldenError`) become one-line
messages on stderr and exit code 1; usage errors exit 2 (as rasterio's ``rio`` does). As the last
resort, an ``OSError`` escaping a command (disk full, permission denied) is printed as one line
``error: <path>: <reason>`` and a ``MemoryError`` as one line, both with exit code 1.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import sys

# The work is elementwise numpy over (hours × surfaces) arrays, not BLAS; OpenBLAS's helper threads
# only compete with batch worker processes for the cores (benchmarks/README.md: PV stage CPU time
# 0.79 → 0.36 s per call). Set before numpy is imported; a value the user sets wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

from . import __version__
from .errors import HaldenError

#: name -> (module:attribute, one-line help shown in ``haldenenergie --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "haldenenergie.commands.run:run",
        "Run terrain, weather, PV, wind and ranking for all heaps.",
    ),
    "heaps": ("haldenenergie.commands.heaps:heaps", "List, show and validate the heap registry."),
    "terrain": (
        "haldenenergie.commands.terrain:terrain",
        "Derive heap surfaces from a DEM or parametrically.",
    ),
    "weather": (
        "haldenenergie.commands.weather:weather",
        "Inspect, convert and synthesise weather series.",
    ),
    "rank": (
        "haldenenergie.commands.rank:rank",
        "Classify and rank the heaps of a results folder.",
    ),
    "export": (
        "haldenenergie.commands.export:export",
        "Export results as committee CSV, XLSX or GeoJSON.",
    ),
    "report": ("haldenenergie.commands.report:report", "Write a self-contained HTML report."),
    "batch": (
        "haldenenergie.commands.batch:batch",
        "Rerun everything for many weather files; P50/P90.",
    ),
    "layers": (
        "haldenenergie.commands.layers:layers",
        "Fetch and inspect constraint layers (forest, housing, protected areas ...).",
    ),
    "wind": (
        "haldenenergie.commands.wind:wind",
        "List and check the wind turbine library.",
    ),
    "config": (
        "haldenenergie.commands.config:config",
        "Show the parameters in effect with sources.",
    ),
}

log = logging.getLogger("haldenenergie")


#: Tokens of the global options ``-v``/``-vv``/``--verbose``/``-q``/``--quiet``.
_GLOBAL_FLAG = re.compile(r"^(-[vq]+|--verbose|--quiet)$")


def hoist_global_flags(args: list[str]) -> list[str]:
    """Move ``-v``/``-q`` given after the subcommand to before it, so both places work.

    ``haldenenergie run -q --out x`` becomes ``haldenenergie -q run --out x``. Tokens after a
    ``--`` are left alone. No subcommand has an option of its own named ``-v``/``-q`` or one
    whose value would be written like these flags.

    Parameters
    ----------
    args : the command-line tokens after the program name.

    Returns
    -------
    list of str, the tokens with the global flags first.
    """
    try:
        at = next(i for i, a in enumerate(args) if not a.startswith("-"))
    except StopIteration:
        return list(args)
    head, rest = list(args[:at]), list(args[at:])
    moved, kept = [], []
    for i, token in enumerate(rest):
        if token == "--":
            kept.extend(rest[i:])
            break
        (moved if i > 0 and _GLOBAL_FLAG.match(token) else kept).append(token)
    return head + moved + kept


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand is used."""

    def parse_args(self, ctx, args):
        """Parse the arguments, accepting ``-v``/``-q`` after the subcommand too."""
        return super().parse_args(ctx, hoist_global_flags(args))

    def list_commands(self, ctx):
        """Names of all subcommands, in help order."""
        return list(COMMANDS)

    def get_command(self, ctx, name):
        """Import and return the subcommand ``name`` (None if unknown)."""
        if name not in COMMANDS:
            return None
        target, _ = COMMANDS[name]
        mod, attr = target.split(":")
        return getattr(importlib.import_module(mod), attr)

    def format_commands(self, ctx, formatter):
        """List the subcommands with their one-line help without importing them."""
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx):
        """Run the subcommand; library errors become one line on stderr and their exit code."""
        try:
            return super().invoke(ctx)
        except HaldenError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("error: interrupted; no partial output was kept", err=True)
            ctx.exit(130)
        except MemoryError:
            click.echo(
                "error: out of memory; the input is too large for this machine: check the sizes "
                "of the files given, or run fewer heaps or weather files at a time",
                err=True,
            )
            ctx.exit(1)
        except BrokenPipeError:  # stdout closed by a pager or `head`: click's own handling
            raise
        except OSError as exc:  # the last resort: disk full, permission, read-only file system
            click.echo(f"error: {os_error_line(exc)}", err=True)
            ctx.exit(1)


def os_error_line(exc: OSError) -> str:
    """``<path>: <strerror>`` of an OSError (both paths for a rename), as one line.

    Parameters
    ----------
    exc : the error (``filename``/``filename2`` and ``strerror`` when the OS gave them).

    Returns
    -------
    str : e.g. ``out/results.csv: No space left on device``.
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    paths = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
    text = f"{' -> '.join(paths)}: {reason}" if paths else reason
    return " ".join(text.split())


def setup_logging(verbose: int, quiet: bool) -> None:
    """Logs go to stderr: warnings by default, info with -v, debug with -vv, errors only with -q."""
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("haldenenergie")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    # Library chatter (windpowerlib logs at INFO/DEBUG) only with -vv.
    for name in ("windpowerlib", "pvlib", "rasterio", "fiona", "pyogrio"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="haldenenergie")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-v info, -vv debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bars.")
@click.pass_context
def main(ctx, verbose, quiet):
    """Haldenenergie: the Ruhr spoil heaps' PV and wind potential, and which heaps to develop first.

    \b
    Quick start (embedded defaults: heaps.geojson + the synthetic year in weather/):
      haldenenergie run --out out/
      haldenenergie export out/ --format xlsx --out out/haldenenergie.xlsx
      haldenenergie report out/ --out out/report.html

    Every command has --help. Errors are one line on stderr with exit code 1.
    """
    setup_logging(verbose, quiet)
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet


if __name__ == "__main__":  # pragma: no cover
    main()
