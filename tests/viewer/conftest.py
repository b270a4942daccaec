"""A real X display for the viewer tests: the fixture starts Xvfb itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest


@pytest.fixture(scope="session")
def display():
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (.ci/apt-packages.txt installs it)")
    pytest.importorskip("PySide6")
    pytest.importorskip("pyvistaqt")
    for number in range(90, 110):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(f"/tmp/.X{number}-lock"):
            break
    # Xvfb lives until this test process exits (Qt keeps its connection until then): the kernel
    # stops it when its parent dies, so no display is left behind.
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    time.sleep(1.0)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{number}"
    os.environ.pop("QT_QPA_PLATFORM", None)
    assert proc.poll() is None, "Xvfb did not start"
    yield f":{number}"
    if old is not None:
        os.environ["DISPLAY"] = old


def _die_with_parent() -> None:
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@pytest.fixture(scope="session")
def qapp(display):
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    yield app
