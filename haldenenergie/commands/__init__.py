"""Click subcommands, one module each; registered lazily in :mod:`haldenenergie.cli`."""
