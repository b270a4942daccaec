"""Take the README's picture of the viewer with a seated figure in the slice chair (docs/img/viewer-figure.png).

Needs a display: ``xvfb-run -a -s "-screen 0 1400x900x24" python docs/make_viewer_figure.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(out: Path = ROOT / "docs" / "img" / "viewer-figure.png") -> Path:
    """Open the window on the dining slice chair, seat the median man, and save a grab of the window."""
    from PySide6 import QtWidgets

    from viewer.app import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    win = MainWindow("slice_chair", preset="dining")
    win.show()
    end = time.monotonic() + 120
    while win.scene is None and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.05)
    win.show_figure.setChecked(True)
    win.figure.setCurrentText("man-p50")
    win.plotter.view_vector((1.0, -0.9, 0.45), viewup=(0, 0, 1))
    win.plotter.reset_camera()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.05)
    if not win.grab().save(str(out)):
        raise RuntimeError(f"could not save {out}")
    win.plotter.close()
    win.close()
    return out


if __name__ == "__main__":
    print(main())
