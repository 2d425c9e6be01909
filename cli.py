"""Thin launcher: ``python cli.py ...`` is the same as the installed ``haldenenergie`` command."""

from haldenenergie.cli import main

if __name__ == "__main__":
    main()
