"""The report's German and English texts, read from ``haldenenergie/data/report_texts.toml``.

Every heading, caption and note (:data:`LABELS`), the class names (:data:`CLASS_LABELS`), registry
values in words (:data:`VALUE_LABELS`), score parts (:data:`SCORE_LABELS`) and month names
(:data:`MONTHS`) come from that one file; each entry is a ``(de, en)`` pair.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from typing import Any

from ..errors import OutputError
from ..resources import data_path

#: Languages of the report; a text pair is indexed by a language's position here.
LANGS = ("de", "en")
#: File of the report texts in ``haldenenergie/data/``.
TEXTS_FILE = "report_texts.toml"


def _load_texts() -> dict[str, Any]:
    with open(data_path(TEXTS_FILE), "rb") as fh:
        return tomllib.load(fh)


def _pairs(table: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    return {k: (str(v[0]), str(v[1])) for k, v in table.items()}


#: The parsed texts file (tables labels, classes, columns, units, months, scores, values).
TEXTS: dict[str, Any] = _load_texts()

#: Every text of the report in German and English: key -> (de, en).
LABELS: dict[str, tuple[str, str]] = _pairs(TEXTS["labels"])
#: Suitability classes (:mod:`haldenenergie.suitability`) in the order they are listed.
CLASS_LABELS: dict[str, tuple[str, str]] = _pairs(TEXTS["classes"])
#: Registry and result values shown in words, per column (form, access, nature protection, ...).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    k: _pairs(v) for k, v in TEXTS["values"].items()
}
#: Score parts (``score_<criterion>``) in words; others are shown by their name.
SCORE_LABELS: dict[str, tuple[str, str]] = _pairs(TEXTS["scores"])
#: German descriptions of the most visible parameters: ``section.key`` -> (de, en).
PARAM_DOCS: dict[str, tuple[str, str]] = _pairs(TEXTS.get("param_docs", {}))
#: Month abbreviations per language, January first.
MONTHS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in TEXTS["months"].items()}


def check_lang(lang: str) -> str:
    """``lang`` if the report is available in it.

    Raises
    ------
    OutputError
        ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise OutputError(
            f"report language {lang!r} is not available; use one of {', '.join(LANGS)}"
        )
    return lang


def lbl(key: str, lang: str) -> str:
    """The text ``key`` of :data:`LABELS` in ``lang``."""
    pair = LABELS[key]
    return pair[LANGS.index(lang)]


def param_doc(row: Mapping, lang: str) -> str:
    """Description of a parameter row (``section``, ``key``, ``doc``) in ``lang`` where known.

    German descriptions come from ``[param_docs]`` of the texts file; English, and a parameter
    without a German description, keep the program's English ``doc``.
    """
    pair = PARAM_DOCS.get(f"{row.get('section')}.{row.get('key')}")
    if pair is not None and lang != "en":
        return pair[LANGS.index(lang)]
    return str(row.get("doc") or "")


def value_label(key: str, value: Any, lang: str) -> Any:
    """A registry/result value of column ``key`` in words (unchanged if it has none)."""
    table = VALUE_LABELS.get(key, {})
    pair = table.get(str(value).strip().lower()) if isinstance(value, str) else None
    return pair[LANGS.index(lang)] if pair else value


def class_label(c: Any, lang: str) -> str:
    """Name of a suitability class in ``lang`` (``–`` if missing, the class itself if unknown)."""
    if c is None or (isinstance(c, float) and not math.isfinite(c)):
        return "–"
    return CLASS_LABELS.get(str(c), (str(c), str(c)))[LANGS.index(lang)]


def score_label(col: str, lang: str) -> str:
    """Name of a score part column ``score_<criterion>`` in ``lang``."""
    crit = col[len("score_") :]
    pair = SCORE_LABELS.get(crit)
    return pair[LANGS.index(lang)] if pair else crit.replace("_", " ")


def sector_name(s: str, lang: str) -> str:
    """Compass sector in the report's language (German east is "O": SO, NO)."""
    return s.replace("E", "O") if lang == "de" else s


def yes_no(v: Any, lang: str) -> str:
    """``ja``/``nein`` or ``yes``/``no`` for a truth value given as bool, number or text."""
    truth = str(v).strip().lower() in ("true", "1", "1.0", "yes", "ja")
    return ("ja" if truth else "nein") if lang == "de" else ("yes" if truth else "no")
