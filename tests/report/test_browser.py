"""Tests of the HTML report (issue 7) in a real browser: headless Chromium renders and prints it."""

from __future__ import annotations

import html as htmlmod
import json
import re
import shutil
import subprocess

import pandas as pd
import pytest

from haldenenergie.report import rank_order, write_report
from haldenenergie.report.text import lbl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.integration
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_renders_in_headless_chromium(tmp_path, make_run, heaps, chromium):
    from PIL import Image, ImageStat

    run = make_run(tmp_path, n_heaps=len(heaps))
    report = write_report(run, tmp_path / "report.html")
    url = report.resolve().as_uri()
    # 1. DOM after load: the page's self-check records every chart image's size and ink.
    p = chromium(["--virtual-time-budget=10000", "--dump-dom", url], tmp_path / "profile1")
    assert p.returncode == 0, p.stderr[-2000:]
    dom = p.stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body and 'data-ready="1"' in body.group(1), "self-check did not run (script error?)"
    assert "data-errors" not in dom.split("<head>")[0], re.findall(r'data-errors="[^"]*"', dom)
    console = [ln for ln in p.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == [], console
    images = {
        i["id"]: i
        for i in json.loads(
            htmlmod.unescape(re.search(r'data-images="([^"]*)"', body.group(1)).group(1))
        )
    }
    expected = {
        m[0]: (int(m[1]), int(m[2]))
        for m in re.findall(
            r'<img class="chart" id="([^"]+)"[^>]*data-expected-width="(\d+)" '
            r'data-expected-height="(\d+)"',
            report.read_text(encoding="utf-8"),
        )
    }
    assert set(expected) == {"fig-map", "fig-energy", "fig-monthly", "fig-p50p90"}
    for id_, (w, h) in expected.items():
        im = images[id_]
        assert im["complete"], id_
        # matplotlib writes the SVG size in pt; browsers take 1 pt = 4/3 px.
        assert abs(im["w"] - w) <= 1 and abs(im["h"] - h) <= 1, (id_, im, w, h)
        assert im["ink"] > 0.01, f"{id_} looks blank: ink {im['ink']}"
    n_svgs = int(re.search(r'data-svgs="(\d+)"', body.group(1)).group(1))
    assert n_svgs >= 46  # roses and monthly mini charts
    # 2. Screenshot: a real, non-blank page of the requested size.
    shot = tmp_path / "report.png"
    p = chromium(
        [f"--screenshot={shot}", "--window-size=1280,2000", "--virtual-time-budget=10000", url],
        tmp_path / "profile2",
    )
    assert p.returncode == 0 and shot.is_file(), p.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    stat = ImageStat.Stat(img.convert("L"))
    assert stat.stddev[0] > 20, f"screenshot looks blank (stddev {stat.stddev[0]:.1f})"
    assert len(img.getcolors(maxcolors=1 << 20) or []) > 200  # text, charts, colours
    # The header band (accent colour) is at the top.
    assert img.getpixel((640, 20)) == (31, 78, 121)


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None,
    reason="chromium or pdftotext (poppler-utils) is not installed",
)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_prints_on_a4_one_page_per_heap_sheet(default_run, tmp_path, lang, chromium):
    """Chromium's print to PDF of a default run's report: A4 pages, and every heap sheet on
    exactly one page. (Chromium shrinks the whole document when anything is wider than the
    page, which hid sheets of 1.3 pages until the ranking table was given a fixed layout.)"""
    run = default_run
    report = write_report(run, tmp_path / "report.html", lang=lang)
    pdf = tmp_path / "report.pdf"
    p = chromium(
        [
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=10000",
            report.resolve().as_uri(),
        ],
        tmp_path / "prof",
    )
    assert p.returncode == 0 and pdf.is_file(), p.stderr[-2000:]
    raw = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert boxes and all(
        abs(float(w) - 595) < 1.5 and abs(float(h) - 842) < 1.5 for w, h in boxes
    ), boxes[:3]  # A4 = 595 x 842 pt
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    pages = text.split("\f")
    res = pd.read_csv(run / "results.csv")
    n = len(res)
    heading = lbl("sheets", lang)
    first = next(k for k, pg in enumerate(pages) if pg.strip().startswith(f"5 {heading}"))
    last = first + n - 1
    # Each page of the sheet range starts with its sheet's title ("<rank>. <name>", or the name
    # of an unranked heap) in rank order: no sheet runs over onto a second page.
    names = [str(x)[:25] for x in rank_order(res)["name"]]
    for k, name in zip(range(first, last + 1), names, strict=True):
        head = [h.strip() for h in pages[k].strip().split("\n") if h.strip()][:2]
        assert any(re.sub(r"^\d+\. ", "", h).startswith(name) for h in head), (k, name, head)
    after = pages[last + 1].strip().split("\n")[0]
    assert after.startswith("6 "), after  # the assumptions section follows the last sheet
