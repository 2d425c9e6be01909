"""German renderings of the run's technical notes for the German report.

The pipeline records its notes in English (terrain assumptions, wind-model notes, run warnings,
registry owner remarks, the sources of the totals factors). The German report passes them through
:func:`technical_text`, which applies the ordered ``[[translate]]`` patterns of
``data/report_texts.toml`` (a Python regex on the English text and its German replacement). A note
that no pattern matches is shown as recorded; the English report shows every note unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from .text import TEXTS

#: The ordered (pattern, German replacement) pairs of ``[[translate]]`` in the texts file.
TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(str(t["en"])), str(t["de"])) for t in TEXTS.get("translate", [])
)
#: A number in English notation: digits with thousands commas and an optional decimal part.
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


def _german_numbers(text: str) -> str:
    """Numbers in English notation (``3,500.5``) written the German way (``3.500,5``)."""

    def _swap(m: re.Match[str]) -> str:
        whole, frac = m.group(1).replace(",", "."), m.group(2) or ""
        return whole + ("," + frac[1:] if frac else "")

    return _NUMBER.sub(_swap, text)


def technical_text(text: Any, lang: str) -> Any:
    """A technical note of the run in the report's language.

    Parameters
    ----------
    text : Any
        The note as recorded (English); anything else than a text is returned unchanged.
    lang : str
        ``"de"`` or ``"en"``; English returns ``text`` unchanged.

    Returns
    -------
    Any
        The German rendering: every matching pattern replaced in order; the numbers of each
        replacement (its groups and its own text) written the German way, the rest unchanged.
    """
    if lang != "de" or not isinstance(text, str) or not text:
        return text
    out = text
    for pattern, repl in TRANSLATIONS:
        out = pattern.sub(lambda m, r=repl: _german_numbers(m.expand(r)), out)
    return out
