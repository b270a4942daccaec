"""A real headless browser for page tests (Debian's chromium + chromedriver, driven by selenium).

Also a script: ``python tests/batch/browser.py DIR/index.html docs/img/gallery.png [1280x900]``
takes a screenshot of a gallery (for the README).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run")


def browser_missing() -> str | None:
    """Why no headless browser can run here (None when chromium, chromedriver and selenium are there)."""
    exe, driver = _chromium(), shutil.which("chromedriver")
    if not exe or not driver:
        return ("chromium or chromedriver is not installed (.ci/apt-packages.txt installs chromium and "
                "chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@contextmanager
def chrome(size: tuple[int, int] = (1280, 900)) -> Iterator:
    """A headless Chrome WebDriver (fresh profile, console logs kept), quit and cleaned up after."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    reason = browser_missing()
    if reason:
        raise RuntimeError(reason)
    profile = tempfile.mkdtemp(prefix="d4d-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = _chromium()
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def wait_for_images(driver, timeout: float = 10.0) -> None:
    """Wait until every <img> in the window has finished loading or failed (lazy ones below wait)."""
    from selenium.webdriver.support.ui import WebDriverWait

    script = ("return Array.from(document.images).filter(i => i.getBoundingClientRect().top < innerHeight)"
              ".every(i => i.complete)")
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


def load_all_images(driver, timeout: float = 20.0) -> None:
    """Scroll each lazy <img> into view in turn and wait until it has loaded (or failed)."""
    driver.set_script_timeout(timeout)
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          for (const img of Array.from(document.images)) {
            img.scrollIntoView();
            if (img.complete && img.naturalWidth) continue;
            await new Promise(res => {                // loaded, or broken (then the page swaps it out)
              img.addEventListener("load", res, {once: true});
              img.addEventListener("error", res, {once: true});
            });
          }
          window.scrollTo(0, 0);
        })().then(done);""")


def gallery_screenshot(html: str | Path, png: str | Path, size: tuple[int, int] = (1280, 900)) -> Path:
    """Open the page ``html`` from disk in headless Chrome at ``size`` (width, height) and save a PNG."""
    html, png = Path(html).resolve(), Path(png)
    if not html.is_file():
        raise FileNotFoundError(f"{html} does not exist; write the gallery first (d4d batch ... --out DIR)")
    with chrome(size) as driver:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",   # the viewport exactly, not the window
                               {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
        driver.get(html.as_uri())
        wait_for_images(driver)
        png.parent.mkdir(parents=True, exist_ok=True)
        if not driver.save_screenshot(str(png)):
            raise RuntimeError(f"Chrome could not save the screenshot {png}")
    return png


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python tests/batch/browser.py PAGE.html OUT.png [WIDTHxHEIGHT]")
    w, h = (int(x) for x in (sys.argv[3] if len(sys.argv) == 4 else "1280x900").split("x"))
    try:
        print(gallery_screenshot(sys.argv[1], sys.argv[2], (w, h)))
    except (OSError, RuntimeError) as exc:
        sys.exit(f"error: {exc}")
