"""Format ``dwd_cdc``: DWD Climate Data Center station products (hourly or 10-minute).

A ``produkt_*.txt`` file, a station's zip files or a folder holding them; the products of one
station are combined. ``MESS_DATUM`` is UTC (DWD CDC hourly and 10-minute data since 2000) and
labels the END of its interval; ``-999`` is missing. The location comes from the
``Metadaten_Geographie_*`` file (or ``--lat``/``--lon``). DWD CDC dataset descriptions:
opendata.dwd.de/climate_environment/CDC/.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import lines_str, localize, short
from ..model import RawSeries, period_text
from ..units import to_canonical
from ._registry import Probe, register
from .station import CDC_WIND_DEVICE_PREFIX, cdc_anemometer_height

#: CDC column -> (canonical, unit). Hourly: FF (F, D), TU (TT_TU), P0 (P0), ST (FG_LBERG, FD_LBERG
#: [J cm-2 per hour]); 10-minute: FF (FF_10, DD_10), TU (TT_10, PP_10), SOLAR (GS_10, DS_10
#: [J cm-2 per 10 min]). DWD CDC dataset descriptions (opendata.dwd.de/climate_environment/CDC/).
VARIABLE_MAP: dict[str, tuple[str, str]] = {
    "F": ("wind_speed", "m/s"),
    "FF": ("wind_speed", "m/s"),
    "FF_10": ("wind_speed", "m/s"),
    "D": ("wind_direction", "deg"),
    "DD": ("wind_direction", "deg"),
    "DD_10": ("wind_direction", "deg"),
    "TT_TU": ("temp_air", "C"),
    "TT_10": ("temp_air", "C"),
    "P0": ("pressure", "hPa"),
    "PP_10": ("pressure", "hPa"),
    "FG_LBERG": ("ghi", "J/cm2"),
    "FD_LBERG": ("dhi", "J/cm2"),
    "DS_LBERG": ("dhi", "J/cm2"),
    "GS_10": ("ghi", "J/cm2"),
    "DS_10": ("dhi", "J/cm2"),
}
CDC_VARIABLE_MAP = VARIABLE_MAP  # the name it had before the weather package

_NOTE = (
    "DWD CDC: MESS_DATUM taken as UTC (DWD CDC hourly and 10-minute data since 2000); "
    "values refer to the interval ENDING at MESS_DATUM; -999 = missing"
)


#: Members of a CDC zip/folder that are read: products, station geography, wind sensor devices.
_MEMBER_PREFIXES = ("produkt_", "Metadaten_Geographie", CDC_WIND_DEVICE_PREFIX)


def cdc_members(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of the produkt_* / Metadaten_Geographie* / wind-device texts of a CDC path."""
    items: list[tuple[str, bytes]] = []

    def from_zip(zp: Path):
        with zipfile.ZipFile(zp) as z:
            for n in z.namelist():
                b = Path(n).name
                if b.startswith(_MEMBER_PREFIXES):
                    items.append((b, z.read(n)))

    if path.is_dir():
        for p in sorted(path.iterdir()):
            if p.suffix.lower() == ".zip":
                from_zip(p)
            elif p.name.startswith(_MEMBER_PREFIXES):
                items.append((p.name, p.read_bytes()))
    elif zipfile.is_zipfile(path):
        from_zip(path)
    else:
        items.append((path.name, path.read_bytes()))
    return items


def _detect(probe: Probe) -> bool:
    if probe.is_container:
        return any(n.startswith("produkt_") for n, _ in cdc_members(probe.path))
    return "STATIONS_ID;MESS_DATUM" in probe.text.replace(" ", "")


def _read_product(path: Path, name: str, blob: bytes) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            io.BytesIO(blob),
            sep=";",
            engine="c",
            skipinitialspace=True,
            dtype={"MESS_DATUM": str},
            encoding="latin-1",
            na_values=["-999"],
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise WeatherError(
            f"{path}: {name}: not a ';'-separated DWD CDC product ({short(exc)})"
        ) from None
    df.columns = [c.strip() for c in df.columns]
    if "MESS_DATUM" not in df or "STATIONS_ID" not in df:
        raise WeatherError(
            f"{path}: {name}: missing required columns STATIONS_ID, MESS_DATUM "
            f"(found {', '.join(df.columns)}); is it a CDC product file?"
        )
    return df


def _interval_ends(path: Path, name: str, df: pd.DataFrame, tz: str) -> pd.DatetimeIndex:
    """MESS_DATUM (YYYYMMDDHH, YYYYMMDDHHMM or YYYYMMDDHH:MM) as UTC interval ends."""
    md = df["MESS_DATUM"].astype(str).str.strip()
    n = md.str.len().mode().iloc[0] if len(md) else 10
    if ":" in md.iloc[0]:
        t = pd.to_datetime(md, format="%Y%m%d%H:%M", errors="coerce")
    elif n == 12:
        t = pd.to_datetime(md, format="%Y%m%d%H%M", errors="coerce")
    else:
        t = pd.to_datetime(md, format="%Y%m%d%H", errors="coerce")
    if t.isna().any():
        rows = np.flatnonzero(t.isna().to_numpy()) + 2
        raise WeatherError(
            f"{path}: {name}: unreadable MESS_DATUM on lines {lines_str(rows)}; "
            f"expected YYYYMMDDHH or YYYYMMDDHHMM"
        )
    return localize(pd.DatetimeIndex(t), tz, f"{path}: {name}")


def _add_product(path, name, df, end, step, series, warnings) -> None:
    """Put the product's known variables into ``series`` (canonical -> Series by interval start)."""
    found = False
    for col in df.columns:
        if col not in VARIABLE_MAP:
            continue
        canon, unit = VARIABLE_MAP[col]
        v = pd.to_numeric(df[col], errors="coerce").astype(float)
        v[v <= -999] = np.nan
        v = to_canonical(v, unit, step.total_seconds())
        found = True
        if canon in ("ghi", "dhi") and (end.minute != 0).any() and step == pd.Timedelta(hours=1):
            warnings.append(
                f"{path}: {name}: hourly solar sums are in true solar time (WOZ); "
                f"re-gridded to UTC hours by overlap"
            )
            series[canon] = regrid_energy(end, v.to_numpy(), step)
            continue
        s = pd.Series(v.to_numpy(), index=end - step)
        if canon in series:
            s = series[canon].combine_first(s)
        series[canon] = s
    if not found:
        raise WeatherError(
            f"{path}: {name}: no known variable column (known: "
            f"{', '.join(VARIABLE_MAP)}; found {', '.join(df.columns)})"
        )


def _station_location(path, members, opts):
    """(lat, lon, elevation, station name) from the options or Metadaten_Geographie."""
    lat, lon, elev, sname = (
        opts.get("latitude"),
        opts.get("longitude"),
        opts.get("elevation_m"),
        None,
    )
    geo = [b for n, b in members if n.startswith("Metadaten_Geographie")]
    if geo and (lat is None or lon is None):
        g = pd.read_csv(io.BytesIO(geo[0]), sep=";", encoding="latin-1", skipinitialspace=True)
        g.columns = [c.strip() for c in g.columns]
        last = g.iloc[-1]
        lat, lon = float(last["Geogr.Breite"]), float(last["Geogr.Laenge"])
        elev = float(last["Stationshoehe"])
        sname = str(last.get("Stationsname", "")).strip()
    if lat is None or lon is None:
        raise WeatherError(
            f"{path}: station location unknown (no Metadaten_Geographie file); pass "
            f"--lat and --lon (and --elevation)"
        )
    return lat, lon, elev, sname


@register(
    "dwd_cdc",
    (
        "DWD CDC station products produkt_*_stunde_* / produkt_zehn_min_* "
        "(file, zip or folder of one station)"
    ),
    detect=_detect,
    aliases=("cdc",),
    containers=True,
)
def read_cdc(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read and combine the CDC products of one station."""
    members = cdc_members(path)
    products = [(n, b) for n, b in members if not n.startswith("Metadaten")]
    if not products:
        raise WeatherError(
            f"{path}: no DWD CDC 'produkt_*' files found; pass a produkt_*.txt, the "
            f"station's zip files or a folder holding them"
        )
    tz = opts.get("tz") or "UTC"
    series: dict[str, pd.Series] = {}
    stations: set = set()
    warnings: list[str] = []
    for name, blob in products:
        df = _read_product(path, name, blob)
        stations.update(df["STATIONS_ID"].dropna().astype(int).unique().tolist())
        end = _interval_ends(path, name, df, tz)
        dt = pd.Series(end).diff().dropna()
        step = dt.mode().iloc[0] if len(dt) else pd.Timedelta(hours=1)
        _add_product(path, name, df, end, step, series, warnings)
    if len(stations) > 1:
        raise WeatherError(
            f"{path}: CDC files of several stations ({', '.join(map(str, sorted(stations)))}"
            f"); combine files of one station only"
        )
    data = pd.DataFrame(series)
    if data.index.has_duplicates:
        data = data.groupby(level=0).mean()
    data = data.sort_index()
    lat, lon, elev, sname = _station_location(path, members, opts)
    height, height_note = _anemometer(members, data, opts)
    sid = next(iter(stations)) if stations else "?"
    source = f"DWD CDC station {sid}" if isinstance(sid, int) else "DWD CDC"
    return RawSeries(
        data=data,
        source_format="dwd_cdc",
        station=f"DWD {sname or 'station'} {sid:05d}" if isinstance(sid, int) else "DWD station",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        data_source=source,
        source_period=period_text(pd.DatetimeIndex(data.index)),
        wind_speed_height_m=height,
        notes=[_NOTE, height_note],
        warnings=warnings,
    )


def _anemometer(members: list, data: pd.DataFrame, opts: dict) -> tuple[float, str]:
    """Anemometer height [m] and note: option, the station's wind device metadata, else 10 m."""
    if opts.get("wind_speed_height_m"):
        h = float(opts["wind_speed_height_m"])
        return h, f"anemometer {h:g} m above ground (reader option wind_speed_height_m)"
    end = f"{pd.DatetimeIndex(data.index).max():%Y%m%d}" if len(data) else None
    for name, blob in members:
        if name.startswith(CDC_WIND_DEVICE_PREFIX):
            found = cdc_anemometer_height(blob, end)
            if found is not None:
                return found
    return 10.0, (
        "anemometer 10 m above ground assumed (no Metadaten_Geraete_Windgeschwindigkeit file; "
        "WMO-No. 8 standard height)"
    )


def regrid_energy(end: pd.DatetimeIndex, mean_w: np.ndarray, step: pd.Timedelta) -> pd.Series:
    """Re-grid interval means (intervals ending at ``end``) onto UTC hours by exact overlap.

    The cumulative energy at the interval ends is interpolated linearly (constant power within an
    interval) at the hour boundaries and differenced.

    Parameters
    ----------
    end : interval ends (UTC); mean_w : [W m-2] interval means; step : interval length.

    Returns
    -------
    Series [W m-2] of hourly means, labelled by the hour's start.
    """
    t_end = end.as_unit("ns").asi8 / 1e9  # [s]; pandas 3 may hold the times in microseconds
    w = np.nan_to_num(mean_w, nan=0.0)
    t0 = t_end[0] - step.total_seconds()
    cum = np.concatenate([[0.0], np.cumsum(w * step.total_seconds())])
    tt = np.concatenate([[t0], t_end])
    h0 = pd.Timestamp(t0, unit="s", tz="UTC").ceil("h")
    h1 = pd.Timestamp(t_end[-1], unit="s", tz="UTC").floor("h")
    hours = pd.date_range(h0, h1, freq="h")
    e = np.interp(hours.as_unit("ns").asi8 / 1e9, tt, cum)
    vals = np.diff(e) / 3600.0
    return pd.Series(vals, index=hours[:-1])
