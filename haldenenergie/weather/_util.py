"""Small helpers of the weather readers: message fragments, strict time parsing, time zones."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import WeatherError

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def lines_str(rows, max_n: int = 3) -> str:
    """``"12, 13, 14 (+5 more)"``: the first ``max_n`` line numbers for a message."""
    rows = list(rows)
    s = ", ".join(str(r) for r in rows[:max_n])
    return s + (f" (+{len(rows) - max_n} more)" if len(rows) > max_n else "")


def short(exc: BaseException) -> str:
    """An exception's text on one line, at most 160 characters."""
    return " ".join(str(exc).split())[:160]


def td_str(td: pd.Timedelta) -> str:
    """A step as ``"1h"``, ``"15min"`` or ``"30s"``."""
    mins = td.total_seconds() / 60
    if mins >= 60 and mins % 60 == 0:
        return f"{int(mins // 60)}h"
    if mins == int(mins):
        return f"{int(mins)}min"
    return f"{td.total_seconds():g}s"


def opt_float(v) -> float | None:
    """``float(v)``, or None for None."""
    return None if v is None else float(v)


def mode_step(index) -> pd.Timedelta:
    """Most frequent difference of consecutive timestamps (1 h for fewer than two)."""
    d = pd.Series(index).diff().dropna()
    return d.mode().iloc[0] if len(d) else pd.Timedelta(hours=1)


def _parse_error(path, exc: BaseException) -> WeatherError:
    return WeatherError(
        f"{path}: cannot parse timestamps ({short(exc)}); use ISO 8601 like "
        f"2015-01-01T00:00:00+00:00"
    )


def parse_time_strict(
    s: pd.Series, path, first_line: int, tz: str | None = None, fmt: str = "ISO8601"
) -> pd.DatetimeIndex:
    """Parse timestamps; refuse naive ones unless ``tz`` is given; refuse mixed/unparseable.

    Parameters
    ----------
    s : the timestamp column as read.
    path : file, for messages; first_line : file line number of ``s.iloc[0]``.
    tz : zone of naive timestamps (zone name, ``UTC`` or a fixed offset ``+01:00``).
    fmt : :func:`pandas.to_datetime` format.

    Returns
    -------
    DatetimeIndex in UTC.
    """
    s = s.astype(str).str.strip()
    has_tz = s.str.contains(_TZ_SUFFIX)
    if has_tz.all():
        try:
            return pd.DatetimeIndex(pd.to_datetime(s, format=fmt, utc=True))
        except (ValueError, TypeError) as exc:
            raise _parse_error(path, exc) from None
    if has_tz.any():
        bad = np.flatnonzero(~has_tz.to_numpy())
        raise WeatherError(
            f"{path}: timestamps mix values with and without UTC offset (lines "
            f"{lines_str(bad + first_line)}); write every timestamp with its offset, e.g. "
            f"2015-01-01T00:00:00+00:00"
        )
    if tz is None:
        raise WeatherError(
            f"{path}: timestamps have no time zone (naive, e.g. '{s.iloc[0]}' on line "
            f"{first_line}); add the UTC offset (+00:00) or pass --tz (e.g. --tz UTC or "
            f"--tz +01:00)"
        )
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(s, format=fmt))
    except (ValueError, TypeError) as exc:
        raise _parse_error(path, exc) from None
    return localize(idx, tz, path, first_line)


def localize(idx: pd.DatetimeIndex, tz: str, path, first_line: int = 1) -> pd.DatetimeIndex:
    """Localize naive times to ``tz`` (zone name, 'UTC' or fixed offset '+01:00'), then to UTC."""
    m = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d\d)?", tz.strip())
    try:
        if m:
            sign = 1 if m.group(1) == "+" else -1
            off = sign * (int(m.group(2)) * 60 + int(m.group(3) or 0))
            return (idx - pd.Timedelta(minutes=off)).tz_localize("UTC")
        return idx.tz_localize(tz, ambiguous="raise", nonexistent="raise").tz_convert("UTC")
    except Exception as exc:  # noqa: BLE001 - pytz/zoneinfo/pandas raise several classes
        raise _zone_error(exc, tz, path) from None


def _zone_error(exc: BaseException, tz: str, path) -> WeatherError:
    text = short(exc)
    name = type(exc).__name__
    if "Ambiguous" in name or "ambiguous" in text.lower() or "repeated" in text.lower():
        return WeatherError(
            f"{path}: ambiguous local timestamps at the change from summer to winter time in "
            f"zone {tz} ({text}); give times in UTC or with a fixed offset (--tz +01:00)"
        )
    if "NonExistent" in name or "nonexistent" in text.lower():
        return WeatherError(
            f"{path}: local timestamps that do not exist in zone {tz} (spring-forward hour: "
            f"{text}); give times in UTC or with a fixed offset (--tz +01:00)"
        )
    return WeatherError(
        f"{path}: unknown time zone '{tz}' ({text}); use UTC, a fixed offset like "
        f"+01:00 or a zone name like Europe/Berlin"
    )
