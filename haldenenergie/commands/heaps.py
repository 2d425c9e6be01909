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

#: Columns of ``heaps list --format table`` (the full record is in csv/json).
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


@click.group()
def heaps():
    """Validate, list and show the heap registry (GeoJSON, one Feature per heap).

    \b
    Examples:
      haldenenergie heaps validate                 # the project's heaps.geojson
      haldenenergie heaps validate my_heaps.geojson
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


def _cell(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:g}"
    s = str(v)
    return s if len(s) <= TABLE_MAX_WIDTH else s[: TABLE_MAX_WIDTH - 1] + "…"


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
def list_(registry, fmt):
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
    rows = [[_cell(r.get(c)) for c in TABLE_COLUMNS] for r in records]
    header = ["existing_wind" if c == "existing_wind_count" else c for c in TABLE_COLUMNS]
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=False)]
    numeric = [c.endswith(("_ha", "_m", "_count")) for c in TABLE_COLUMNS]

    def line(cells):
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    click.echo(line(header))
    for row in rows:
        click.echo(line(row))
    n_unlocated = sum(r["lat"] is None for r in records)
    click.echo(f"{len(records)} heaps ({n_unlocated} without coordinates); '-' = unknown")


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
