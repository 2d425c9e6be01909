"""Transcribe the heap fact table into the registry ``heaps.geojson`` (reproducibly).

Reads the fact table ``heap_facts.csv`` (compiled from public sources: Wikipedia, RVR pages and
press releases, halden.ruhr; each row keeps its ``sources``; default: ``data/heaps/`` of the shared
data folder next to the project) and writes one GeoJSON Feature per row:

* geometry: ``Point [lon, lat]`` (WGS84, RFC 7946) where the table has coordinates, ``null`` where
  not;
* properties: every column of the table except ``lat``/``lon`` (they are the geometry), in the
  registry's order (:data:`haldenenergie.registry.PROPERTY_ORDER`), plus ``housing_distance_m``,
  which the table does not have (``null`` everywhere; users fill it);
* empty cells become ``null`` (never an invented value); numeric columns become JSON numbers
  (``"35.0"`` stays the float 35.0, ``"170"`` the integer 170); text is copied verbatim.

Usage (from the project root)::

    python tools/transcribe_heaps.py                       # writes heaps.geojson (replaces it)
    python tools/transcribe_heaps.py --check               # exit 1 if heaps.geojson differs
    python tools/transcribe_heaps.py --csv OTHER.csv --out OTHER.geojson

The output is deterministic: running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT / ".." / "shared" / "data" / "heaps" / "heap_facts.csv"
DEFAULT_OUT = ROOT / "heaps.geojson"

#: Heaps of the RVR's regional heap concept (Gesamtregionales Haldenkonzept, Regionalverband Ruhr):
#: the 46 the RVR owns and the 12 RAG heaps agreed to pass to it.
HEAPS_TOTAL = 58


def _number(text: str, column: str, row: int) -> int | float | None:
    s = text.strip()
    if s == "":
        return None
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    try:
        return float(s)
    except ValueError:
        raise SystemExit(
            f"{column} in row {row}: {text!r} is not a number; fix the fact table"
        ) from None


def _add_reported_yields(rows: list[dict], path: Path) -> None:
    """Add the reported yields of existing turbines (existing_turbine_yields.csv) to the rows."""
    with open(path, encoding="utf-8", newline="") as fh:
        yields = {r["heap_id"]: r for r in csv.DictReader(fh)}
    for row in rows:
        y = yields.get(row["id"])
        row["existing_wind_reported_mwh_per_a"] = y["reported_energy_mwh_per_a"] if y else ""
        row["existing_wind_reported_source"] = (
            f"{y['reported_as']} ({y['turbines']}): {y['sources']}" if y else ""
        )


def transcribe(csv_path: Path = DEFAULT_CSV) -> dict:
    """Return the registry FeatureCollection (a dict) transcribed from the fact table."""
    sys.path.insert(0, str(ROOT))
    from haldenenergie.registry import INTEGER_PROPERTIES, NUMERIC_PROPERTIES, PROPERTY_ORDER

    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    _add_reported_yields(rows, csv_path.parent / "existing_turbine_yields.csv")
    missing = [c for c in PROPERTY_ORDER if c != "housing_distance_m" and c not in rows[0]]
    if missing:
        raise SystemExit(f"{csv_path}: columns {missing} missing; the registry needs them")
    features = []
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        props: dict = {}
        for col in PROPERTY_ORDER:
            raw = row.get(col, "")
            if col in NUMERIC_PROPERTIES or col in INTEGER_PROPERTIES:
                props[col] = _number(raw, col, n)
            else:
                props[col] = raw if raw != "" else None
        lat = _number(row["lat"], "lat", n)
        lon = _number(row["lon"], "lon", n)
        if (lat is None) != (lon is None):
            raise SystemExit(f"row {n}: only one of lat/lon given; fix the fact table")
        geometry = (
            None if lat is None else {"type": "Point", "coordinates": [float(lon), float(lat)]}
        )
        features.append(
            {"type": "Feature", "id": props["id"], "geometry": geometry, "properties": props}
        )
    n_heaps = len(features)
    return {
        "type": "FeatureCollection",
        "name": "Haldenenergie heap registry (Ruhr spoil heaps of the RVR heap concept)",
        "description": (
            f"Transcribed by tools/transcribe_heaps.py from the fact table "
            f"shared/data/heaps/heap_facts.csv (public sources; the sources of every feature's "
            f"values are in its 'sources' property). {n_heaps} of the {HEAPS_TOTAL} heaps are "
            f"identified; {HEAPS_TOTAL - n_heaps} of {HEAPS_TOTAL} are still unidentified and can "
            f"be added as features. Geometry: Point [lon, lat] WGS84 (point_kind says what the "
            f"point is) or null where unknown; a Polygon/MultiPolygon footprint is accepted too. "
            f"Unknown values are null. housing_distance_m is not in the fact table and is null "
            f"until users fill it."
        ),
        "heaps_identified": n_heaps,
        "heaps_total": HEAPS_TOTAL,
        "features": features,
    }


def dumps(collection: dict) -> str:
    """Serialise deterministically: 2-space indent, UTF-8 text, trailing newline."""
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--csv", type=Path, default=DEFAULT_CSV, help="fact table (default: %(default)s)"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="registry (default: %(default)s)")
    ap.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if --out differs from a fresh transcription",
    )
    args = ap.parse_args(argv)
    collection = transcribe(args.csv)
    text = dumps(collection)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(
            f"{args.out}: {'up to date' if same else 'DIFFERS from the fact table transcription'}"
        )
        return 0 if same else 1
    sys.path.insert(0, str(ROOT))
    from haldenenergie._io import atomic_write

    with atomic_write(args.out, "w", overwrite=True) as fh:
        fh.write(text)
    print(f"{args.out}: {len(collection['features'])} features written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
