"""Formats ``try2015`` (TRY2015 and TRY2045) and ``try2010``: DWD test reference years (.dat).

DWD/BBSR test reference years: a German header, a ``***`` line, then one whitespace-separated row
per hour. Time stamps: ``HH`` 1..24 is the hour ENDING in MEZ (UTC+1, no daylight saving time), so
the UTC interval start is ``date + HH h - 2 h``. Irradiance: ``B`` beam on the horizontal and ``D``
diffuse [W m-2]; GHI = B + D, DNI = B / cos Z is derived by the common pipeline. The typical year is
relabelled into one calendar year in UTC (the first hour, 00-01 MEZ on 1 January, is moved to the
end of the year).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import lines_str, short
from ..model import RawSeries
from ..units import to_canonical
from ._registry import Probe, register

#: TRY column -> (canonical column, unit in the file); the same names in both layouts.
VARIABLE_MAP: dict[str, tuple[str, str]] = {
    "B": ("bhi", "W/m2"),
    "D": ("dhi", "W/m2"),
    "t": ("temp_air", "C"),
    "WG": ("wind_speed", "m/s"),
    "p": ("pressure", "hPa"),
    "WR": ("wind_direction", "deg"),
}
#: Column order of the TRY2015 / TRY2045 data rows.
TRY2015_COLUMNS = [
    "RW", "HW", "MM", "DD", "HH", "t", "p", "WR", "WG", "N", "x", "RF", "B", "D", "A", "E", "IL",
]  # fmt: skip
#: Column order of the TRY2010 data rows.
TRY2010_COLUMNS = [
    "RG", "IS", "MM", "DD", "HH", "N", "WR", "WG", "t", "p", "x", "RF", "W", "B", "D", "IK", "A",
    "E", "IL",
]  # fmt: skip

_COMMON_NOTE = "GHI = B + D; DNI = B / cos(zenith at interval middle) with low-sun guard"


def _detect_2015(probe: Probe) -> bool:
    return "Reihenfolge der Parameter" in probe.text and "RW Rechtswert" in probe.text


def _detect_2010(probe: Probe) -> bool:
    return "Reihenfolge der Parameter" in probe.text and "TRY-Region" in probe.text


def _data_start(path: Path) -> tuple[list[str], int]:
    """Header lines and the number of lines up to and including ``***``."""
    enc = "utf-8"
    try:
        with open(path, encoding="utf-8") as fh:
            fh.read(8192)
    except UnicodeDecodeError:
        enc = "latin-1"  # DWD ships TRY2010 as Latin-1 or UTF-8 depending on the copy
    with open(path, encoding=enc, errors="replace") as fh:
        head = []
        for i, line in enumerate(fh):
            head.append(line.rstrip("\r\n"))
            if line.startswith("***"):
                return head, i + 1
            if i > 200:
                break
    raise WeatherError(
        f"{path}: DWD test reference year without the '***' line that starts the "
        f"data; check the file is a complete TRY .dat file"
    )


def _hour_ending_mez_to_utc_start(year: int, mm, dd, hh) -> pd.DatetimeIndex:
    """UTC interval starts of TRY stamps: date + HH h - 1 h (start) - 1 h (MEZ -> UTC)."""
    base = pd.to_datetime(pd.DataFrame({"year": year, "month": mm, "day": dd}), errors="coerce")
    return pd.DatetimeIndex(base + pd.to_timedelta(np.asarray(hh) - 2, unit="h")).tz_localize("UTC")


def _check_values(path, df, first_line):
    bad = (
        (df["MM"] < 1)
        | (df["MM"] > 12)
        | (df["DD"] < 1)
        | (df["DD"] > 31)
        | (df["HH"] < 1)
        | (df["HH"] > 24)
    )
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy()) + first_line
        raise WeatherError(
            f"{path}: month/day/hour out of range on lines {lines_str(rows)} "
            f"(HH must be 1..24, hour ending MEZ); fix those lines"
        )


def _read_table(path: Path, start: int, names: list[str]) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            path,
            skiprows=start,
            sep=r"\s+",
            header=None,
            engine="c",
            encoding="latin-1",
            on_bad_lines="error",
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise WeatherError(
            f"{path}: malformed data rows after '***' ({short(exc)}); each row "
            f"needs {len(names)} numbers ({' '.join(names)})"
        ) from None
    if df.shape[1] != len(names):
        raise WeatherError(
            f"{path}: data rows have {df.shape[1]} columns, expected {len(names)} "
            f"({' '.join(names)}); check the TRY variant (--format try2015/try2010)"
        )
    df.columns = names
    nonnum = [c for c in names if not pd.api.types.is_numeric_dtype(df[c])]
    if nonnum:
        c = nonnum[0]
        bad = pd.to_numeric(df[c], errors="coerce").isna() & df[c].notna()
        rows = np.flatnonzero(bad.to_numpy()) + start + 1
        raise WeatherError(
            f"{path}: non-numeric values in column {c} on lines {lines_str(rows)}; "
            f"fix or remove those lines"
        )
    return df


def _year_from_name(path: Path, default: int) -> int:
    m = re.search(r"TRY(20\d\d)", path.name, re.IGNORECASE)
    return int(m.group(1)) if m else default


def _to_canonical(path, df, year, start) -> pd.DataFrame:
    idx = _hour_ending_mez_to_utc_start(year, df["MM"], df["DD"], df["HH"])
    if idx.isna().any():
        rows = np.flatnonzero(idx.isna()) + start + 1
        raise WeatherError(
            f"{path}: impossible dates (e.g. 30 February) on lines {lines_str(rows)}; "
            f"fix MM/DD there"
        )
    out = pd.DataFrame(
        {
            canon: to_canonical(df[col].astype(float).to_numpy(), unit, 3600.0)
            for col, (canon, unit) in VARIABLE_MAP.items()
        },
        index=idx,
    )
    out.loc[out["wind_direction"] > 360, "wind_direction"] = np.nan  # 999 = variable/no direction
    out["ghi"] = out["bhi"] + out["dhi"]
    return out


def _lcc_europe_to_wgs84(rw: float, hw: float) -> tuple[float, float]:
    """DWD TRY2015 grid coordinates (ETRS89 / LCC Europe, EPSG:3034) -> (lat, lon) [deg]."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:3034", "EPSG:4326", always_xy=True).transform(rw, hw)
    return round(float(lat), 5), round(float(lon), 5)


def _header_2015(head: list[str]) -> dict[str, str]:
    hdr = {}
    for line in head:
        if ":" in line and not line.startswith("Format"):
            k, v = line.split(":", 1)
            hdr[k.strip()] = v.strip()
    return hdr


def _grid_cell(hdr: dict[str, str], df: pd.DataFrame) -> tuple[float, float]:
    """Lambert coordinates of the TRY2015 grid cell: header, else the first data row."""
    try:
        return float(hdr.get("Rechtswert", "").split()[0]), float(
            hdr.get("Hochwert", "").split()[0]
        )
    except (ValueError, IndexError):
        return float(df["RW"].iloc[0]), float(df["HW"].iloc[0])


@register(
    "try2015",
    "DWD test reference year TRY2015 / TRY2045 (.dat)",
    detect=_detect_2015,
    aliases=("try2045", "try"),
)
def read_try2015(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read a TRY2015 or TRY2045 file; the location comes from the header's grid cell."""
    head, start = _data_start(path)
    df = _read_table(path, start, TRY2015_COLUMNS)
    _check_values(path, df, start + 1)
    hdr = _header_2015(head)
    rw, hw = _grid_cell(hdr, df)
    lat, lon = _lcc_europe_to_wgs84(rw, hw)
    m = re.search(r"(-?\d+(?:\.\d+)?)", hdr.get("Hoehenlage", ""))
    elev = float(m.group(1)) if m else None
    kind = hdr.get("Art des TRY", "?")
    period = hdr.get("Bezugszeitraum", "?")
    year = int(opts.get("year") or _year_from_name(path, 2015))
    raw = RawSeries(
        data=_to_canonical(path, df, year, start),
        source_format="try2015",
        station=f"DWD TRY grid cell {rw:.0f}/{hw:.0f} ({kind}, {period})",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        wind_speed_height_m=10.0,
        typical_year=year,
        row_numbers=np.arange(len(df)) + start + 1,
    )
    raw.notes += [
        "DWD TRY: HH = hour ending in MEZ (UTC+1, no DST); interval start UTC = HH - 2 h",
        (
            f"typical year labelled {year}; the first hour (00-01 MEZ = 23-24 UTC of the previous "
            f"day) is moved to the end of {year} so that the series is one calendar year in UTC"
        ),
        _COMMON_NOTE,
        "location from the header's Lambert coordinates (ETRS89 / LCC Europe, EPSG:3034)",
    ]
    return raw


def _drop_duplicated_first_hour(path, df, start, warnings) -> tuple[pd.DataFrame, int]:
    """Known defect of TRY2010 copies in circulation: the first hour appears twice."""
    key = df["MM"] * 10000 + df["DD"] * 100 + df["HH"]
    if len(df) > 1 and key.iloc[0] == key.iloc[1]:
        if not df.iloc[0].equals(df.iloc[1]):
            raise WeatherError(
                f"{path}: the first hour appears twice with different values (lines {start + 1} "
                f"and {start + 2}; a known defect of TRY2010 copies in circulation); delete one "
                f"of them"
            )
        df = df.iloc[1:].reset_index(drop=True)
        start += 1
        warnings.append(
            f"{path}: duplicated first hour (lines {start} and {start + 1}, a known defect of "
            f"TRY2010 copies in circulation); the duplicate was dropped"
        )
    return df, start


def _location_2010(path, head: list[str], opts: dict):
    """(lat, lon, elevation, station) from the ``Lage:`` and ``Station:`` header lines."""
    lat = lon = elev = station = None
    for line in head:
        m = re.search(r"(\d+)°\s*(\d+)'\s*N.*?(\d+)°\s*(\d+)'\s*[OE].*?(-?\d+)\s*Meter", line)
        if m:
            lat = int(m.group(1)) + int(m.group(2)) / 60
            lon = int(m.group(3)) + int(m.group(4)) / 60
            elev = float(m.group(5))
        m2 = re.match(r"Station:\s*(.+?)\s{2,}WMO-Nummer:\s*(\d+)", line)
        if m2:
            station = f"{m2.group(1)} (WMO {m2.group(2)})"
    if lat is None:
        lat, lon = opts.get("latitude"), opts.get("longitude")
        if lat is None or lon is None:
            raise WeatherError(
                f"{path}: TRY2010 header without a 'Lage:' line giving latitude/"
                f"longitude; pass --lat and --lon"
            )
    return lat, lon, elev, station


@register(
    "try2010",
    "DWD test reference year TRY2010 (.dat, older column order)",
    detect=_detect_2010,
)
def read_try2010(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read a TRY2010 file (older column order, station header in degrees and minutes)."""
    head, start = _data_start(path)
    df = _read_table(path, start, TRY2010_COLUMNS)
    _check_values(path, df, start + 1)
    warnings: list[str] = []
    df, start = _drop_duplicated_first_hour(path, df, start, warnings)
    lat, lon, elev, station = _location_2010(path, head, opts)
    kind = next((ln.split(":", 1)[1].strip() for ln in head if ln.startswith("Art des TRY")), "?")
    year = int(opts.get("year") or _year_from_name(path, 2010))
    raw = RawSeries(
        data=_to_canonical(path, df, year, start),
        source_format="try2010",
        station=f"{station or 'TRY2010'} ({kind})",
        latitude=round(lat, 5),
        longitude=round(lon, 5),
        elevation_m=elev,
        wind_speed_height_m=float(opts.get("wind_speed_height_m") or 10.0),
        typical_year=year,
        warnings=warnings,
        row_numbers=np.arange(len(df)) + start + 1,
    )
    raw.notes += [
        "DWD TRY2010: HH = hour ending in MEZ (UTC+1, no DST); interval start UTC = HH - 2 h",
        f"typical year labelled {year}; first hour moved to the end of the year (UTC)",
        _COMMON_NOTE,
        (
            "DWD notes that the Essen anemometer stands at about 15 m although the header says "
            "10 m; pass wind_speed_height_m=15 to use that"
        ),
    ]
    return raw
