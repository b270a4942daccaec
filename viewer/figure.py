"""The seated figure in the viewer: a toggle, a figure chooser and "leaning back", drawn in the 3D view and
the profile editor; and the stability cases the load-case chooser lists (the figure's included)."""

from __future__ import annotations

from ._qt import QtWidgets

COLOUR = "#6f8fb8"
#: the most figures drawn at once (a bench seats one per place)
MAX_SHOWN = 8


def stability_cases(design) -> list:
    """The design's stability cases, then the seated figure's (for the figures the checks used)."""
    from parametric.checks.ergonomics import resolve_figures
    from parametric.loads import figure_cases

    cases = [c for c in design.load_cases if c.kind == "stability"]
    if design.seat is not None:
        cases += figure_cases(design.seat, resolve_figures(design))
    return cases


class FigureControls(QtWidgets.QWidget):
    """"Show seated figure", the figure's name and "leaning back"; ``draw(window, scene)`` shows it."""

    def __init__(self, on_change, parent=None):
        super().__init__(parent)
        from parametric.figure import FIGURES

        self.show = QtWidgets.QCheckBox("Show seated figure")
        self.show.setToolTip("A seated figure on the product's seat (3D and profile), for seating products")
        self.figure = QtWidgets.QComboBox()
        self.figure.addItems(list(FIGURES))
        self.figure.setCurrentText("man-p50")
        self.lean = QtWidgets.QCheckBox("leaning back")
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.show)
        row.addWidget(self.figure, 1)
        row.addWidget(self.lean)
        self.show.toggled.connect(lambda *_: on_change())
        self.lean.toggled.connect(lambda *_: on_change())
        self.figure.currentTextChanged.connect(lambda *_: on_change())

    def poses(self, design) -> list:
        """The chosen figure seated on the design's seat (one per place), or [] (no seat, or hidden)."""
        from parametric.figure import poses

        seat = design.seat
        if not self.show.isChecked() or seat is None:
            return []
        posture = "lean_back" if self.lean.isChecked() and seat.back_top is not None else "upright"
        return poses(seat, self.figure.currentText(), posture)

    def draw(self, plotter, profile_editor, design) -> None:
        """Draw the chosen figure in ``plotter`` (actors ``figure-<k>``) and ``profile_editor``, or remove it."""
        import pyvista as pv

        from parametric.figure import figure_mesh

        placed = self.poses(design)
        for k in range(MAX_SHOWN):
            plotter.remove_actor(f"figure-{k}", render=False)
        for k, one in enumerate(placed[:MAX_SHOWN]):
            plotter.add_mesh(pv.wrap(figure_mesh(one)), color=COLOUR, opacity=0.85, smooth_shading=True,
                             name=f"figure-{k}")
        profile_editor.show_figure([(s.p0, s.p1, s.radius) for s in placed[0].segments] if placed else [])
