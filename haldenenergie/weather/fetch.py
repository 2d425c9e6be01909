"""Downloads: a PVGIS typical meteorological year for a point (needs network access)."""

from __future__ import annotations

import pandas as pd

from ..errors import WeatherError
from ._util import short
from .config import WeatherConfig
from .model import WeatherMeta, take_source_meta
from .readers.pvgis import tmy_to_raw
from .validate import finish

#: Default network timeout of the PVGIS request [s] (assumption: PVGIS answers a TMY request in
#: a few seconds; 30 s leaves room for a slow connection).
DEFAULT_TIMEOUT_S = 30.0


def get_pvgis_tmy(
    latitude: float,
    longitude: float,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    year: int = 2015,
    usehorizon: bool = True,
    url: str | None = None,
    config: WeatherConfig | None = None,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Download a typical meteorological year from PVGIS (JRC) for a point and return it canonical.

    Parameters
    ----------
    latitude, longitude : [deg] WGS84 (e.g. a heap's summit).
    timeout : [s] network timeout of the request.
    year : label of the typical year in the returned index.
    usehorizon : let PVGIS account for its terrain horizon.
    url : API base URL (default pvlib's, ``https://re.jrc.ec.europa.eu/api/``).
    config : validation thresholds (default: :class:`WeatherConfig` defaults).

    Returns
    -------
    (data, meta) in the canonical form; ``meta.path`` is ``"<pvgis api>"``.

    Raises
    ------
    WeatherError : network failure, timeout or an error answer from PVGIS (one line).
    """
    from pvlib.iotools import get_pvgis_tmy as _get

    kwargs = {
        "outputformat": "json",
        "usehorizon": usehorizon,
        "timeout": timeout,
        "map_variables": True,
        "coerce_year": None,
        "roll_utc_offset": None,
    }
    if url:
        kwargs["url"] = url
    try:
        data, meta_src = _get(latitude, longitude, **kwargs)
    except Exception as exc:  # noqa: BLE001 - requests.Timeout, ConnectionError, HTTPError, JSON
        raise WeatherError(
            f"PVGIS TMY download for {latitude:.4f}, {longitude:.4f} failed "
            f"({type(exc).__name__}: {short(exc)}); check the network or retry "
            f"with a longer timeout, or download the TMY file by hand"
        ) from None
    raw = tmy_to_raw(data, meta_src, "<pvgis api>", year)
    if raw.latitude is None:
        raw.latitude, raw.longitude = float(latitude), float(longitude)
    meta = WeatherMeta(path="<pvgis api>", sha256="", source_format="pvgis_tmy")
    where = f"PVGIS TMY {latitude:.4f},{longitude:.4f}"
    out = finish(raw, meta, config or WeatherConfig(), False, where)
    take_source_meta(raw, meta)
    return out, meta
