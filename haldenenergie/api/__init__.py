"""The Python API: :func:`run`, :func:`batch`, :func:`load_results`, :func:`read_weather`.

Re-exported at the top level (``import haldenenergie as he; he.run()``). Each call takes paths or
objects and fills in the defaults the CLI uses (the packaged registry, the packaged synthetic
weather year, parametric terrain, default parameters), so that::

    r = he.run()                                          # = haldenenergie run --out ...
    r = he.run(weather="TRY2015_essen_jahr.dat", config={"pv": {"plateau_tilt_deg": 25}})
    r.ranking.head(); r.hourly("haniel"); r.write("out/")

gives the same tables as the command line with the same inputs. This module imports nothing
heavy; pandas, pvlib and windpowerlib are imported when a function runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .run_results import Results

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..config import Config
    from ..weather import WeatherMeta

PathLike = str | os.PathLike


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def load_config(
    path: PathLike | None = None, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> Config:
    """Parameters in effect: the defaults, then a TOML file, then ``overrides``.

    Parameters
    ----------
    path : TOML file with sections ``[terrain]``, ``[weather]``, ``[pv]``, ``[wind]``,
        ``[suitability]``, ``[layers]`` (``haldenenergie config show`` lists every key, its unit
        and source); None: the defaults.
    overrides : ``{section: {key: value}}``, e.g. ``{"pv": {"plateau_tilt_deg": 25}}``; checked
        like the file's values (unit range, choices).

    Returns
    -------
    haldenenergie.config.Config : frozen; ``Config.replace(section, **changes)`` makes variants.

    Raises
    ------
    ConfigError : unknown section or key, value out of range (one line naming the file and key).
    """
    from ..config import load_config as _load

    return _load(path, overrides=overrides)


def read_weather(path: PathLike, **opts: Any) -> tuple[pd.DataFrame, WeatherMeta]:
    """Read and validate a weather file into the canonical hourly UTC form.

    Parameters
    ----------
    path : DWD TRY, DWD CDC (file, zip or station folder), PVGIS, EPW, windpowerlib CSV,
        canonical or generic CSV (the format is detected from the content).
    **opts : reader options of :func:`haldenenergie.weather.read_weather`: ``fmt``, ``config``
        (a ``WeatherConfig``), ``allow_partial``, ``tz`` (zone of naive time stamps), ``mapping``,
        ``units``, ``latitude``, ``longitude``, ``elevation_m``, ...

    Returns
    -------
    data : DataFrame indexed by interval start [UTC]: ``ghi``, ``dni``, ``dhi`` [W m-2],
        ``temp_air`` [°C], ``wind_speed`` [m s-1], ``pressure`` [Pa] where given.
    meta : WeatherMeta (station, location, heights, coverage, warnings).

    Raises
    ------
    WeatherError : one line naming the file, the rows and the fix.
    """
    from ..weather import read_weather as _read

    return _read(Path(path), **opts)


def _config_of(config: Any, layers: Any) -> Config:
    """A :class:`Config` from None, a path, a Config or an override dict, with ``layers`` set."""
    from ..config import Config
    from ..errors import ConfigError

    lay: dict[str, str] = {}
    if layers is not None:
        if _is_path(layers):
            lay = {"dir": str(layers)}
        elif isinstance(layers, Mapping):
            lay = {str(k): str(v) for k, v in layers.items()}
        else:
            raise ConfigError(
                f"layers: expected {{kind: path}} or the path of a 'layers fetch-osm' folder, "
                f"got {type(layers).__name__}"
            )
    if config is None or _is_path(config):
        return load_config(config, {"layers": lay} if lay else None)
    if isinstance(config, Mapping):
        merged = {k: dict(v) for k, v in config.items()}
        if lay:
            merged.setdefault("layers", {}).update(lay)
        return load_config(None, merged)
    if isinstance(config, Config):
        return config.replace("layers", **lay) if lay else config
    raise ConfigError(
        f"config: expected a TOML path, a Config or a {{section: {{key: value}}}} dict, "
        f"got {type(config).__name__}"
    )


def _heaps_of(heaps: Any) -> Any:
    """The registry path (default: the packaged one) or the list of ``registry.Heap``."""
    from ..errors import RegistryError
    from ..resources import default_registry_path

    if heaps is None:
        return default_registry_path()
    if _is_path(heaps):
        return Path(heaps)
    items = list(heaps)
    if not all(hasattr(h, "id") and hasattr(h, "footprint") for h in items):
        raise RegistryError(
            "heaps: expected a registry path or a list of haldenenergie.registry.Heap "
            "(from haldenenergie.registry.read_registry)"
        )
    return items


def _weather_of(weather: Any) -> Any:
    """None (default year), a path, or a ``(data, meta)`` pair as :func:`read_weather` gives."""
    from ..errors import WeatherError

    if weather is None or _is_path(weather):
        return weather
    if isinstance(weather, tuple) and len(weather) == 2 and hasattr(weather[1], "latitude"):
        return weather
    raise WeatherError(
        "weather: expected a path or the (DataFrame, WeatherMeta) pair of "
        f"haldenenergie.read_weather, got {type(weather).__name__}"
    )


def _dem_of(dem: Any) -> list[Path]:
    if dem is None:
        return []
    if _is_path(dem):
        return [Path(dem)]
    return [Path(p) for p in dem]


def run(
    heaps: PathLike | Sequence[Any] | None = None,
    weather: PathLike | tuple[pd.DataFrame, WeatherMeta] | None = None,
    dem: PathLike | Sequence[PathLike] | None = None,
    config: PathLike | Config | Mapping[str, Mapping[str, Any]] | None = None,
    layers: Mapping[str, PathLike] | PathLike | None = None,
    *,
    keep_hourly: bool = False,
    heap_ids: Sequence[str] = (),
    tz: str | None = None,
) -> Results:
    """Run every stage (terrain, weather, PV, wind, classes and ranking) and return the results.

    The same computation as ``haldenenergie run``; nothing is written until
    :meth:`Results.write`.

    Parameters
    ----------
    heaps : heap registry (GeoJSON path) or a list of ``haldenenergie.registry.Heap``; default:
        the packaged registry of the Ruhr area's heaps.
    weather : weather file (any format of :func:`read_weather`) or the ``(data, meta)`` pair it
        returns; default: the packaged synthetic typical year (Essen).
    dem : DEM file(s) or folder(s) (GeoTIFF, XYZ, ...); default: parametric terrain.
    config : TOML path, a :class:`~haldenenergie.config.Config`, or overrides
        ``{section: {key: value}}`` on the defaults, e.g. ``{"pv": {"plateau_tilt_deg": 25}}``.
    layers : constraint layers ``{kind: path}`` (kinds ``forest``, ``protected``,
        ``residential``, ``landmark``, ``heap_outline``, ... as ``--layer KIND=PATH``) or
        the folder written by ``haldenenergie layers fetch-osm`` (``--layers DIR``).
    keep_hourly : keep the wind stage's per-step series of every heap from the run itself
        (:meth:`Results.hourly` then recomputes only the PV series of a heap).
    heap_ids : restrict the run to these heap ids.
    tz : time zone of naive time stamps in the weather file (``UTC``, ``+01:00``,
        ``Europe/Berlin``).

    Returns
    -------
    Results : tables (``heaps``, ``surfaces``, ``monthly``, ``ranking``, ``totals``), the
    ``manifest``, ``hourly(heap_id)``, ``to_geodataframe()``, ``write(path)``.

    Raises
    ------
    HaldenError : a bad input (registry, weather, DEM, layer, config), as one line.
    """
    from .. import pipeline

    cfg = _config_of(config, layers)
    result = pipeline.run(
        _heaps_of(heaps),
        _weather_of(weather),
        _dem_of(dem),
        cfg,
        heap_ids=tuple(heap_ids),
        tz=tz,
        keep_hourly=keep_hourly,
    )
    return Results(result)


def load_results(path: PathLike) -> Results:
    """Read a run folder (``haldenenergie run --out`` or :meth:`Results.write`) back.

    Parameters
    ----------
    path : the folder (``results.csv`` required; ``monthly.csv``, ``surfaces.csv``,
        ``ranking.csv``, ``totals.csv`` and ``manifest.json`` where present).

    Returns
    -------
    Results : the folder's tables and manifest; :meth:`Results.hourly` is not available (series
    are not stored).

    Raises
    ------
    OutputError : the folder or ``results.csv`` is missing or unreadable.
    """
    import pandas as pd

    from ..pipeline import RunResult
    from ..results import read_run

    f = read_run(path)
    empty = pd.DataFrame()
    run_result = RunResult(
        results=f.results,
        monthly=f.monthly if f.monthly is not None else empty,
        surfaces=f.surfaces if f.surfaces is not None else empty,
        totals=f.totals if f.totals is not None else empty,
        manifest=f.manifest,
    )
    res = Results(run_result, path=f.path)
    if f.ranking is not None:
        res._ranking = f.ranking
    return res


def batch(weather: PathLike | Sequence[PathLike], out_dir: PathLike, **kw: Any) -> Any:
    """Run many weather files (years, projections) into one batch folder; resumable.

    A thin wrapper of :func:`haldenenergie.batch.run_batch` with the packaged registry as default.

    Parameters
    ----------
    weather : weather files, folders or globs (one path or several).
    out_dir : the batch folder (``runs/<run>/``, ``summary.csv``, ``manifest.json``).
    **kw : passed on: ``heaps`` (registry path; default the packaged one), ``dem`` (paths),
        ``config`` (as for :func:`run`), ``jobs``, ``force``, ``on_done``, ``tz``, ``options``,
        and ``executor`` (a ``concurrent.futures.Executor``) where the batch runner accepts it.

    Returns
    -------
    list of :class:`haldenenergie.batch.BatchOutcome`, one per weather file.
    """
    from ..batch import run_batch

    weather_args = [weather] if _is_path(weather) else list(weather)
    registry = _heaps_of(kw.pop("heaps", None))
    if not _is_path(registry):
        from ..errors import RegistryError

        raise RegistryError("batch: heaps must be a registry path (workers read it from disk)")
    cfg = _config_of(kw.pop("config", None), kw.pop("layers", None))
    dem = _dem_of(kw.pop("dem", None))
    return run_batch([str(w) for w in weather_args], out_dir, registry, dem, config=cfg, **kw)


__all__ = ["Results", "batch", "load_config", "load_results", "read_weather", "run"]
