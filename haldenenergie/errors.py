"""Exception classes of Haldenenergie.

Every error the library raises on bad input is a :class:`HaldenError`. Its message is one line that
names the file (or option), the place in it, and the fix; the CLI prints it as ``error: <message>``
and exits with code 1; command-line usage errors exit 2 (click's convention).
"""


class HaldenError(Exception):
    """Base class: a problem the user can fix (bad input, bad option, existing output)."""

    exit_code = 1

    def __init__(self, message: str):
        # Keep it one line: the CLI prints exactly this.
        super().__init__(" ".join(str(message).split()))


class ConfigError(HaldenError):
    """An unknown config key, a value of the wrong type, unit or range, an unknown model name."""


class RegistryError(HaldenError):
    """The heap registry (GeoJSON) is malformed or fails validation."""


class TerrainError(HaldenError):
    """A DEM is unreadable, has no CRS, misses the heap or is all nodata."""


class WeatherError(HaldenError):
    """A weather file is unreadable, of unknown format, or fails validation."""


class TurbineError(HaldenError):
    """An unknown turbine type or a malformed power curve."""


class OutputError(HaldenError):
    """An output path exists (without --overwrite) or cannot be written."""
