""":class:`Results`: one run's tables, its manifest, hourly series on request, GIS view, writing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import geopandas
    import pandas as pd

    from ..pipeline import RunResult

#: CRS of :meth:`Results.to_geodataframe` (lat/lon of the registry: WGS 84).
GEO_CRS = "EPSG:4326"


class Results:
    """The result of :func:`haldenenergie.run` (or a run folder read by :func:`load_results`).

    Attributes
    ----------
    heaps : DataFrame, one row per heap: every column of ``results.csv`` (facts, terrain, PV
        ``pv_*``, wind ``wind_*``, ``total_energy_mwh_per_a`` [MWh a-1], class, score, rank),
        in the registry's order.
    surfaces : DataFrame, one row per heap and PV surface class (``surfaces.csv``: tilt and
        azimuth [deg], layout, ``usable_area_ha`` [ha], ``capacity_mwp`` [MWp],
        ``energy_mwh_per_a`` [MWh a-1], ...).
    monthly : DataFrame ``heap_id``, ``month`` (1..12), ``pv_energy_mwh``, ``wind_energy_mwh``,
        ``total_energy_mwh`` [MWh] (``monthly.csv``).
    ranking : DataFrame, the ranking in rank order with score parts and rank range
        (``ranking.csv``).
    totals : DataFrame, totals per class and overall: capacity [MW], energy [MWh a-1],
        households, CO2 [t a-1] (``totals.csv``).
    manifest : dict, inputs with SHA-256, every parameter in effect, versions, warnings
        (``manifest.json``).
    path : Path or None, the run folder this was read from or last written to.

    Examples
    --------
    >>> import haldenenergie as he
    >>> r = he.run()                                # doctest: +SKIP
    >>> r.ranking.head()                            # doctest: +SKIP
    >>> r.hourly("haniel")["pv_power_kw"].max()     # doctest: +SKIP
    """

    def __init__(self, run: RunResult, path: str | Path | None = None) -> None:
        self._run = run
        self.path = Path(path) if path is not None else None
        self._ranking: pd.DataFrame | None = None
        self._wind_series: dict | None = run.info.get("wind_series") or None
        self._hourly: dict[str, pd.DataFrame] = {}

    # ---------------------------------------------------------------------------------- tables
    @property
    def heaps(self) -> pd.DataFrame:
        """One row per heap with every result column (``results.csv``)."""
        return self._run.results

    @property
    def surfaces(self) -> pd.DataFrame:
        """One row per heap and PV surface class (``surfaces.csv``)."""
        return self._run.surfaces

    @property
    def monthly(self) -> pd.DataFrame:
        """Energy per heap and calendar month [MWh] (``monthly.csv``)."""
        return self._run.monthly

    @property
    def totals(self) -> pd.DataFrame:
        """Totals per class and overall (``totals.csv``)."""
        return self._run.totals

    @property
    def manifest(self) -> dict:
        """What the run was made from (``manifest.json``)."""
        return self._run.manifest

    @property
    def ranking(self) -> pd.DataFrame:
        """The ranking in rank order (``ranking.csv``; the same table the folder holds)."""
        if self._ranking is None:
            from ..suitability import ranking_table, sort_by_rank

            self._ranking = ranking_table(sort_by_rank(self._run.results)).reset_index(drop=True)
        return self._ranking

    @property
    def run_result(self) -> RunResult:
        """The underlying :class:`haldenenergie.pipeline.RunResult`."""
        return self._run

    # ---------------------------------------------------------------------------------- output
    def write(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write the run folder (``results.csv`` ... ``manifest.json``), atomically.

        Parameters
        ----------
        path : the folder to create (:func:`haldenenergie.results.write_run`).
        overwrite : replace a folder this tool wrote before.

        Returns
        -------
        Path : the folder written.

        Raises
        ------
        OutputError : the folder exists (without ``overwrite``), is not ours, or cannot be written.
        """
        from ..results import write_run

        out = write_run(path, self._run, overwrite=overwrite)
        self.path = Path(out)
        return self.path

    def to_geodataframe(self) -> geopandas.GeoDataFrame:
        """The heaps as points (EPSG:4326, from ``lat``/``lon``) with every result column.

        The points of the ``heaps`` layer of ``results.gpkg``
        (:func:`haldenenergie.results.gis.points_frame`), here in WGS 84; ``to_crs("EPSG:25832")``
        gives the GeoPackage's metric CRS.

        Returns
        -------
        geopandas.GeoDataFrame : one row per heap, indexed by heap id (text); heaps without
        coordinates get no geometry (None).
        """
        try:
            from ..results.gis import points_frame
        except ImportError:  # pragma: no cover - the results package without its GIS module
            return self._points_from_lat_lon()
        return points_frame(self.heaps, GEO_CRS)

    def _points_from_lat_lon(self) -> geopandas.GeoDataFrame:
        import geopandas as gpd

        df = self.heaps.set_axis(self.heaps["heap_id"].astype(str).to_numpy())
        geometry = gpd.points_from_xy(df["lon"].astype(float), df["lat"].astype(float))
        return gpd.GeoDataFrame(df, geometry=geometry, crs=GEO_CRS)

    # ---------------------------------------------------------------------------------- hourly
    def hourly(self, heap_id: str) -> pd.DataFrame:
        """PV and wind power and energy of one heap per weather step (hourly for hourly weather).

        Recomputed on first request for that heap from the run's terrain, weather and parameters
        (the wind stage once for all heaps; with ``run(..., keep_hourly=True)`` its series are
        kept from the run itself). Not available for a folder read by :func:`load_results`.

        Parameters
        ----------
        heap_id : a heap of this run (``heaps["heap_id"]``).

        Returns
        -------
        DataFrame indexed by the interval start [UTC], columns ``pv_power_kw``, ``pv_energy_kwh``,
        ``wind_power_kw``, ``wind_energy_kwh`` (new turbines), ``existing_wind_power_kw``,
        ``existing_wind_energy_kwh``, ``total_power_kw``, ``total_energy_kwh`` (PV + new wind).
        Power [kW] is the mean over the step, energy [kWh] its integral; energies are NOT scaled
        to a year: ``sum() * attrs["year_factor"] / 1000`` equals the heap's
        ``*_energy_mwh_per_a``. ``attrs["step_h"]`` is the step [h].

        Raises
        ------
        RegistryError : ``heap_id`` is not a heap of this run.
        OutputError : the results were read from a folder (no weather and terrain in memory).
        """
        from ..errors import OutputError, RegistryError

        hid = str(heap_id)
        ids = [str(h.id) for h in self._run.heaps] or self.heaps["heap_id"].astype(str).tolist()
        if hid not in ids:
            raise RegistryError(
                f"hourly: unknown heap id '{hid}'; this run has {', '.join(ids[:8])}"
                + (" ..." if len(ids) > 8 else "")
            )
        ctx = self._run.info.get("context")
        if ctx is None:
            where = self.path or "this run folder"
            raise OutputError(
                f"{where}: hourly series are not stored in a run folder; rerun it with "
                "haldenenergie.run(...) and call .hourly() on that result"
            )
        if hid not in self._hourly:
            self._hourly[hid] = self._compute_hourly(hid, ctx)
        return self._hourly[hid].copy()

    def _compute_hourly(self, hid: str, ctx: dict[str, Any]) -> pd.DataFrame:
        from .hourly import hourly_frame, pv_energy_kwh, wind_series_of_run

        data, meta, config, terrains = ctx["data"], ctx["meta"], ctx["config"], ctx["terrains"]
        if self._wind_series is None:
            self._wind_series = wind_series_of_run(self._run.heaps, terrains, data, meta, config)
        surf = self.surfaces
        rows = surf[surf["heap_id"].astype(str) == hid] if "heap_id" in surf.columns else None
        pv_kwh = pv_energy_kwh(rows, terrains.get(hid), data, meta, config.pv)
        return hourly_frame(pv_kwh, self._wind_series.get(hid), data, meta)

    # ---------------------------------------------------------------------------------- repr
    def __repr__(self) -> str:
        """Heaps, PV and wind totals [MWh a-1] and the heaps per class, on a few lines.

        ``technical``: every heap, before the classes; ``suitable``: the suitable uses only
        (``totals`` row ``total_suitable``).
        """
        import numpy as np

        df = self.heaps

        def total(col: str) -> float:
            return float(np.nansum(df[col].to_numpy(float))) if col in df.columns else np.nan

        classes = (
            ", ".join(f"{k} {v}" for k, v in df["class"].value_counts().items())
            if "class" in df.columns
            else "not ranked"
        )
        suitable = ""
        t = self.totals
        if t is not None and "group" in t.columns and "energy_mwh_per_a" in t.columns:
            row = t[t["group"] == "total_suitable"]
            if len(row):
                suitable = f"; suitable uses {float(row['energy_mwh_per_a'].iloc[0]):,.0f} MWh/a"
        weather = (self.manifest.get("weather") or {}).get("path") or "?"
        where = f", folder {self.path}" if self.path else ""
        return (
            f"<haldenenergie.Results: {len(df)} heaps{where}\n"
            f"  PV   {total('pv_capacity_mwp'):,.1f} MWp, {total('pv_energy_mwh_per_a'):,.0f} MWh/a"
            " (technical)\n"
            f"  wind {total('wind_capacity_mw'):,.1f} MW new, "
            f"{total('wind_energy_mwh_per_a'):,.0f} MWh/a (technical)\n"
            f"  classes: {classes}{suitable}\n"
            f"  weather: {Path(str(weather)).name}>"
        )


__all__ = ["GEO_CRS", "Results"]
