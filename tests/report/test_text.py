"""Tests of the HTML report (issue 7): the report's German and English texts."""

from __future__ import annotations

from haldenenergie.report.columns import COLUMN_LABELS
from haldenenergie.report.text import CLASS_LABELS, LABELS


def test_every_label_in_both_languages():
    for table in (LABELS, CLASS_LABELS, COLUMN_LABELS):
        for key, pair in table.items():
            assert len(pair) == 2 and all(isinstance(s, str) and s for s in pair), key


def test_texts_come_from_the_packaged_file():
    import tomllib

    from haldenenergie.report.text import MONTHS, SCORE_LABELS, TEXTS_FILE, VALUE_LABELS
    from haldenenergie.resources import data_path

    texts = tomllib.loads(data_path(TEXTS_FILE).read_text(encoding="utf-8"))
    assert list(texts["labels"]) == list(LABELS)
    assert list(texts["classes"]) == list(CLASS_LABELS)  # the order classes are listed in
    assert set(texts["columns"]) == set(COLUMN_LABELS)
    assert {k: len(v) for k, v in MONTHS.items()} == {"de": 12, "en": 12}
    for table in (SCORE_LABELS, *VALUE_LABELS.values()):
        assert all(len(pair) == 2 and all(pair) for pair in table.values())
