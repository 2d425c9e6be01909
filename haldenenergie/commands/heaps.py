"""``haldenenergie heaps``: validate, list and show the heap registry.

A thin click layer over :mod:`haldenenergie.registry`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from ..registry import (
    DERIVED_FIELDS,
    PROPERTY_ORDER,
    check_registry,
    find_heap,
    heap_record,
    read_registry,
)
from ._common import registry_option, registry_path

#: Columns of ``heaps list`` (the default table, fitted to :data:`TABLE_WIDTH`).
NARROW_COLUMNS = ("id", "name", "city", "area_ha", "height_rel_m", "form")
#: Columns of ``heaps list --wide`` (the full record is in csv/json).
TABLE_COLUMNS = (
    "id",
    "name",
    "city",
    "owner",
    "area_ha",
    "height_rel_m",
    "height_asl_m",
    "form",
    "existing_wind_count",
    "access",
)
#: Text cells longer than this are cut in the table (csv/json keep them whole).
TABLE_MAX_WIDTH = 34
#: Line width [characters] the default table fits in (assumption: a common terminal width).
TABLE_WIDTH = 100
#: Columns cut (with "…") to fit :data:`TABLE_WIDTH`, and their narrowest width [characters].
SHRINKABLE = ("name", "city")
MIN_SHRUNK_WIDTH = 8
#: Space between table columns [characters].
GAP = 2


@click.group()
def heaps():
    """Validate, list and show the heap registry (GeoJSON, one Feature per heap).

    \b
    Examples:
      haldenenergie heaps validate                 # the project's heaps.geojson
      haldenenergie heaps validate my_heaps.geojson
      haldenenergie heaps list                     # id, name, city, area, height, form
      haldenenergie heaps list --wide              # also owner, turbines, access
      haldenenergie heaps list --format csv > heaps.csv
      haldenenergie heaps show haniel
    """


@heaps.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(path, strict):
    """Check a registry file and print every problem with feature id and property.

    PATH defaults to the project's heaps.geojson. Each problem is printed as
    'PATH: feature <id> (#<index>): <property>: <message>' (index = 0-based position in the
    features array). Exit code 1 if there are errors (or warnings with --strict), 0 otherwise.
    """
    path = registry_path(path)
    heap_list, problems = check_registry(path)
    for p in problems:
        click.echo(p.format(path))
    n_err = sum(p.severity == "error" for p in problems)
    n_warn = len(problems) - n_err
    if n_err or (strict and n_warn):
        click.echo(
            f"{path}: {n_err} error{'s' * (n_err != 1)}, {n_warn} warning"
            f"{'s' * (n_warn != 1)}; invalid"
        )
        click.get_current_context().exit(1)
    n = len(heap_list)
    click.echo(f"{path}: {n} heap{'s' * (n != 1)}, OK")


def _cell(v, width: int = TABLE_MAX_WIDTH) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:g}"
    s = str(v)
    return s if len(s) <= width else s[: width - 1] + "…"


def _fit_widths(columns, header, records, limit: int | None) -> list[int]:
    """Column widths [characters]; with ``limit``, the :data:`SHRINKABLE` ones cut to fit it."""
    widths = [
        max([len(h)] + [len(_cell(r.get(c))) for r in records])
        for c, h in zip(columns, header, strict=True)
    ]
    if limit is None:
        return widths
    floor = [
        max(len(h), MIN_SHRUNK_WIDTH) if c in SHRINKABLE else w
        for c, h, w in zip(columns, header, widths, strict=True)
    ]
    while sum(widths) + GAP * (len(widths) - 1) > limit:
        free = [i for i, w in enumerate(widths) if w > floor[i]]
        if not free:
            break
        widths[max(free, key=lambda i: widths[i])] -= 1
    return widths


def _echo_table(records: list[dict], wide: bool) -> None:
    """Print the records as an aligned table (the default columns fitted to TABLE_WIDTH)."""
    columns = TABLE_COLUMNS if wide else NARROW_COLUMNS
    header = ["existing_wind" if c == "existing_wind_count" else c for c in columns]
    widths = _fit_widths(columns, header, records, None if wide else TABLE_WIDTH)
    numeric = [c.endswith(("_ha", "_m", "_count")) for c in columns]

    def line(cells):
        return (
            (" " * GAP)
            .join(
                c.rjust(w) if num else c.ljust(w)
                for c, w, num in zip(cells, widths, numeric, strict=True)
            )
            .rstrip()
        )

    click.echo(line(header))
    for r in records:
        click.echo(line([_cell(r.get(c), w) for c, w in zip(columns, widths, strict=True)]))
    n_unlocated = sum(r["lat"] is None for r in records)
    more = "" if wide else "; --wide for owner, turbines, access"
    click.echo(f"{len(records)} heaps ({n_unlocated} without coordinates); '-' = unknown{more}")


@heaps.command("list")
@registry_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: aligned summary; csv: every property (units in the "
    "headers, empty = unknown); json: a list of objects (null = unknown).",
)
@click.option(
    "--wide",
    is_flag=True,
    help="Table with more columns (owner, height a.s.l., turbines, access), "
    "cells uncut up to 34 characters; default: id, name, city, area, height, form "
    "in 100 columns.",
)
def list_(registry, fmt, wide):
    """List the heaps of the registry (one row per heap)."""
    path = registry_path(registry)
    records = [heap_record(h) for h in read_registry(path)]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        columns = list(dict.fromkeys(k for r in records for k in r))
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
        click.echo(buf.getvalue(), nl=False)
        return
    _echo_table(records, wide)


@heaps.command("show")
@click.argument("heap_id")
@registry_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one 'property: value' line each; json: one object.",
)
def show(heap_id, registry, fmt):
    """Show every property of the heap HEAP_ID (an id as in 'haldenenergie heaps list')."""
    path = registry_path(registry)
    heap = find_heap(read_registry(path), heap_id, path)
    rec = heap_record(heap)
    if fmt == "json":
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
        return
    width = max(len(k) for k in rec)
    for key, v in rec.items():
        shown = "(unknown)" if v is None else f"{v:g}" if isinstance(v, float) else str(v)
        extra = "" if key in PROPERTY_ORDER or key in DERIVED_FIELDS else "  (extra property)"
        click.echo(f"{key.ljust(width)}  {shown}{extra}")
