"""``haldenenergie weather``: inspect, convert, synthesise (and fetch) weather series.

A thin click layer over :mod:`haldenenergie.weather` and :mod:`haldenenergie.weather.synth`:
parse options, call the library, format the result. Library errors are one-line ``WeatherError``s.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import HaldenError, WeatherError
from ._common import config_option, get_config, overwrite_option

#: Options shared by ``info`` and ``convert`` after ``--format`` (how to read a file).
_READ_OPTIONS = [
    click.option(
        "--allow-partial",
        is_flag=True,
        default=None,
        help="Accept a series shorter than a year (annual sums scaled and flagged).",
    ),
    click.option(
        "--map",
        "mapping",
        default=None,
        metavar="NAME=COL,...",
        help="Generic CSV: canonical name = file column, e.g. "
        "'time=MESS_DATUM,ghi=GS_10,temp_air=TT_10,wind_speed=FF_10'.",
    ),
    click.option(
        "--units",
        default=None,
        metavar="NAME=UNIT,...",
        help="Units of mapped columns, e.g. 'ghi=J/cm2/10min,temp_air=K,pressure=hPa'.",
    ),
    click.option(
        "--tz",
        default=None,
        help="Time zone of naive timestamps: UTC, a fixed offset (+01:00) or a zone name.",
    ),
    click.option(
        "--label",
        type=click.Choice(["start", "middle", "end"]),
        default="start",
        show_default=True,
        help="Generic CSV: what a timestamp labels in its interval.",
    ),
    click.option(
        "--lat",
        "latitude",
        type=float,
        default=None,
        help="Latitude [deg] if the file has none.",
    ),
    click.option(
        "--lon",
        "longitude",
        type=float,
        default=None,
        help="Longitude [deg] if the file has none.",
    ),
    click.option(
        "--elevation", "elevation_m", type=float, default=None, help="Elevation [m a.s.l.]."
    ),
    click.option(
        "--wind-height",
        "wind_speed_height_m",
        type=float,
        default=None,
        help="Anemometer height [m] if the file does not say (default 10 m).",
    ),
    config_option,
]


def _reader_options(f):
    """Options shared by ``info`` and ``convert`` (how to read a file)."""
    from ..weather import FORMAT_ALIASES, FORMATS

    names = list(FORMATS) + list(FORMAT_ALIASES)
    fmt_option = click.option(
        "--format",
        "fmt",
        type=click.Choice(names, case_sensitive=False),
        default=None,
        help="Force a format instead of detecting it by content.",
    )
    for o in reversed([fmt_option, *_READ_OPTIONS]):
        f = o(f)
    return f


def _read(path, fmt, allow_partial, config_path, **opts):
    from ..weather import read_weather

    cfg = get_config(config_path).weather
    opts = {k: v for k, v in opts.items() if v is not None}
    if opts.get("label") == "start":
        opts.pop("label")
    return read_weather(path, fmt, config=cfg, allow_partial=allow_partial, **opts)


@click.group()
def weather():
    """Inspect, check, convert and synthesise weather series.

    \b
    Time convention of every series: UTC, hourly, a timestamp labels the START of its hour;
    the sun position is computed for the middle (timestamp + 30 min).
    """


@weather.command("info")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_reader_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON list).")
@click.pass_context
def info(ctx, files, fmt, allow_partial, config_path, as_json, **opts):
    """Describe weather files: format, location, period, step, annual GHI, means, gaps.

    A bad file is reported (one line on stderr) and the others are still shown; the exit code is 1
    if any file failed.
    """
    from ..weather import summarize

    def read(path):
        return _read(path, fmt, allow_partial, config_path, **opts)

    _each_file(ctx, files, read, summarize, _format_info, as_json)


def _each_file(ctx, files, read, describe, as_text, as_json: bool) -> None:
    """Read and describe each file; a bad file is one line on stderr and the others go on.

    ``read(path) -> (data, meta)``, ``describe(data, meta) -> dict`` (with ``path``),
    ``as_text(dict) -> str``; prints the texts, or one JSON list with ``--json``; exit code 1 if
    any file failed.
    """
    results, failed = [], 0
    for path in files:
        try:
            data, meta = read(path)
        except HaldenError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            results.append({"path": str(path), "error": str(exc)})
            continue
        results.append(describe(data, meta))
        if not as_json:
            click.echo(as_text(results[-1]))
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    if failed:
        ctx.exit(1)


def _format_info(s: dict) -> str:
    def f(v, fmt):
        return "n/a" if v is None else format(v, fmt)

    ghi = (
        "n/a (no irradiance in file)"
        if s["annual_ghi_kwh_m2"] is None
        else f"{s['annual_ghi_kwh_m2']:.1f} kWh m-2 a-1"
    )
    if s["partial"] and s["annual_ghi_kwh_m2"] is not None:
        ghi += f" (PARTIAL: scaled from {s['coverage_fraction']:.1%} of a year)"
    extra = (
        f"; also at {', '.join(f'{h:g}' for h in s['extra_wind_heights_m'])} m"
        if s["extra_wind_heights_m"]
        else ""
    )
    gaps = "none"
    if s["n_gaps"]:
        gaps = f"{s['n_gaps']} gap(s): {s['n_gaps_filled']} values interpolated"
        if s["n_long_gaps_dropped"]:
            gaps += f", {s['n_long_gaps_dropped']} long gap(s) dropped"
    lines = [
        f"{s['path']}",
        f"  format:        {s['format']}",
        (
            f"  location:      {s['station'] or '-'}; {f(s['latitude_deg'], '.4f')} N, "
            f"{f(s['longitude_deg'], '.4f')} E, {f(s['elevation_m'], '.0f')} m"
        ),
        f"  period (UTC):  {s['period_start_utc']} to {s['period_end_utc']} (interval starts)",
        f"  step:          {s['step']} (file: {s['source_step']}), {s['n_hours']} hours",
        f"  annual GHI:    {ghi}",
        f"  mean temp_air: {s['mean_temp_air_c']:.2f} degC",
        (
            f"  mean wind:     {s['mean_wind_speed_m_s']:.2f} m s-1 at "
            f"{s['wind_speed_height_m']:g} m{extra}"
        ),
        f"  gaps:          {gaps}",
    ]
    if s.get("anemometer_height_m") is not None:
        lines.append(
            f"  anemometer:    {s['anemometer_height_m']:g} m above ground "
            f"({s.get('anemometer_height_source') or 'file'})"
        )
    z0 = s.get("station_roughness_length_m")
    z0_text = f"{z0:g} m" if z0 is not None else "regional ([wind] roughness_length_m)"
    lines.append(f"  station z0:    {z0_text} ({s.get('station_roughness_source') or '-'})")
    n_cloud = s.get("cloud_cover_hours") or 0
    lines.append(
        f"  cloud cover:   {n_cloud} of {s['n_hours']} h (okta)"
        if n_cloud
        else "  cloud cover:   none (with [wind] stability: nights neutral)"
    )
    for w in s["warnings"]:
        lines.append(f"  warning:       {w}")
    return "\n".join(lines)


@weather.command("check-timing")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_reader_options
@click.option(
    "--max-shift",
    "max_shift_min",
    type=click.IntRange(5, 720),
    default=120,
    show_default=True,
    help="Largest label shift tried either way [min].",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON list).")
@click.pass_context
def check_timing_cmd(ctx, files, fmt, allow_partial, config_path, max_shift_min, as_json, **opts):
    """Check that the irradiance of weather files is where the sun says it should be.

    \b
    For each file, as read (same options as 'weather info'):
      midday centroid   GHI-weighted mean time of the day's irradiance minus solar noon [min],
                        over all days and over clear days (about 0 for a right time convention);
      best shift        the shift of the time labels (5-min steps) that makes GHI agree best
                        with the pvlib clear-sky GHI; positive = the values belong later;
      verdict           'looks right' within +-15 min, else 'shifted by about X min'.
    A file shifted by 30 or 60 min has the right annual GHI but swaps east- and west-flank
    yields: check the time convention, --tz or --label before trusting E/W results. The exit
    code is 1 only if a file cannot be read.
    """
    from ..weather.timing import check_timing

    def read(path):
        return _read(path, fmt, allow_partial, config_path, **opts)

    def describe(data, meta):
        d = {"path": meta.path, "format": meta.source_format, "latitude_deg": meta.latitude}
        d["longitude_deg"] = meta.longitude
        if meta.irradiance_available:
            rep = check_timing(
                data, meta.latitude, meta.longitude, meta.elevation_m, max_shift_min=max_shift_min
            )
            d.update(rep.to_dict())
        else:
            d["verdict"] = "not checked: the file has no irradiance"
        return d

    _each_file(ctx, files, read, describe, _format_timing, as_json)


def _format_timing(d: dict) -> str:
    where = "" if d["latitude_deg"] is None else f"; {d['latitude_deg']:.4f} N"
    where += "" if d["longitude_deg"] is None else f", {d['longitude_deg']:.4f} E"
    head = f"{d['path']}\n  format:            {d['format']}{where}"
    if "centroid_min" not in d:
        return f"{head}\n  verdict:           {d['verdict']}"
    clear = (
        f"; {d['centroid_clear_min']:+.1f} min over {d['n_clear_days']} clear days"
        if d["centroid_clear_min"] is not None
        else f"; too few clear days ({d['n_clear_days']})"
    )
    return "\n".join(
        [
            head,
            f"  midday centroid:   {d['centroid_min']:+.1f} min from solar noon (all days){clear}",
            (
                f"  best shift:        {d['best_shift_min']:+.0f} min (clear-sky correlation "
                f"{d['best_correlation']:.4f}; unshifted {d['correlation_at_zero']:.4f})"
            ),
            f"  verdict:           {d['verdict']}",
        ]
    )


@weather.command("convert")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Canonical CSV to write (round-trips through the reader).",
)
@overwrite_option
@_reader_options
def convert(file, out, overwrite, fmt, allow_partial, config_path, **opts):
    """Read FILE in any supported format and write the canonical hourly UTC CSV."""
    from .._io import check_can_write
    from ..weather import write_weather

    check_can_write(out, overwrite, kind="file", inputs=[file])
    data, meta = _read(file, fmt, allow_partial, config_path, **opts)
    comments = (
        (f"converted from: {Path(file).name} (format {meta.source_format}, sha256 {meta.sha256})"),
        *[f"note: {n}" for n in meta.notes],
        *[f"warning: {w}" for w in meta.warnings],
    )
    write_weather(data, meta, out, overwrite=overwrite, comments=comments)
    click.echo(
        f"wrote {out} ({len(data)} hours, {meta.period_start:%Y-%m-%d %H:%M} to "
        f"{meta.period_end:%Y-%m-%d %H:%M} UTC)"
    )


def checkout_default_weather() -> Path | None:
    """The top-level ``weather/`` default year of a source checkout, or None when installed.

    A checkout is recognised by ``pyproject.toml`` and ``weather/`` next to the package folder;
    in an installed package there is neither, and ``weather synthesize`` then needs ``--out`` (it
    never writes into the installed package).
    """
    from ..resources import DEFAULT_WEATHER_NAME

    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "weather").is_dir():
        return root / "weather" / DEFAULT_WEATHER_NAME
    return None


@weather.command("synthesize")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output CSV. Default, in a source checkout only: the checkout's "
    "weather/ruhr_synthetic_typical_year.csv (installed: --out is required).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Random seed (default: the shipped year's seed).",
)
@click.option(
    "--year",
    type=click.IntRange(1900, 2200),
    default=None,
    help="Calendar year of the UTC index (default 2015).",
)
@overwrite_option
def synthesize_cmd(out, seed, year, overwrite):
    """Re-create the synthetic typical year (bit-identical for the same seed and year).

    The year is SYNTHETIC: made by the project's stochastic generator calibrated to monthly
    statistics of the DWD TRY2015 Essen (haldenenergie/data/weather_calibration_essen_try2015.json).
    Without --out, the checkout's weather/ file is written (the package's copy in
    haldenenergie/data/ is not touched).
    """
    from .._io import check_can_write
    from ..weather.synth import DEFAULT_SEED, DEFAULT_YEAR, synthesize

    target = out if out is not None else checkout_default_weather()
    if target is None:
        raise WeatherError(
            "weather synthesize: no --out given and not in a source checkout (no weather/ folder "
            "next to the package); pass --out FILE.csv"
        )
    # refuse an existing file before generating the year, and without touching its folder
    check_can_write(target, overwrite, kind="file", claim=False)
    path = synthesize(
        target,
        seed=DEFAULT_SEED if seed is None else seed,
        year=DEFAULT_YEAR if year is None else year,
        overwrite=overwrite,
    )
    click.echo(f"wrote {path} (synthetic; seed {DEFAULT_SEED if seed is None else seed})")
    if out is None:
        click.echo(
            "note: the packaged copy haldenenergie/data/ruhr_synthetic_typical_year.csv is "
            "separate; copy the new file there to make it the default of installed runs"
        )


@weather.command("calibrate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file for the statistics (the packaged one is "
    "haldenenergie/data/weather_calibration_essen_try2015.json).",
)
@overwrite_option
def calibrate(file, out, overwrite):
    """Compute the generator's monthly calibration statistics from a full-year weather file."""
    from ..weather.synth import write_calibration

    write_calibration(file, out, overwrite=overwrite)
    click.echo(f"wrote {out}")


@weather.command("pvgis")
@click.option("--lat", "latitude", type=float, required=True, help="Latitude [deg].")
@click.option("--lon", "longitude", type=float, required=True, help="Longitude [deg].")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Canonical CSV to write.",
)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Network timeout [s].")
@overwrite_option
def pvgis(latitude, longitude, out, timeout, overwrite):
    """Download a PVGIS typical meteorological year for a point (needs network access)."""
    from .._io import check_can_write
    from ..weather import get_pvgis_tmy, write_weather

    check_can_write(out, overwrite, kind="file")
    data, meta = get_pvgis_tmy(latitude, longitude, timeout=timeout)
    write_weather(
        data,
        meta,
        out,
        overwrite=overwrite,
        comments=("source: PVGIS TMY (European Commission JRC), downloaded via API",),
    )
    click.echo(f"wrote {out}")


__all__ = ["WeatherError", "weather"]
