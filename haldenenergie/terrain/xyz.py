"""NRW DGM1 ASCII XYZ tiles: ``x y z`` per line, cell centres on a regular grid, EPSG:25832.

Geobasis NRW publishes its 1 m terrain model DGM1 as 1 km tiles named like
``dgm1_32_372_5714_1_nw`` (1,000,000 points each); historically as ASCII XYZ, now as GeoTIFF
(https://www.bezreg-koeln.nrw.de/geobasis-nrw). :func:`read_xyz` turns such a tile into a grid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .dem import DemFileError

#: Largest grid an XYZ file may span [cells]: 16 NRW DGM1 tiles of 1 km at 1 m (1e6 points each),
#: 128 MB as float64; a larger span means scattered points or a whole region in one file.
MAX_XYZ_CELLS = 16_000_000


def read_xyz(path: str | Path) -> tuple[np.ndarray, object]:
    """Read an ASCII XYZ elevation tile (``x y z`` per line, regular grid of cell centres).

    Parameters
    ----------
    path : file with whitespace-separated easting [m], northing [m], elevation [m] per line
        (NRW DGM1 XYZ, EPSG:25832). Lines may come in any order; missing points become NaN.

    Returns
    -------
    z : 2-D float64 array [m], row 0 = north, NaN where no point was given.
    transform : affine.Affine of the grid (cell edges; cells centred on the points).

    Raises
    ------
    DemFileError : unreadable file, fewer than 4 points, or points not on a regular grid.
    """
    from affine import Affine

    p = Path(path)
    x, y, z = _read_points(p)
    if x.size < 4:
        raise DemFileError(f"{p}: XYZ tile has fewer than 4 points; expected 'x y z' lines")
    ux, uy = np.unique(x), np.unique(y)
    dx = np.min(np.diff(ux)) if ux.size > 1 else np.nan
    dy = np.min(np.diff(uy)) if uy.size > 1 else np.nan
    if not (np.isfinite(dx) and np.isfinite(dy)) or dx <= 0 or dy <= 0:
        raise DemFileError(f"{p}: XYZ points do not form a 2-D grid; expected a regular x/y grid")
    col_f = (x - ux[0]) / dx
    row_f = (uy[-1] - y) / dy
    col, row = np.rint(col_f).astype(np.int64), np.rint(row_f).astype(np.int64)
    if np.max(np.abs(col_f - col)) > 0.01 or np.max(np.abs(row_f - row)) > 0.01:
        raise DemFileError(
            f"{p}: XYZ points are not on a regular grid of {dx:g} x {dy:g} m; "
            "resample the tile to a regular grid first"
        )
    shape = (int(row.max()) + 1, int(col.max()) + 1)
    if shape[0] * shape[1] > MAX_XYZ_CELLS:
        raise DemFileError(
            f"{p}: XYZ points span a grid of {shape[1]} x {shape[0]} cells of "
            f"{dx:g} m (> {MAX_XYZ_CELLS:,}); split the file into tiles "
            "(NRW DGM1: 1 km tiles of 1,000,000 points)"
        )
    grid = np.full(shape, np.nan)
    grid[row, col] = z
    transform = Affine(dx, 0.0, ux[0] - dx / 2, 0.0, -dy, uy[-1] + dy / 2)
    return grid, transform


def _read_points(p: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Easting, northing, elevation [m] of the points with finite coordinates.

    Eastings written with the UTM zone prefix ("32372000.0" = zone 32, E 372000), as some German
    state survey offices publish them, are reduced to plain EPSG:25832 eastings.
    """
    import pandas as pd

    try:
        df = pd.read_csv(
            p,
            sep=r"\s+",
            header=None,
            usecols=[0, 1, 2],
            names=["x", "y", "z"],
            dtype="float64",
            comment="#",
        )
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DemFileError(f"{p}: cannot read as XYZ tile (x y z per line): {exc}") from None
    x, y, z = (df[c].to_numpy() for c in ("x", "y", "z"))
    ok = np.isfinite(x) & np.isfinite(y)
    x, y, z = x[ok], y[ok], z[ok]
    if x.size and x.min() >= 32_000_000 and x.max() < 33_000_000:
        x = x - 32_000_000
    return x, y, z
