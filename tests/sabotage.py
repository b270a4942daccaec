"""A stool that misbehaves on request, for batch tests: ``fate`` = ok | raise | kill | hang.

``kill`` ends its own worker process with SIGKILL in the middle of the variant (as the OOM killer
would), ``hang`` never finishes, ``raise`` raises a plain exception (a bug in a model).
"""

from __future__ import annotations

import os
import signal
import threading

from models.stool import Stool
from parametric.params import Choice
from parametric.registry import available_models


class Saboteur(Stool):
    """A stool with a fate."""

    name = "saboteur"
    title = "Saboteur stool"
    fate = Choice("ok", ["ok", "raise", "kill", "hang"], help="What goes wrong while building")

    def build(self, p) -> None:
        if p.fate == "raise":
            raise RuntimeError("the saboteur raised on purpose")
        if p.fate == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if p.fate == "hang":
            threading.Event().wait()
        super().build(p)


def register() -> None:
    """Make ``saboteur`` known to this process's registry (workers get the class by reference)."""
    available_models()["saboteur"] = Saboteur


def unregister() -> None:
    """Forget ``saboteur`` again."""
    available_models().pop("saboteur", None)


def misbehave(action: str, marker: str = "") -> str:
    """A pool task: ``ok`` returns, ``kill`` SIGKILLs its worker, ``kill_once`` only while ``marker``
    does not exist yet (it creates it first), ``hang`` never returns."""
    from pathlib import Path

    if action == "kill" or (action == "kill_once" and not Path(marker).exists()):
        if marker:
            Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "hang":
        threading.Event().wait()
    return f"{action} done in {os.getpid()}"
