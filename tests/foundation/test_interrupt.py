"""Ctrl-C at any point: the command exits 130 and leaves its outputs as they were (no partial zip, no
staging folder, no half-replaced folder). Signals are sent when the command is seen writing (its
scratch file exists), not after a delay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _interrupt_when(args: list[str], ready) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "d4d_cad.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while proc.poll() is None and not ready():
        pass
    if proc.poll() is not None:
        pytest.skip("the command finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


def test_ctrl_c_while_the_bundle_is_written(tmp_path):
    out = tmp_path / "bundles"
    out.mkdir()
    code, err = _interrupt_when(["export", "stool", "--machine", "cnc-router-6mm", "--out", f"{out}/"],
                                lambda: any(p.suffix == ".part" for p in out.iterdir()))
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_ctrl_c_while_a_build_replaces_a_folder(tmp_path):
    out = tmp_path / "stool"
    args = ["build", "stool", "--no-solids", "--layout", "rows", "--out", str(out)]
    subprocess.run([sys.executable, "-m", "d4d_cad.cli", *args], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, err = _interrupt_when([*args[:-2], "--set", "legs=3", "--out", str(out)],
                                lambda: any(p.name.startswith(".stool.d4d-") for p in tmp_path.iterdir()))
    assert code == 130, err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["stool"]


def test_ctrl_c_while_a_staging_folder_is_made_never_loses_track_of_it(tmp_path, monkeypatch):
    """SIGINT sent to the process while the main thread makes a staging folder: the kernel hands it to
    another thread, Python runs its handler in the main thread at once; the folder must already be
    tracked when the KeyboardInterrupt comes, so the clean-up finds it."""
    import threading
    import time

    from parametric import scratch

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # a thread that does not hold SIGINT back
    other.start()
    real = scratch.tempfile.mkdtemp

    def mkdtemp_then_ctrl_c(*args, **kwargs):
        path = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler has run by now if nothing holds it back
        return path

    monkeypatch.setattr(scratch.tempfile, "mkdtemp", mkdtemp_then_ctrl_c)
    # Python's own Ctrl-C handler, whatever an earlier test in this process left installed (once in a full
    # CI run the interrupt never came: a handler set outside Python, or ignored, would explain it)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            scratch.scratch_dir(".out.d4d-", tmp_path)
    finally:
        stop.set()
        signal.signal(signal.SIGINT, before if before is not None else signal.default_int_handler)
    made = list(tmp_path.iterdir())
    assert len(made) == 1 and str(made[0]) in scratch._paths  # tracked before the interrupt was delivered
    scratch.remove_all()
    assert list(tmp_path.iterdir()) == []
