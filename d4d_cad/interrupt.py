"""Ctrl-C that always works: the command stops within a couple of seconds and exits 130, leaving its
outputs as they were.

Python turns SIGINT into ``KeyboardInterrupt`` only between bytecodes, so a command inside a long
native call (an OCC boolean, a STEP writer, a numba kernel, a VTK render) would not hear it until
that call returns. :func:`install` keeps Python's behaviour (the staged outputs clean themselves up
as the exception unwinds) and adds a watchdog thread, woken by the signal through
``signal.set_wakeup_fd``: if the main thread has not started handling the interrupt within
:data:`GRACE_S`, it removes the scratch paths of :mod:`parametric.scratch` and ends the process
with status 130.
"""

from __future__ import annotations

import os
import signal
import threading
import time

from parametric import scratch

#: seconds the main thread gets to start handling Ctrl-C before the watchdog ends the process
GRACE_S = 2.0
_counts = {"signals": 0, "handled": 0}


def _importing(frame) -> bool:
    """Whether the main thread is inside an ``import`` (a native module's initialisation turns a
    KeyboardInterrupt into ``ImportError: initialization failed`` and may leave the library broken)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _stop() -> None:
    scratch.remove_all()
    os.write(2, b"\ninterrupted: stopped; nothing half-written was left behind\n")
    os._exit(130)


def _handler(signum, frame) -> None:
    _counts["handled"] += 1
    if _importing(frame):
        _stop()  # nothing is written during an import: stop at once rather than break the library
    raise KeyboardInterrupt


def caused_by_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was raised because of, a KeyboardInterrupt."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _watch(fd: int, grace: float) -> None:
    while True:
        try:
            data = os.read(fd, 64)
        except OSError:
            return
        if not data:
            return
        _counts["signals"] += data.count(signal.SIGINT)
        deadline = time.monotonic() + grace
        while _counts["handled"] < _counts["signals"] and time.monotonic() < deadline:
            time.sleep(0.02)
        if _counts["handled"] < _counts["signals"]:
            _stop()


def install(grace: float = GRACE_S) -> bool:
    """Install the SIGINT handler and its watchdog (main thread only; returns whether it did)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    read, write = os.pipe()
    os.set_blocking(write, False)
    signal.signal(signal.SIGINT, _handler)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    threading.Thread(target=_watch, args=(read, grace), daemon=True, name="d4d-interrupt").start()
    return True
