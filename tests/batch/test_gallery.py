"""The batch gallery page: its content (escaping, missing pictures, empty and huge sweeps) and its
behaviour in a real headless Chrome (no console error, one card per variant, filter, sort, links)."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import numpy as np
import pytest
from batch.browser import browser_missing, chrome, gallery_screenshot, load_all_images, wait_for_images
from batch.rows import HOSTILE_MESSAGE, HOSTILE_PARAM, THUMB, sample_rows

from d4d_cad.gallery import GalleryError, render_gallery, write_gallery
from parametric.errors import D4DError, OutputError

DATA = re.compile(r'<script type="application/json" id="d4d-data">(.*?)</script>', re.DOTALL)


def embedded(page: str) -> dict:
    """The JSON table in the page, read strictly (NaN or Infinity would fail JSON.parse in the browser)."""
    (text,) = DATA.findall(page)
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c} in the page"))
    data["objects"] = [dict(zip(data["columns"], r)) for r in data["rows"]]
    return data


# ---- the page's content ------------------------------------------------------------------------

def test_rows_round_trip_and_the_page_needs_no_network(tmp_path):
    rows = sample_rows(n=20)
    write_gallery(rows, tmp_path / "index.html", title="chairs")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    data = embedded(page)
    assert [r["variant"] for r in data["objects"]] == [r["variant"] for r in rows]
    assert data["params"] == ["width", "seat_height", "note"]
    for got, row in zip(data["objects"], rows):
        for key in ("status", "codes", "message", "param.width", "param.note", "sheets", "margin.stability"):
            assert got[key] == (None if row[key] == "" and key not in ("codes", "message") else row[key])
        assert got["cost"] == (row["cost"] if row["cost"] != "" else None)
    assert data["summary"] == {"total": 20, "ok": 10, "failed": 4, "refused": 2, "error": 2, "timeout": 2}
    assert data["statuses"] == ["ok", "failed", "refused", "error", "timeout"]
    assert not re.search(r"(src|href)=\"(https?:)?//", page) and "@import" not in page and "url(http" not in page
    assert list(tmp_path.iterdir()) == [tmp_path / "index.html"]  # the temp file was renamed, not left


def test_the_policy_allows_exactly_the_page_s_own_script_and_style():
    page = render_gallery(sample_rows(n=2), title="t")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)

    def digest(text):
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert "default-src 'none'" in csp
    assert f"script-src '{digest(re.search(r'<script>(.*?)</script>', page, re.DOTALL).group(1))}'" in csp
    assert f"style-src '{digest(re.search(r'<style>(.*?)</style>', page, re.DOTALL).group(1))}'" in csp


def test_hostile_values_stay_text():
    rows = sample_rows(n=10)
    rows[1]["variant"] = 'v1"><svg onload=alert(1)>'
    page = render_gallery(rows, title="<b>sweep</b> & co")
    assert page.count("<script") == 2  # the data block and the page's own script, nothing injected
    assert page.count("</script>") == 2
    for raw in (HOSTILE_MESSAGE, HOSTILE_PARAM, "<svg", "<b>sweep"):
        assert raw not in page
    assert "<title>&lt;b&gt;sweep&lt;/b&gt; &amp; co</title>" in page
    data = embedded(page)
    assert data["objects"][7]["message"].startswith(HOSTILE_MESSAGE)
    assert data["objects"][1]["variant"] == rows[1]["variant"] and data["objects"][0]["param.note"] == HOSTILE_PARAM


def test_missing_thumbnails_and_links_stay_empty_and_paths_are_encoded():
    rows = sample_rows(n=10)
    rows[0]["thumbnail"] = None
    objects = embedded(render_gallery(rows, title="t"))["objects"]
    assert objects[0]["thumbnail"] == "" and objects[4]["thumbnail"] == objects[4]["bundle"] == ""  # refused
    assert objects[3]["folder"] == quote(rows[3]["folder"]) and "%20%233" in objects[3]["folder"]


@pytest.mark.parametrize("link", ["/etc/passwd", "javascript:alert(1)", "https://example.com/x.png",
                                  "C:\\out\\thumb.png", "\\\\server\\share\\x.png"])
def test_links_must_be_relative_paths(link):
    rows = sample_rows(n=3)
    rows[2]["bundle"] = link
    with pytest.raises(GalleryError, match=r"row 2 .*bundle .*relative to the page's folder"):
        render_gallery(rows, title="t")


def test_bad_rows_are_refused_with_the_fix():
    rows = sample_rows(n=3)
    rows[1]["cost"] = "12 EUR"
    with pytest.raises(GalleryError, match="row 1 .*cost '12 EUR' is not a number; write a number or leave it empty"):
        render_gallery(rows, title="t")
    with pytest.raises(GalleryError, match="row 0 .*non-empty 'variant'"):
        render_gallery([{"status": "ok"}], title="t")
    with pytest.raises(GalleryError, match="summary values must be counts"):
        render_gallery(sample_rows(n=1), title="t", summary={"total": "1"})
    assert issubclass(GalleryError, D4DError) and issubclass(GalleryError, ValueError)


def test_numbers_as_text_and_non_finite_values():
    rows = sample_rows(n=2)
    rows[0].update({"cost": "12.5", "sheets": float("nan"), "margin.overlap": float("-inf"), "param.width": math.nan})
    rows[1].update({"sheets": np.int64(3), "cost": np.float32(7.5), "param.width": np.int32(420),
                    "thickness": "18 (measured 17.7)"})
    got, got1 = embedded(render_gallery(rows, title="t", summary={"total": np.int64(2)}))["objects"]
    assert got["cost"] == 12.5 and got["sheets"] is None and got["margin.overlap"] is None
    assert got["param.width"] is None
    assert (got1["sheets"], got1["cost"], got1["param.width"]) == (3, 7.5, 420)
    assert got1["thickness"] == "18 (measured 17.7)" and got["thickness"] == 6.0


def test_an_empty_sweep_gives_a_page(tmp_path):
    write_gallery([], tmp_path / "sub" / "index.html", title="nothing")
    data = embedded((tmp_path / "sub" / "index.html").read_text(encoding="utf-8"))
    assert data["rows"] == [] and data["summary"] == {"total": 0} and data["statuses"] == []


def test_thousands_of_rows_are_one_compact_table():
    rows = sample_rows(n=5000)
    page = render_gallery(rows, title="big", summary={"total": 5000})
    data = embedded(page)
    assert len(data["rows"]) == 5000 and data["objects"][4999]["variant"] == rows[4999]["variant"]
    assert page.count('"param.width"') == 1  # column names once, not once per row
    per_row = len(page.encode()) / 5000
    assert per_row < 1200, f"{per_row:.0f} bytes per row"  # ~0.6 KB of data (a long error message) each


def test_an_unwritable_place_is_an_output_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write the gallery"):
        write_gallery(sample_rows(n=1), tmp_path / "file" / "index.html", title="t")


# ---- in a real browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def driver():
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    with chrome() as d:
        yield d


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """A 20-variant gallery with real thumbnails, bundles and folders: (page path, rows)."""
    out = tmp_path_factory.mktemp("gallery")
    rows = sample_rows(out, n=20)
    write_gallery(rows, out / "index.html", title="slice_chair sweep")
    return out / "index.html", rows


def severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def cards(driver) -> list[dict]:
    """The cards on the page in display order, as their data attributes."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.card')).map(c => Object.assign({}, c.dataset))")


def choose(driver, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_value(value)


@pytest.fixture
def page(driver, gallery):
    """The gallery freshly loaded (console log emptied before the load)."""
    driver.get_log("browser")
    driver.get(gallery[0].as_uri())
    wait_for_images(driver)
    return gallery


def test_one_card_per_variant_and_no_console_error(driver, page):
    _, rows = page
    assert severe(driver) == []
    assert [c["variant"] for c in cards(driver)] == [r["variant"] for r in rows]
    assert driver.execute_script("return window.pwned") is None  # the hostile message did not run
    text = driver.find_element("css selector", ".card.st-error").get_attribute("textContent")
    assert "</script><script>window.pwned = 1</script>" in text
    assert HOSTILE_PARAM in driver.find_element("css selector", ".card .params").text
    load_all_images(driver)
    loaded = driver.execute_script("return Array.from(document.images).map(i => [i.alt, i.naturalWidth])")
    built = [r for r in rows if r["thumbnail"]]
    assert len(loaded) == len(built) and all(w == THUMB[1] for _, w in loaded)   # incl. the '#' folder
    placeholders = driver.find_elements("css selector", ".card .placeholder")
    assert len(placeholders) == len(rows) - len(built)
    assert all("no picture" in p.text for p in placeholders)


def test_filtering_by_status_and_text(driver, page):
    _, rows = page
    choose(driver, "status", "failed")
    shown = cards(driver)
    assert shown and {c["status"] for c in shown} == {"failed"}
    assert len(shown) == sum(r["status"] == "failed" for r in rows)
    assert "showing 4 of 4 matching variants (20 in all)" in driver.find_element("id", "shown").text
    driver.find_element("css selector", "#counts .st-refused").click()   # the header's counts filter too
    assert [c["status"] for c in cards(driver)] == ["refused", "refused"]
    assert all("not built" in c.text for c in driver.find_elements("css selector", ".card"))
    driver.find_element("css selector", "#counts .st-total").click()
    assert len(cards(driver)) == len(rows)
    driver.find_element("id", "search").send_keys("width=430")
    assert [c["index"] for c in cards(driver)] == ["3"]
    assert severe(driver) == []


def test_sorting_by_cost_orders_the_visible_cards(driver, page):
    _, rows = page
    choose(driver, "sort", "cost")
    costs = [c["cost"] for c in cards(driver)]
    priced = sorted(r["cost"] for r in rows if r["cost"] != "")
    assert costs == [f"{c:g}" for c in priced] + [""] * (len(rows) - len(priced))  # unpriced last
    driver.find_element("id", "desc").click()
    assert [c["cost"] for c in cards(driver)] == [f"{c:g}" for c in priced[::-1]] + [""] * (len(rows) - len(priced))
    choose(driver, "status", "ok")
    ok = [float(c["cost"]) for c in cards(driver)]
    assert ok == sorted((r["cost"] for r in rows if r["status"] == "ok"), reverse=True)


def test_the_view_is_kept_in_the_address(driver, gallery):
    path, rows = gallery
    driver.get(path.as_uri() + "#status=ok&sort=cost&desc=1")
    ok = sorted((r["cost"] for r in rows if r["status"] == "ok"), reverse=True)
    assert [float(c["cost"]) for c in cards(driver)] == ok
    choose(driver, "status", "failed")
    assert urlparse(driver.current_url).fragment == "status=failed&sort=cost&desc=1"
    driver.get(path.as_uri() + "#status=<img src=x>&sort=nonsense")   # unknown values: the default view
    assert len(cards(driver)) == len(rows) and driver.find_element("id", "sort").get_attribute("value") == "index"
    assert severe(driver) == []


def test_a_missing_picture_becomes_a_placeholder(driver, gallery, tmp_path):
    _, rows = gallery
    rows = [dict(rows[0], thumbnail="variants/gone/thumbnail.png")]
    write_gallery(rows, tmp_path / "index.html", title="t")
    driver.get_log("browser")
    driver.get((tmp_path / "index.html").as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.find_elements("css selector", ".card .placeholder"))
    assert "picture not found" in driver.find_element("css selector", ".card .placeholder").text
    assert driver.find_elements("css selector", ".card img") == []
    messages = [e["message"] for e in severe(driver)]   # the browser reports the missing file, nothing else
    assert messages and all("variants/gone/thumbnail.png" in m for m in messages)


def test_links_point_at_the_variant_files(driver, page):
    path, rows = page
    by_id = {r["variant"]: r for r in rows}
    links = driver.execute_script("""return Array.from(document.querySelectorAll('.card')).map(c => [
        c.dataset.variant, ...['a.bundle', 'a.folder', 'img'].map(s => {
          const e = c.querySelector(s); return e ? [e.getAttribute(s === 'img' ? 'src' : 'href'),
                                                     s === 'img' ? e.src : e.href] : null; })])""")
    assert len(links) == len(rows)
    for variant, *found in links:
        for key, got in zip(("bundle", "folder", "thumbnail"), found):
            want = by_id[variant][key]
            if not want:
                assert got is None
                continue
            attribute, resolved = got
            assert attribute == quote(want)
            target = Path(unquote(urlparse(resolved).path))
            assert target == (path.parent / want).resolve() and target.exists()


def test_thousands_of_rows_render_one_page_at_a_time(driver, tmp_path):
    rows = sample_rows(n=600)
    for r in rows:
        r["thumbnail"] = ""
    write_gallery(rows, tmp_path / "index.html", title="big")
    driver.get_log("browser")
    driver.get((tmp_path / "index.html").as_uri())
    assert len(cards(driver)) == 240
    driver.find_element("id", "more").click()
    driver.find_element("id", "more").click()
    assert [int(c["index"]) for c in cards(driver)] == list(range(600))
    assert not driver.find_element("id", "more").is_displayed()
    assert severe(driver) == []


def test_an_empty_gallery_says_so(driver, tmp_path):
    write_gallery([], tmp_path / "index.html", title="nothing")
    driver.get_log("browser")
    driver.get((tmp_path / "index.html").as_uri())
    assert cards(driver) == [] and driver.find_element("css selector", "#grid .empty").text == "no variants"
    assert severe(driver) == []


def test_screenshot_of_the_page(gallery, tmp_path):
    if browser_missing():
        pytest.skip(browser_missing())
    from matplotlib.image import imread

    png = gallery_screenshot(gallery[0], tmp_path / "shot.png", (1000, 700))
    image = imread(png)
    assert image.shape[:2] == (700, 1000)
    assert image[..., :3].std() > 0.05  # something was drawn, not a blank page


def test_the_gallery_of_a_real_batch_run(driver, tmp_path):
    """``d4d batch``'s own output, not made-up rows: thumbnails render, the refused variant says why."""
    from d4d_cad.batch import parse_sweep, run_batch

    sweep = parse_sweep("model: stool\ngrid: {height: [450, 500, 800]}\noutputs: [report, thumbnail]\n")
    result = run_batch(sweep, tmp_path, workers=2)
    assert [r["status"] for r in result.rows] == ["ok", "ok", "refused"]
    driver.get_log("browser")
    driver.get((tmp_path / "index.html").as_uri())
    wait_for_images(driver)
    assert severe(driver) == []
    assert [c["status"] for c in cards(driver)] == ["ok", "ok", "refused"]
    widths = driver.execute_script("return Array.from(document.images).map(i => i.naturalWidth)")
    assert len(widths) == 2 and all(w > 0 for w in widths)
    choose(driver, "status", "refused")
    assert [c["status"] for c in cards(driver)] == ["refused"]
    assert "800" in driver.find_element("css selector", ".card").text
