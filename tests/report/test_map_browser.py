"""The report's map in a real browser (issue 14): headless Chromium draws it, not blank, with
every class colour of the legend in the pixels."""

from __future__ import annotations

import base64
import re
import shutil

import pytest

from haldenenergie.report import load_report_data, rank_order, write_report
from haldenenergie.report.map import map_chart

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Largest distance of a pixel from a class colour [0..255 per channel, Euclidean] that still
#: counts as that colour (anti-aliasing at the disc edges blends it with its neighbours).
COLOR_TOL = 12.0
#: Pixels of a class colour needed to count it as present (a legend dot at 2x is ~150 px).
MIN_PIXELS = 40


@pytest.mark.integration
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_map_screenshot_shows_every_class_colour(tmp_path, make_run, heaps, chromium):
    import numpy as np
    from matplotlib.colors import to_rgb
    from PIL import Image

    run = make_run(tmp_path, n_heaps=len(heaps))
    report = write_report(run, tmp_path / "report.html")
    html = report.read_text(encoding="utf-8")
    m = re.search(
        r'<img class="chart" id="fig-map" src="data:image/svg\+xml;base64,([^"]+)" '
        r'width="(\d+)" height="(\d+)"',
        html,
    )
    assert m, "no map in the report"
    svg, w, h = base64.b64decode(m.group(1)), int(m.group(2)), int(m.group(3))
    # The report's map is the map of its results (same SVG, so its geometry applies).
    chart = map_chart(rank_order(load_report_data(run).results), "de")
    assert chart.svg == svg
    page = tmp_path / "map.html"
    (tmp_path / "map.svg").write_bytes(svg)
    page.write_text(
        f'<html><body style="margin:0;background:#fff"><img src="map.svg" '
        f'style="display:block;width:{2 * w}px;height:{2 * h}px"></body></html>',
        encoding="utf-8",
    )
    png = tmp_path / "map.png"
    p = chromium(
        [
            f"--window-size={2 * w},{2 * h}",
            "--virtual-time-budget=5000",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ],
        tmp_path / "profile",
        timeout=90,
    )
    assert p.returncode == 0 and png.is_file(), p.stderr[-2000:]
    px = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    assert px.std() > 20, f"screenshot looks blank (stddev {px.std():.1f})"
    # Not just the background: a good share of the image is ink.
    assert (np.abs(px - 255).sum(axis=2) > 30).mean() > 0.05
    counts = {}
    for cls, color in chart.class_colors.items():
        ref = np.array(to_rgb(color)) * 255
        counts[cls] = int((np.linalg.norm(px - ref, axis=2) < COLOR_TOL).sum())
    assert len(counts) == 5, counts
    assert all(n >= MIN_PIXELS for n in counts.values()), counts
    # The geometry the tests check is the one drawn: no two label boxes overlap, every heap is
    # on the map or in the side list.
    boxes = chart.labels
    assert not [
        (a.text, b.text)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1
    ]
    assert sorted(chart.drawn + chart.listed) == sorted(h_[0] for h_ in heaps)
