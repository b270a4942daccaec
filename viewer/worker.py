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
            scene.sheets = nest_sheets(design)
    except D4DError as exc:
        scene.error = str(exc)
    except Exception as exc:  # the window must never die on a bad edit
        scene.error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    scene.seconds = time.perf_counter() - start
    return scene


def nest_sheets(design, *, time_limit: float = 0.5) -> list:
    """The design nested on 2440 x 1220 sheets with a short search (the sheets tab)."""
    from fabrication.layout import nest_layout

    return nest_layout(list(design.parts), 2440, 1220, time_limit=time_limit, max_rounds=15)


class _Signals(QtCore.QObject):
    done = QtCore.Signal(object)
    sheets = QtCore.Signal(int, object)


class _Job(QtCore.QRunnable):
    """Scene first (3D and checks), then the nested sheets unless a newer edit is waiting."""

    def __init__(self, rebuilder, model_cls, values, generation):
        super().__init__()
        self.rebuilder, self.args = rebuilder, (model_cls, values, generation)

    def run(self) -> None:
        scene = compute_scene(*self.args, with_sheets=False)
        self.rebuilder.signals.done.emit(scene)
        if scene.design is not None and scene.generation == self.rebuilder.generation:
            try:
                self.rebuilder.signals.sheets.emit(scene.generation, nest_sheets(scene.design))
            except Exception as exc:  # noqa: BLE001 - a layout problem must not kill the worker
                self.rebuilder.signals.sheets.emit(scene.generation, exc)


class Rebuilder(QtCore.QObject):
    """Runs rebuilds on a thread pool; only the newest generation's result is delivered."""

    ready = QtCore.Signal(object)
    sheets_ready = QtCore.Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.generation = 0
        self.signals = _Signals()
        self.signals.done.connect(self._deliver)
        self.signals.sheets.connect(lambda gen, sheets: gen == self.generation and self.sheets_ready.emit(sheets))

    def request(self, model_cls, values: dict) -> int:
        """Queue a rebuild; older queued ones are cancelled, older running ones ignored."""
        self.generation += 1
        self.pool.clear()
        self.pool.start(_Job(self, model_cls, dict(values), self.generation))
        return self.generation

    def _deliver(self, scene: Scene) -> None:
        if scene.generation == self.generation:
            self.ready.emit(scene)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (tests)."""
        return self.pool.waitForDone(timeout_ms)
