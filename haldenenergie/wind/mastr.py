"""Existing wind turbines from a Marktstammdatenregister (MaStR) export, assigned to heaps.

Two published formats of the Bundesnetzagentur's register are read:

* the public bulk export ("Gesamtdatenexport",
  https://www.marktstammdatenregister.de/MaStR/Datendownload): ``EinheitenWind*.xml``, UTF-16,
  root ``EinheitenWind`` with one ``EinheitWind`` element per unit. Child elements used:
  ``EinheitMastrNummer``, ``NameStromerzeugungseinheit``, ``Bruttoleistung`` and
  ``Nettonennleistung`` [kW], ``Nabenhoehe`` and ``Rotordurchmesser`` [m], ``Typenbezeichnung``,
  ``Hersteller`` (a catalogue code), ``Inbetriebnahmedatum`` (ISO date), ``EinheitBetriebsstatus``
  (catalogue code), ``Breitengrad`` / ``Laengengrad`` (WGS84 deg); as in the export's schema
  ``EinheitenWind.xsd`` (shipped by the open-MaStR project of the OpenEnergy Platform,
  ``open_mastr/resources``);
* the CSV download of the web unit list ("Erweiterte öffentliche Einheitenübersicht"):
  ``;``-separated, decimal comma, dates ``dd.mm.yyyy``, German headers such as
  ``MaStR-Nr. der Einheit``, ``Bruttoleistung der Einheit``, ``Nettonennleistung der Einheit``,
  ``Nabenhöhe der Windenergieanlage``, ``Rotordurchmesser der Windenergieanlage``,
  ``Hersteller der Windenergieanlage``, ``Typenbezeichnung``, ``Inbetriebnahmedatum der
  Einheit``, ``Betriebs-Status``, ``Koordinate: Breitengrad (WGS84)``, ``Koordinate: Längengrad
  (WGS84)``.

Units are assigned to the heap whose footprint (buffered by ``radius_m``) contains them, or, for a
heap known by a point only, that lie within ``max(radius_m, equivalent-circle radius of area_ha)``
of the point; a unit near several heaps goes to the nearest. Units finally shut down or only planned
are left out.
"""

from __future__ import annotations

import collections
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import RegistryError
from ..registry.model import EXISTING_TURBINE_PROPERTIES

#: Default assignment radius [m] (assumption: a heap turbine's base stands on the plateau or the
#: flank; the equivalent circle of a 20-50 ha heap has a 250-400 m radius, and the operators'
#: registry coordinates are good to some tens of metres).
DEFAULT_RADIUS_M = 300.0
#: Columns of :func:`read_mastr`'s frame.
COLUMNS = (
    "mastr_id",
    "name",
    "gross_kw",
    "rated_kw",
    "hub_height_m",
    "rotor_diameter_m",
    "manufacturer",
    "model",
    "commissioning_date",
    "status",
    "lat",
    "lon",
)
#: XML element -> column (schema EinheitenWind.xsd).
XML_FIELDS = {
    "EinheitMastrNummer": "mastr_id",
    "NameStromerzeugungseinheit": "name",
    "Bruttoleistung": "gross_kw",
    "Nettonennleistung": "rated_kw",
    "Nabenhoehe": "hub_height_m",
    "Rotordurchmesser": "rotor_diameter_m",
    "Hersteller": "manufacturer",
    "Typenbezeichnung": "model",
    "Inbetriebnahmedatum": "commissioning_date",
    "EinheitBetriebsstatus": "status",
    "Breitengrad": "lat",
    "Laengengrad": "lon",
}
#: CSV header of the web export -> column.
CSV_FIELDS = {
    "MaStR-Nr. der Einheit": "mastr_id",
    "Anzeige-Name der Einheit": "name",
    "Bruttoleistung der Einheit": "gross_kw",
    "Nettonennleistung der Einheit": "rated_kw",
    "Nabenhöhe der Windenergieanlage": "hub_height_m",
    "Rotordurchmesser der Windenergieanlage": "rotor_diameter_m",
    "Hersteller der Windenergieanlage": "manufacturer",
    "Typenbezeichnung": "model",
    "Inbetriebnahmedatum der Einheit": "commissioning_date",
    "Betriebs-Status": "status",
    "Koordinate: Breitengrad (WGS84)": "lat",
    "Koordinate: Längengrad (WGS84)": "lon",
}
#: Columns of :meth:`MastrFacts.properties` (registry property names, plus the source).
FACT_COLUMNS = (*EXISTING_TURBINE_PROPERTIES, "existing_wind_source")
NUMERIC = ("gross_kw", "rated_kw", "hub_height_m", "rotor_diameter_m", "lat", "lon")
#: Status values of units left out: MaStR catalogue "EinheitBetriebsstatus" 31 = In Planung,
#: 38 = Endgültig stillgelegt (open-MaStR's catalogue mapping), and the web export's texts.
EXCLUDED_STATUS = {"31", "38", "in planung", "endgültig stillgelegt"}


def _num(s: Any) -> float:
    """A number of either format ('3050', '3050.0', '3050,0'), NaN if empty or not a number."""
    if s is None:
        return float("nan")
    t = str(s).strip().replace(",", ".")
    try:
        return float(t) if t else float("nan")
    except ValueError:
        return float("nan")


def _read_xml(p: Path) -> list[dict]:
    rows = []
    try:
        for _, el in ET.iterparse(p, events=("end",)):
            if el.tag == "EinheitWind":
                rows.append(
                    {XML_FIELDS[c.tag]: (c.text or "").strip() for c in el if c.tag in XML_FIELDS}
                )
                el.clear()
    except (ET.ParseError, OSError) as exc:
        raise RegistryError(
            f"{p}: not a readable MaStR EinheitenWind XML ({exc}); use the bulk export's "
            "EinheitenWind*.xml as downloaded (UTF-16) or the web list's CSV"
        ) from None
    return rows


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _read_csv(p: Path, raw: bytes) -> list[dict]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(_decode(raw)), delimiter=";")
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not {"Koordinate: Breitengrad (WGS84)", "Koordinate: Längengrad (WGS84)"} <= set(header):
        raise RegistryError(
            f"{p}: MaStR CSV without the columns 'Koordinate: Breitengrad (WGS84)' and "
            "'Koordinate: Längengrad (WGS84)' (found: "
            f"{', '.join(header[:6]) or 'none'}...); export the web list with ';' and all columns"
        )
    rows = []
    for r in reader:
        r = {(k or "").strip(): v for k, v in r.items()}
        if "Energieträger" in r and str(r["Energieträger"]).strip() not in ("Wind", ""):
            continue
        rows.append({col: (r.get(h) or "").strip() for h, col in CSV_FIELDS.items()})
    return rows


def _iso_date(s: str) -> str:
    m = re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s or "")
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else (s or "")[:10]


def read_mastr(path: str | Path) -> pd.DataFrame:
    """Read a MaStR export of wind units (bulk XML or web CSV; the format is detected).

    Parameters
    ----------
    path : ``EinheitenWind*.xml`` (UTF-16 bulk export) or the web list's ``;``-CSV.

    Returns
    -------
    DataFrame with :data:`COLUMNS`: powers [kW], heights and diameters [m], lat/lon [deg WGS84],
        commissioning date ISO ``YYYY-MM-DD``; ``attrs["source"]`` names the file and format.

    Raises
    ------
    RegistryError
        Unreadable file, unknown format, no wind unit with coordinates.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise RegistryError(f"{p}: cannot read the MaStR export ({exc}); check the path") from None
    head = raw[:200].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe ")
    fmt = "bulk XML" if head.startswith(b"<") else "web CSV"
    rows = _read_xml(p) if fmt == "bulk XML" else _read_csv(p, raw)
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in NUMERIC:
        df[c] = [_num(v) for v in df[c]]
    df["commissioning_date"] = [_iso_date(str(v)) for v in df["commissioning_date"].fillna("")]
    df = df[np.isfinite(df["lat"]) & np.isfinite(df["lon"])].reset_index(drop=True)
    if df.empty:
        raise RegistryError(
            f"{p}: no wind unit with coordinates in this MaStR export ({fmt}); check that it is "
            "an EinheitenWind export with Breitengrad/Laengengrad"
        )
    df.attrs["source"] = f"MaStR {fmt} {p.name}"
    return df


@dataclass(frozen=True)
class MastrFacts:
    """Existing-turbine facts of one heap from the MaStR.

    Attributes
    ----------
    existing_wind : ``registry.ExistingWind`` with count, model, windpowerlib type, rated power
        [kW], hub height [m], rotor diameter [m] and commissioning year(s) from the register (the
        heap's reported yield and its source are kept).
    mastr_ids : MaStR numbers of the units.
    distance_m : largest distance of a unit from the heap point or footprint centroid [m].
    source : where the facts come from (file, format, numbers; mixed types are named).
    """

    existing_wind: Any
    mastr_ids: tuple[str, ...]
    distance_m: float
    source: str

    def properties(self) -> dict[str, Any]:
        """The facts as registry properties (``existing_wind_*``) plus ``existing_wind_source``."""
        ew = self.existing_wind
        return {
            "existing_wind_count": ew.count,
            "existing_wind_model": ew.model,
            "existing_wind_windpowerlib_type": ew.windpowerlib_type,
            "existing_wind_rated_kw": ew.rated_kw,
            "existing_wind_hub_height_m": ew.hub_height_m,
            "existing_wind_rotor_diameter_m": ew.rotor_diameter_m,
            "existing_wind_since": ew.since,
            "existing_wind_source": self.source,
        }


def _norm(s: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(s).upper())


def match_windpowerlib_type(model: str, rated_kw: float) -> str | None:
    """The windpowerlib type whose name stem is in the model and whose rating matches, or None.

    Parameters
    ----------
    model : ``Typenbezeichnung`` (e.g. ``"E-101"``, ``"E-101 E2"``).
    rated_kw : rated power [kW].
    """
    from .turbines import turbine_types

    if not model or not np.isfinite(rated_kw):
        return None
    m = _norm(model)
    for t in turbine_types():
        stem, _, kw = t.partition("/")
        if _norm(stem) and _norm(stem) in m and kw.isdigit() and abs(int(kw) - rated_kw) < 1:
            return t
    return None


def _heap_zones(heaps: list, radius_m: float) -> list[tuple[str, Any]]:
    """(heap id, metric shapely zone) of every heap with a location."""
    from shapely.geometry import Point

    from ..geo import to_metric

    zones = []
    for h in heaps:
        if getattr(h, "footprint", None) is not None:
            zones.append((str(h.id), to_metric(h.footprint).buffer(radius_m)))
        elif h.lat is not None and h.lon is not None:
            area = getattr(h, "area_ha", None)
            r_eq = math.sqrt(area * 1e4 / math.pi) if area else 0.0
            zones.append((str(h.id), to_metric(Point(h.lon, h.lat)).buffer(max(radius_m, r_eq))))
    return zones


def _assign(heaps: list, df: pd.DataFrame, radius_m: float) -> dict[str, list[tuple[int, float]]]:
    """Map heap id -> [(row, distance [m])]: each unit to the nearest heap containing it."""
    from shapely.geometry import Point

    from ..geo import to_metric

    zones = _heap_zones(heaps, radius_m)
    pts = [to_metric(Point(lo, la)) for lo, la in zip(df["lon"], df["lat"], strict=True)]
    out: dict[str, list[tuple[int, float]]] = collections.defaultdict(list)
    for i, pt in enumerate(pts):
        hits = [(zone.centroid.distance(pt), hid) for hid, zone in zones if zone.contains(pt)]
        if hits:
            d, hid = min(hits)
            out[hid].append((i, float(d)))
    return out


def _mode(values) -> Any:
    vals = [v for v in values if v not in (None, "") and not (isinstance(v, float) and np.isnan(v))]
    return collections.Counter(vals).most_common(1)[0][0] if vals else None


def _facts(heap: Any, units: pd.DataFrame, dist: float, source: str) -> MastrFacts:
    """The facts of one heap from its units (the most common type describes them)."""
    from ..registry.model import ExistingWind

    models = units["model"].replace("", np.nan)
    model = _mode(models)
    manuf = _mode(units["manufacturer"])
    typ = units[models == model] if model is not None else units
    rated = _mode(typ["rated_kw"])
    years = sorted({d[:4] for d in units["commissioning_date"] if d[:4].isdigit()})
    since = None if not years else (years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}")
    label = " ".join(str(x) for x in (manuf, model) if x) or None
    kinds = sorted({str(m) for m in models.dropna()})
    mixed = f"; mixed types: {', '.join(kinds)}" if len(kinds) > 1 else ""
    old = getattr(heap, "existing_wind", None) or ExistingWind()
    ew = replace(
        old,
        count=len(units),
        model=label,
        windpowerlib_type=match_windpowerlib_type(model or "", rated if rated else float("nan")),
        rated_kw=None if rated is None else float(rated),
        hub_height_m=_float_or_none(_mode(typ["hub_height_m"])),
        rotor_diameter_m=_float_or_none(_mode(typ["rotor_diameter_m"])),
        since=since,
    )
    ids = tuple(str(x) for x in units["mastr_id"])
    return MastrFacts(ew, ids, dist, f"{source}: {', '.join(ids)}{mixed}")


def _float_or_none(v: Any) -> float | None:
    return None if v is None or not np.isfinite(float(v)) else float(v)


def existing_from_mastr(
    heaps: list, df: pd.DataFrame, radius_m: float = DEFAULT_RADIUS_M
) -> dict[str, MastrFacts]:
    """Existing-turbine facts per heap from the units of a MaStR export.

    Parameters
    ----------
    heaps : ``registry.Heap`` objects (id, lat, lon, footprint, area_ha, existing_wind).
    df : :func:`read_mastr`'s frame.
    radius_m : buffer around a footprint, or least radius around a heap point [m].

    Returns
    -------
    dict heap_id -> MastrFacts, only for heaps with at least one operating unit.
    """
    status = df["status"].fillna("").astype(str).str.strip().str.lower()
    live = df[~status.isin(EXCLUDED_STATUS)].reset_index(drop=True)
    by_id = {str(h.id): h for h in heaps}
    source = df.attrs.get("source", "MaStR")
    out = {}
    for hid, hits in _assign(heaps, live, radius_m).items():
        rows = live.iloc[[i for i, _ in hits]]
        out[hid] = _facts(by_id[hid], rows, max(d for _, d in hits), source)
    return out
