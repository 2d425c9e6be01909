"""``haldenenergie config show``: every parameter in effect, with unit and source."""

from __future__ import annotations

import json

import click

from ..config import describe
from ._common import config_option, get_config


@click.group()
def config():
    """Inspect the configuration (defaults and TOML overrides)."""


@config.command("show")
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "toml", "json"]),
    default="table",
    show_default=True,
    help="table: aligned text; toml: a file you can edit and pass "
    "back with --config; json: machine-readable with sources.",
)
def show(config_path, fmt):
    """Print the parameters in effect (defaults, or as overridden by --config) with sources."""
    cfg = get_config(config_path)
    if config_path is not None:  # a user's file: also check names against the turbine library
        from ..pipeline import check_config

        check_config(cfg)
    rows = describe(cfg)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if fmt == "toml":
        section = None
        for r in rows:
            if r["section"] != section:
                section = r["section"]
                click.echo(f"\n[{section}]")
            click.echo(f"# {r['doc']} [{r['unit']}] Source: {r['source']}".replace("\n", " "))
            click.echo(f"{r['key']} = {_toml_value(r['value'])}")
        return
    click.echo(f"Parameters in effect (from {cfg.origin}):")
    for r in rows:
        changed = "" if r["value"] == r["default"] else f"  (default {r['default']!r})"
        click.echo(f"[{r['section']}] {r['key']} = {r['value']!r} [{r['unit']}]{changed}")
        if r["doc"]:
            click.echo(f"    {r['doc']}")
        click.echo(f"    source: {r['source']}")


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "{ "
            + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items())
            + " }"
        )
    return json.dumps(str(v))
