"""The kind of each weather file of a batch, and the rule that different kinds are not pooled.

A P50/P90 across weather files describes the year-to-year variability of *one* climate. Files of
different kinds are not draws from one distribution: a DWD test reference year (TRY) "mean year"
is a composite of typical months, the "extreme summer" and "extreme winter" years are chosen to be
extreme, TRY2045 is a climate projection for 2031-2060, a station file is one measured year at one
place, and the synthetic years are generated (DWD/BBSR, "Ortsgenaue Testreferenzjahre von
Deutschland für mittlere, extreme und zukünftige Witterungsverhältnisse", 2017). Pooling them
gives a spread that belongs to no climate, so :func:`check_pooling` refuses unless asked to.

The kind is read from the weather metadata each run records in its ``manifest.json``
(``weather.source_format``, ``station``, ``data_source``, ``source_period``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import HaldenError

#: Kinds of weather file, with their English description (batch tables, messages).
KIND_TEXT = {
    "station": "station measurement",
    "try_mean": "TRY mean year",
    "try_extreme_summer": "TRY extreme summer",
    "try_extreme_winter": "TRY extreme winter",
    "try_projection": "TRY projection",
    "typical_year": "typical year",
    "synthetic": "synthetic year",
    "unknown": "unknown kind",
}
#: A base period that starts after this year is a projection (assumption: the observed base
#: periods of DWD's TRY2010/TRY2015 end in 2012; TRY2045's base period is 2031-2060).
PROJECTION_AFTER_YEAR = 2020
_TRY_FORMATS = ("try2015", "try2010")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)")


class MixedWeatherError(HaldenError):
    """The weather files of a batch are of different kinds and would be pooled into one P90."""


@dataclass(frozen=True)
class WeatherKind:
    """What one weather file of a batch is.

    Attributes
    ----------
    kind : a key of :data:`KIND_TEXT`.
    year : calendar year of the series (a measured year; the label year of a typical year).
    station : station / location text of the file ("" if none).
    source_period : the period the values stand for, as the reader states it ("" if none).
    data_source : who produced the values ("" if none).
    """

    kind: str
    year: int | None = None
    station: str = ""
    source_period: str = ""
    data_source: str = ""

    @property
    def pool_key(self) -> str:
        """Files with the same key are comparable years: same kind (and place, if measured)."""
        if self.kind in ("station", "typical_year", "unknown"):
            return f"{self.kind}|{self.station}"
        return self.kind

    @property
    def group_text(self) -> str:
        """The comparable group in words, e.g. ``station measurement Duesseldorf``."""
        text = KIND_TEXT.get(self.kind, self.kind)
        if self.kind in ("station", "typical_year", "unknown"):
            return f"{text} {self.station or '(no station named)'}"
        return text

    @property
    def text(self) -> str:
        """One-line description, e.g. ``station measurement Duesseldorf 2024``."""
        if self.kind == "station":
            return f"{self.group_text} {self.year}" if self.year else self.group_text
        if self.source_period:
            return f"{self.group_text} ({self.source_period})"
        return self.group_text


def _s(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else " ".join(str(v).split())


def _is_projection(data_source: str, source_period: str) -> bool:
    if "TRY2045" in data_source.upper():
        return True
    years = [int(y) for y in _YEAR.findall(source_period)]
    return bool(years) and min(years) > PROJECTION_AFTER_YEAR


def _try_kind(data_source: str, source_period: str, station: str) -> str:
    if _is_projection(data_source, source_period):
        return "try_projection"
    text = f"{source_period} {station}".lower()
    if "sommer" in text or "summer" in text:
        return "try_extreme_summer"
    if "winter" in text:
        return "try_extreme_winter"
    return "try_mean"


def _kind(fmt: str, station: str, data_source: str, source_period: str) -> str:
    if fmt == "synthetic" or "synthetic" in station.lower() or "synthetic" in data_source.lower():
        return "synthetic"
    if fmt in _TRY_FORMATS or "test reference year" in data_source.lower():
        return _try_kind(data_source, source_period, station)
    if "typical" in source_period.lower() or (fmt == "epw" and "tmy" in data_source.lower()):
        return "typical_year"
    return "station"


def classify(weather: Mapping | None) -> WeatherKind:
    """The kind of a weather file from its metadata (a run manifest's ``weather`` entry).

    Parameters
    ----------
    weather : mapping with ``source_format``, ``station``, ``data_source``, ``source_period``
        and ``period_start`` (ISO time, UTC), as :class:`haldenenergie.weather.WeatherMeta`
        gives them; None gives kind ``unknown``.

    Returns
    -------
    WeatherKind
    """
    if not weather:
        return WeatherKind("unknown")
    fmt = _s(weather.get("source_format") or weather.get("format")).lower()
    station, ds = _s(weather.get("station")), _s(weather.get("data_source"))
    sp = _s(weather.get("source_period"))
    start = _s(weather.get("period_start") or weather.get("period_start_utc"))
    m = _YEAR.match(start)
    year = int(m.group(1)) if m else None
    return WeatherKind(_kind(fmt, station, ds, sp), year, station, sp, ds)


def folder_kind(folder: Path | None) -> WeatherKind:
    """The kind of the weather of one run folder (from its ``manifest.json``)."""
    from .. import results

    if folder is None:
        return WeatherKind("unknown")
    try:
        man = results.read_manifest(folder)
    except (HaldenError, OSError, ValueError):
        return WeatherKind("unknown")
    return classify(man.get("weather") if isinstance(man, Mapping) else None)


def groups(kinds: Sequence[WeatherKind], names: Sequence[str]) -> dict[str, list[str]]:
    """Comparable group text → the file names in it (in input order)."""
    out: dict[str, list[str]] = {}
    for k, n in zip(kinds, names, strict=True):
        out.setdefault(k.group_text, []).append(n)
    return out


def pooled_text(kinds: Sequence[WeatherKind]) -> str:
    """What a summary pools, e.g. ``TRY mean year ×1, TRY extreme summer ×1``."""
    c = Counter(k.group_text for k in kinds)
    return ", ".join(f"{g} ×{n}" for g, n in c.items())


def check_pooling(
    kinds: Sequence[WeatherKind], names: Sequence[str], out_dir: Path, pool_anyway: bool
) -> bool:
    """Refuse to pool different kinds of weather into one P50/P90 unless ``pool_anyway``.

    Parameters
    ----------
    kinds : the kind of each completed run's weather.
    names : the weather file names, in the same order.
    out_dir : the batch folder (named in the message).
    pool_anyway : pool them all the same (the summary then says what was pooled).

    Returns
    -------
    bool
        True if different kinds were pooled (only with ``pool_anyway``).

    Raises
    ------
    MixedWeatherError
        Different kinds without ``pool_anyway``; the message names the kinds and the files.
    """
    if len({k.pool_key for k in kinds}) <= 1:
        return False
    if pool_anyway:
        return True
    found = "; ".join(f"{g} ({', '.join(f)})" for g, f in groups(kinds, names).items())
    raise MixedWeatherError(
        f"{out_dir}: the weather files are of {len({k.pool_key for k in kinds})} different "
        f"kinds — {found}; one P50/P90 over them would mix climates. Batch each kind "
        "separately, or pass --pool-anyway to pool them (the runs computed are kept and reused)"
    )
