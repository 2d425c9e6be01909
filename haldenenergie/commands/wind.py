"""``haldenenergie wind``: the turbine library with its checks; existing turbines from the MaStR.

A thin click layer over :mod:`haldenenergie.wind.catalogue` and :mod:`haldenenergie.wind.mastr`.
Tables fit in 100 columns; nothing but the table (or CSV) goes to stdout, so the commands are
quiet in pipes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from ..errors import TurbineError
from ._common import config_option, get_config, registry_option, registry_path

#: Width of the printed tables [characters].
TABLE_WIDTH = 100
#: (column, header, width, decimals or None for text) of ``wind turbines``.
_TURBINE_TABLE = (
    ("turbine_type", "type", 14, None),
    ("rated_power_kw", "kW", 6, 0),
    ("rotor_diameter_m", "rotor_m", 7, 1),
    ("specific_power_w_m2", "W/m2", 5, 0),
    ("max_cp", "max_Cp", 6, 3),
    ("max_cp_wind_speed_m_s", "at_m/s", 6, 1),
    ("mark", "", 3, None),
    ("library", "library_curve", 19, None),
    ("source", "source", 0, None),
)
#: (column, header, width) of ``wind mastr``.
_MASTR_TABLE = (
    ("heap_id", "heap", 22),
    ("existing_wind_count", "n", 2),
    ("existing_wind_model", "model", 22),
    ("existing_wind_rated_kw", "kW", 6),
    ("existing_wind_hub_height_m", "hub_m", 6),
    ("existing_wind_rotor_diameter_m", "rotor_m", 7),
    ("existing_wind_since", "since", 9),
    ("existing_wind_windpowerlib_type", "type", 10),
)


@click.group()
def wind() -> None:
    """Turbine library (power-coefficient check) and existing turbines from the MaStR."""


def _mark(r: dict) -> str:
    """'*' used, 'C' corrected, '!' flagged curve in use."""
    return (
        ("*" if r["used"] else "") + ("C" if r["corrected"] else "") + ("!" if r["flagged"] else "")
    )


def _turbine_line(cells: list[str]) -> str:
    out, used = [], 0
    for (_col, _h, w, dec), c in zip(_TURBINE_TABLE, cells, strict=True):
        if w == 0:
            c = c[: max(0, TABLE_WIDTH - used)]
        out.append(c.rjust(w) if dec is not None else c.ljust(w))
        used += (w or len(c)) + 1
    return " ".join(out).rstrip()


def _library_text(r: dict) -> str:
    """Problems of the library curve, short: 'Cp 0.62>Betz, rated'."""
    out = []
    for p in filter(None, r["problems"].split(", ")):
        if p == "Cp>Betz":
            out.append(f"Cp {r['library_max_cp']:.2f}>Betz")
        else:
            out.append({"rated not reached": "rated", "non-monotonic": "mono"}.get(p, p))
    return ", ".join(out) or "ok"


def _print_turbines(rows: list[dict]) -> None:
    from ..wind.catalogue import format_number

    click.echo(_turbine_line([h for _c, h, _w, _d in _TURBINE_TABLE]))
    for r in rows:
        r = {**r, "mark": _mark(r), "library": _library_text(r)}
        click.echo(
            _turbine_line(
                [
                    str(r[c]) if d is None else format_number(float(r[c]), d)
                    for c, _h, _w, d in _TURBINE_TABLE
                ]
            )
        )
    click.echo("* used by config/registry  C corrected data-sheet curve  ! curve in use flagged")
    click.echo("library_curve: Cp>Betz (16/27), rated = rated not reached, mono = not monotonic")


def _write_csv(rows: list[dict], columns) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    click.echo(buf.getvalue(), nl=False)


@wind.command("turbines")
@click.option("--check", is_flag=True, help="Flag implausible curves; exit 1 if a used one is.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV (units in the headers).")
@click.option("--all", "show_all", is_flag=True, help="The whole library, not only used types.")
@config_option
@registry_option
def turbines(check, as_csv, show_all, config_path, registry) -> None:
    """List turbine types: rated power, rotor, specific power, max Cp and its wind speed, source.

    Without --all, the types the configuration and the heap registry use, and every type with a
    packaged correction or (with --check) a flagged library curve.
    """
    from ..registry import read_registry
    from ..wind.catalogue import CATALOGUE_COLUMNS, catalogue_rows, used_types
    from ..wind.curve_check import read_corrections
    from ..wind.turbines import read_power_curve

    cfg = get_config(config_path)
    if cfg.wind.power_curve_csv:  # a user curve above Betz is refused here (one-line error)
        read_power_curve(cfg.wind.power_curve_csv, cfg.wind.hub_height_m)
    used = used_types(cfg.wind, read_registry(registry_path(registry)))
    rows = catalogue_rows(None, used)
    if not show_all:
        corrected = set(read_corrections()["turbine_type"])
        rows = [
            r
            for r in rows
            if r["used"] or r["turbine_type"] in corrected or (check and r["problems"])
        ]
    if as_csv:
        _write_csv(rows, CATALOGUE_COLUMNS)
    else:
        _print_turbines(rows)
    bad = [r["turbine_type"] for r in rows if r["used"] and r["flagged"]]
    if check and bad:
        raise TurbineError(
            f"turbine(s) in use with an implausible curve and no correction: {', '.join(bad)}; "
            "choose another [wind] turbine_type or give the data sheet's curve as power_curve_csv"
        )


@wind.command("mastr")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@registry_option
@click.option(
    "--radius-m",
    type=float,
    default=None,
    help="Buffer around a footprint / least radius around a heap point [m] (default 300).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--overwrite", is_flag=True, help="Replace an existing --out file.")
def mastr(file, registry, radius_m, out, overwrite) -> None:
    """Existing turbines per heap from a MaStR export (EinheitenWind*.xml or the web CSV)."""
    from .._io import atomic_write
    from ..registry import read_registry
    from ..wind.mastr import DEFAULT_RADIUS_M, FACT_COLUMNS, existing_from_mastr, read_mastr

    df = read_mastr(file)
    heaps = read_registry(registry_path(registry))
    facts = existing_from_mastr(heaps, df, DEFAULT_RADIUS_M if radius_m is None else radius_m)
    rows = [{"heap_id": hid, **f.properties()} for hid, f in facts.items()]
    if out is not None:
        columns = ["heap_id", *FACT_COLUMNS]
        with atomic_write(out, overwrite=overwrite) as fh:
            w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    click.echo(_mastr_line([h for _c, h, _w in _MASTR_TABLE]))
    for r in rows:
        click.echo(_mastr_line([_text(r.get(c)) for c, _h, _w in _MASTR_TABLE]))
    if not rows:
        click.echo(f"no wind unit of {file} lies at a heap of the registry", err=True)


def _text(v) -> str:
    if v is None:
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _mastr_line(cells: list[str]) -> str:
    return "  ".join(
        c[:w].ljust(w) for c, (_col, _h, w) in zip(cells, _MASTR_TABLE, strict=True)
    ).rstrip()
