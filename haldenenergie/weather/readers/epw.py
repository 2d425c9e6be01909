"""Format ``epw``: EnergyPlus weather files, read with :func:`pvlib.iotools.read_epw`.

EPW hours END the interval in local standard time; pvlib converts them to interval starts. A
typical year (months from several years) is relabelled into one calendar year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import opt_float, short
from ..model import RawSeries, period_text, typical_year_text
from ._registry import Probe, register

#: pvlib's EPW column -> canonical column [W m-2, degC, m s-1, Pa, deg].
VARIABLE_MAP: dict[str, str] = {
    "ghi": "ghi",
    "dhi": "dhi",
    "dni": "dni",
    "temp_air": "temp_air",
    "wind_speed": "wind_speed",
    "atmospheric_pressure": "pressure",
    "wind_direction": "wind_direction",
}
#: EPW missing-value codes (EnergyPlus Auxiliary Programs, "Weather Converter"): 9999 irradiance,
#: 99.9 temperature, 999999 pressure, 999 wind speed/direction.
MISSING_CODES: dict[str, float] = {
    "ghi": 9999,
    "dhi": 9999,
    "dni": 9999,
    "temp_air": 99.9,
    "pressure": 999999,
    "wind_speed": 999,
    "wind_direction": 999,
}
#: EPW field "Total Sky Cover" (pvlib ``total_sky_cover``): tenths of the sky, 0-10, missing >= 99
#: (EnergyPlus Auxiliary Programs, "EnergyPlus Weather File (EPW) Data Dictionary", field N22:
#: units tenths, minimum 0, maximum 10, missing 99). Canonical okta = tenths x 8/10.
SKY_COVER_FIELD, SKY_COVER_MISSING, OKTA_PER_TENTH = "total_sky_cover", 99.0, 0.8


def _sky_cover_okta(tenths: np.ndarray) -> np.ndarray:
    """EPW Total Sky Cover [tenths] -> okta; missing (>= 99) and values outside 0-10 -> NaN."""
    ok = (tenths >= 0) & (tenths <= 10) & (tenths < SKY_COVER_MISSING)
    return np.where(ok, tenths * OKTA_PER_TENTH, np.nan)


def _detect(probe: Probe) -> bool:
    return probe.first.startswith("LOCATION,")


def _read(path: Path, year: int):
    """Pvlib's (data, meta) and, for a typical year relabelled ``year``, its source years."""
    from pvlib.iotools import read_epw

    try:
        data, meta = read_epw(str(path))
        years = data["year"].unique()
        typical = len(years) > 1 and not data.index.is_monotonic_increasing
        if not typical:
            years = None
        else:
            data, meta = read_epw(str(path), coerce_year=year)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed EPW file ({type(exc).__name__}: {short(exc)}); "
            f"check the 8 header lines and 35 fields per data line"
        ) from None
    return data, meta, years


def epw_source(meta: dict) -> str:
    """``"EPW Essen DEU (TMY3)"``: city, country and the LOCATION line's data source field.

    Parameters
    ----------
    meta : pvlib's EPW metadata (``city``, ``country``, ``data_type`` = the "Data Source" field
        of the LOCATION line, EnergyPlus Auxiliary Programs, "Weather Converter").
    """
    parts = [str(meta.get(k) or "").strip() for k in ("city", "country")]
    where = " ".join(p for p in parts if p and p != "-") or "location unknown"
    src = str(meta.get("data_type") or "").strip()
    return f"EPW {where} ({src})" if src else f"EPW {where}"


@register("epw", "EnergyPlus weather file (.epw)", detect=_detect)
def read_epw(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read an EPW file; missing-value codes become NaN."""
    year = int(opts.get("year") or 2015)
    data, meta, source_years = _read(path, year)
    typical = source_years is not None
    out = pd.DataFrame({canon: data[c] for c, canon in VARIABLE_MAP.items()}).astype(float)
    out.index = data.index.tz_convert("UTC")
    for c, miss in MISSING_CODES.items():
        out.loc[out[c] >= miss, c] = np.nan
    has_cloud = SKY_COVER_FIELD in data
    if has_cloud:
        out["cloud_cover_okta"] = _sky_cover_okta(data[SKY_COVER_FIELD].to_numpy(float))
    return RawSeries(
        data=out,
        source_format="epw",
        station=f"{meta.get('city')} ({meta.get('WMO_code')})",
        latitude=opt_float(meta.get("latitude")),
        longitude=opt_float(meta.get("longitude")),
        elevation_m=opt_float(meta.get("altitude")),
        data_source=epw_source(meta),
        source_period=(
            typical_year_text(source_years) if typical else period_text(pd.DatetimeIndex(out.index))
        ),
        wind_speed_height_m=10.0,
        typical_year=year if typical else None,
        notes=["EPW: hour-ending local standard time -> interval start UTC (pvlib.read_epw)"]
        + ([f"typical year: mixed years relabelled {year}"] if typical else [])
        + (["Total Sky Cover [tenths] as cloud_cover_okta (x 0.8)"] if has_cloud else []),
        row_numbers=np.arange(len(out)) + 9,
    )
