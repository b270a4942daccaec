"""Helpers shared by the viewer's window tests (``tests/viewer/``)."""

from __future__ import annotations

import time


def wait_for(app, condition, timeout=60.0):
    """Process Qt events until ``condition()`` holds (or fail after ``timeout`` seconds: a guard against a
    hung viewer, not a speed test)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the viewer")


def open_window(qapp, model: str):
    """The real main window on ``model``, shown, once its first scene is built (close it with
    :func:`close_window`)."""
    from viewer.app import MainWindow

    win = MainWindow(model)
    win.show()
    wait_for(qapp, lambda: win.scene is not None)
    return win


def close_window(win) -> None:
    """Close a window from :func:`open_window` and its plotter."""
    win.plotter.close()
    win.close()
