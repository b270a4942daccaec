"""The seated figure in batch runs: the ergonomics margin in results.csv and the gallery (sortable), and
thumbnails that seat a figure behind the product when the sweep asks (``options: {figure: ...}``)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from batch.browser import browser_missing, chrome
from matplotlib.image import imread

from d4d_cad.batch import parse_sweep, run_batch
from parametric.errors import ParamsFileError

#: stools of three heights for the kitchen preset's figures, man-p50 and man-p95 (ANSUR II popliteal height
#: 430 and 471 mm, + 25 mm shoes), wider than man-p95's hips (431 mm); report and thumbnail only (no
#: machine: fast)
STOOLS = """
model: stool
params: {seat_width: 440}
grid: {height: [400, 455, 470]}
outputs: [report, thumbnail]
options: {figure: %s}
"""


def ergo_margins(check: dict) -> list[float]:
    return [f["margin"] for f in check["findings"] if f["code"].startswith("ERGO-") and f["unit"] == "mm"
            and f["margin"] is not None]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same sweep with and without the figure on the thumbnails: {figure option: (folder, rows)}."""
    out = {}
    for option in ("false", "true"):
        folder = tmp_path_factory.mktemp(f"figure-{option}")
        out[option] = folder, run_batch(parse_sweep(STOOLS % option), folder, workers=0).rows
    return out


def test_results_have_the_worst_ergonomics_margin_over_the_intended_figures(runs):
    folder, rows = runs["false"]
    assert [r["status"] for r in rows] == ["ok", "ok", "ok"]
    by_height = {r["param.height"]: r for r in rows}
    for row in rows:
        check = json.loads((folder / row["folder"] / "check.json").read_text())
        assert row["margin.ergonomics"] == pytest.approx(min(ergo_margins(check)), abs=1e-3)
    # hand: at 455 mm the median man's feet just reach the floor (430 + 25): margin 0 ...
    assert by_height[455]["margin.ergonomics"] == pytest.approx(0.0, abs=1e-3)
    # ... at 470 mm they do not: the seat is a perch for him, 15 mm too high (ERGO-PERCH)
    assert by_height[470]["margin.ergonomics"] == pytest.approx(-15.0, abs=1e-3)
    with open(folder / "results.csv") as fh:
        table = list(csv.DictReader(fh))
    assert [float(r["margin.ergonomics"]) for r in table] == [r["margin.ergonomics"] for r in rows]
    columns = list(table[0])
    assert columns.index("margin.strength") + 1 == columns.index("margin.ergonomics")


def test_a_product_nobody_sits_at_has_no_ergonomics_margin(tmp_path):
    rows = run_batch(parse_sweep("model: box\noutputs: [report]\n"), tmp_path, workers=0).rows
    assert rows[0]["status"] == "ok" and rows[0]["margin.ergonomics"] is None
    assert rows[0]["margin.stability"] is not None


def test_thumbnails_seat_the_figure_when_asked_and_the_product_stays_in_sight(runs):
    (plain_dir, plain), (seated_dir, seated) = runs["false"], runs["true"]
    assert [r["margin.ergonomics"] for r in plain] == [r["margin.ergonomics"] for r in seated]
    for a, b in zip(plain, seated):
        img_a = (imread(plain_dir / a["thumbnail"])[..., :3] * 255).astype(int)
        img_b = (imread(seated_dir / b["thumbnail"])[..., :3] * 255).astype(int)
        assert img_a.shape == img_b.shape == (240, 320, 3)
        wood = [int(((i[..., 0] - i[..., 2]) > 30).sum()) for i in (img_a, img_b)]
        bluish = [int(((i[..., 2] - i[..., 0]) > 20).sum()) for i in (img_a, img_b)]
        assert bluish[0] == 0 and bluish[1] > 3000  # the figure is there
        # the stool is still there, smaller (the camera frames the figure too: measured about 1/6 of the
        # pixels, 2.5 times smaller across), every pixel of it drawn over the figure
        assert wood[1] > 0.1 * wood[0] and wood[1] > 2000
    perch = next(b for b in seated if b["param.height"] == 470)  # only man-p95 sits on it: he is drawn
    assert perch["thumbnail"]


def test_the_figure_option_is_checked_up_front():
    assert parse_sweep(STOOLS % "man-p95").options["figure"] == "man-p95"
    assert parse_sweep("model: stool\noutputs: [report]\n").options["figure"] is False
    with pytest.raises(ParamsFileError, match="write true, false or a figure: woman-p5"):
        parse_sweep(STOOLS % "giant")


def test_the_gallery_sorts_by_the_ergonomics_margin(runs):
    if browser_missing():
        pytest.skip(browser_missing())
    from selenium.webdriver.support.ui import Select

    folder, rows = runs["true"]
    with chrome() as driver:
        driver.get((folder / "index.html").as_uri())
        Select(driver.find_element("id", "sort")).select_by_value("margin.ergonomics")
        order = driver.execute_script("return Array.from(document.querySelectorAll('.card')).map(c => c.dataset.variant)")
        text = driver.find_element("css selector", ".card").text
    expected = [r["variant"] for r in sorted(rows, key=lambda r: r["margin.ergonomics"])]
    assert order == expected and np.diff([r["margin.ergonomics"] for r in rows]).any()
    assert "ergonomics" in text and "-15.0" in text  # the worst first: the 470 mm perch
