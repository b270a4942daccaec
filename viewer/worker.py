"""Background rebuilds: design + meshes + checks off the UI thread; stale results are dropped."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from ._qt import QtCore


@dataclass
class Scene:
    """Everything the window shows for one parameter set (computed off the UI thread)."""

    generation: int
    design: Any = None
    meshes: dict = field(default_factory=dict)
    report: Any = None
    sheets: list = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


def compute_scene(model_cls, values: dict, generation: int, *, with_sheets: bool = True) -> Scene:
    """Build, mesh and check one parameter set; never raises (errors become ``Scene.error``)."""
    from parametric.checks import run_checks
    from parametric.errors import D4DError
    from parametric.mesh import design_meshes

    start = time.perf_counter()
    scene = Scene(generation)
    try:
        design = model_cls.design(model_cls.params(values))
        scene.design = design
        scene.meshes = design_meshes(design)
        scene.report = run_checks(design, meshes=scene.meshes)
        if with_sheets:
            from fabrication.layout import row_layout

            scene.sheets = row_layout(list(design.parts), 2440, 1220)
    except D4DError as exc:
        scene.error = str(exc)
    except Exception as exc:  # the window must never die on a bad edit
        scene.error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    scene.seconds = time.perf_counter() - start
    return scene


class _Signals(QtCore.QObject):
    done = QtCore.Signal(object)


class _Job(QtCore.QRunnable):
    def __init__(self, model_cls, values, generation, signals):
        super().__init__()
        self.args = (model_cls, values, generation)
        self.signals = signals

    def run(self) -> None:
        self.signals.done.emit(compute_scene(*self.args))


class Rebuilder(QtCore.QObject):
    """Runs rebuilds on a thread pool; only the newest generation's result is delivered."""

    ready = QtCore.Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.generation = 0
        self.signals = _Signals()
        self.signals.done.connect(self._deliver)

    def request(self, model_cls, values: dict) -> int:
        """Queue a rebuild; older queued ones are cancelled, older running ones ignored."""
        self.generation += 1
        self.pool.clear()
        self.pool.start(_Job(model_cls, dict(values), self.generation, self.signals))
        return self.generation

    def _deliver(self, scene: Scene) -> None:
        if scene.generation == self.generation:
            self.ready.emit(scene)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (tests)."""
        return self.pool.waitForDone(timeout_ms)
