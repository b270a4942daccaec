"""PDF: every sheet at 1:1 (page = sheet size) and an assembly guide with a picture per step.

Steps come from the design: parts are grouped by role, roles ordered so that the parts others
slide onto come first (from the joints; ties keep the order the model created them: for a slice
chair, ribs, then slats), each step showing the product so far with the new parts highlighted
and the direction the new parts slide in along their cross-laps. Pictures come from
:func:`parametric.render.render_images` (off-screen pyvista, one plotter for every step).

A seating product's guide also has a "Who it fits" page: each figure it is for
(:mod:`parametric.figure`) seated on it, drawn without hiding any part, from the side, with its
fit (the ergonomic findings' margins); a table's page names the figures it was checked for.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parametric.design import Design

from ..bom import Bom
from ..layout import SheetLayout
from ..toolpath import CutPart
from .sheetwalk import Operation, draw_sheet, flatten

MM_PER_INCH = 25.4
A4_LANDSCAPE = (297 / MM_PER_INCH, 210 / MM_PER_INCH)
#: characters per line of a step's text on an A4 landscape page at 11 pt (wrapped here: matplotlib's
#: own wrapping measures the text word by word)
STEP_TEXT_CHARS = 110
#: drawing colours by operation (cut red, tabs green, engrave blue, notes grey: the DXF layer colours)
COLOURS = {"inside": "red", "outside": "red", "tab": "green", "engrave": "blue", "note": "0.5"}


@dataclass(frozen=True)
class Step:
    """One assembly step: the parts it adds (names, in order) and what to do with them."""

    number: int
    parts: tuple[str, ...]
    text: str


def _role_order(design: Design) -> list[str]:
    """Roles in build order: a role goes once every role it slides onto is placed (creation order otherwise)."""
    roles = list(dict.fromkeys(p.role for p in design.parts))
    role_of = {p.name: p.role for p in design.parts}
    onto = {r: {role_of[j.a] for j in design.joints if role_of[j.b] == r and role_of[j.a] != r} for r in roles}
    order: list[str] = []
    while len(order) < len(roles):
        ready = [r for r in roles if r not in order and onto[r] <= set(order)]
        order.append(ready[0] if ready else next(r for r in roles if r not in order))  # cycles: creation order
    return order


def assembly_steps(design: Design) -> list[Step]:
    """Steps in build order, one per part role; cross-laps give the slide direction, tabs and
    finger joints say which parts they mesh with."""
    steps, placed = [], set()
    for number, role in enumerate(_role_order(design), 1):
        names = [p.name for p in design.parts if p.role == role]
        what = f"the {role} parts ({_labels(design, names)})"
        joints = [j for j in design.joints if j.b in names and j.a in placed]
        laps = [j for j in joints if j.kind == "cross_lap"]
        if not placed:
            text = f"Lay out {what} as shown, spaced by the parts that join them."
        elif laps:
            where = _direction_words(np.mean([j.insert_b for j in laps], axis=0))
            text = f"Slide {what} onto the assembly, moving them {where}, slot over slot."
        elif joints:
            kinds = {j.kind for j in joints}
            onto = _labels(design, list(dict.fromkeys(j.a for j in joints)))
            if kinds == {"glue"}:
                text = f"Glue {what} to {onto}, face to face as shown, and let the glue set."
            else:
                how = "press their slots over the tabs of" if kinds == {"tab"} else "mesh their joints with"
                text = f"Fit {what}: {how} {onto}."
        elif set(names) <= set(design.removable):
            text = f"Make {what} separately: they lift off the rest."
        else:
            text = f"Fit {what} as shown."
        steps.append(Step(number, tuple(names), text))
        placed.update(names)
    return steps


def _labels(design: Design, names: list[str]) -> str:
    counts: dict[str, int] = {}
    for n in names:
        label = design.part(n).label or n
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(label if k == 1 else f"{label} x{k}" for label, k in counts.items())


def _direction_words(d: np.ndarray) -> str:
    axis = int(np.argmax(np.abs(d)))
    return [("right", "left"), ("backwards", "forwards"), ("up", "down")][axis][0 if d[axis] > 0 else 1]


def _fit_lines(design: Design, name: str) -> list[str]:
    """One figure's caption: who it is, then each seat fit finding's severity and margin."""
    from parametric.checks.ergonomics import seat_fit
    from parametric.figure import get_body

    body = get_body(name)
    lines = [name, f"{body.stature:.0f} mm, {body.mass:.0f} kg"]
    for f in seat_fit(design.seat, name):
        lines.append(f"{f.code.removeprefix('ERGO-').lower():<10} {f.severity:<7} {f.margin:+5.0f} mm")
    return lines


def fit_page(design: Design, render_size: tuple[int, int] = (900, 650)):
    """The "Who it fits" page (a matplotlib figure), or None for a product with no seat or worktop.

    A seat: each figure it is for seated on it (one picture per figure, all from one camera, so they
    compare at one scale), captioned with the seat fit margins; a seat checked for nobody (a perch) or a
    worktop: the figures it is for, in words.
    """
    import matplotlib.pyplot as plt

    from parametric.checks.ergonomics import resolve_figures
    from parametric.render import FIGURE_VIEW, render_images

    holder = design.seat or design.worktop
    if holder is None:
        return None
    names = resolve_figures(design)
    fig = plt.figure(figsize=A4_LANDSCAPE)
    fig.text(0.05, 0.92, "Who it fits", fontsize=18, weight="bold")
    children = [n for n in names if n.startswith("child")]
    sources = ", ".join(s for s, on in (("ANSUR II adults, +25 mm shoes", len(children) < len(names)),
                                         ("EN 1729-1 children by stature", children)) if on)
    if not names:
        why = (f"a perch for {', '.join(design.seat.perched)} (their feet do not reach the floor)"
               if design.seat is not None and design.seat.perched else "its sitters' feet rest on a rail or bar")
        text = f"Not checked for a seated figure: {why}."
    elif design.seat is None:
        text = f"Sized for {', '.join(names)} sitting at it ({sources}): room for their thighs under the top."
    else:
        text = (f"Checked for {', '.join(names)} ({sources}); a margin below 0 mm is a misfit. The figures are "
                "drawn pale and see-through: every part of the product shows.")
    fig.text(0.05, 0.86, textwrap.fill(text, STEP_TEXT_CHARS), fontsize=11, va="top")
    if names and design.seat is not None:
        cols = min(len(names), 4)
        rows = math.ceil(len(names) / cols)
        size = (max(render_size[0] // cols, 240), max(render_size[1] // cols, 180))
        shots = [(None, None, (name,)) for name in names]
        images = render_images(design, shots, view=FIGURE_VIEW, size=size, figure=names)
        w, h = 0.9 / cols, 0.78 / rows
        for k, (name, image) in enumerate(zip(names, images)):
            x, y = 0.05 + (k % cols) * w, 0.80 - (k // cols + 1) * h
            ax = fig.add_axes((x, y + 0.3 * h, w * 0.95, 0.68 * h))
            ax.imshow(image, interpolation="none")
            ax.set_axis_off()
            fig.text(x + 0.01, y + 0.28 * h, "\n".join(_fit_lines(design, name)), fontsize=7 if rows > 1 else 8,
                     family="monospace", va="top")
    return fig


class PdfSheetWriter:
    """Draws a sheet's operations on a matplotlib figure of the sheet's true size (a SheetWriter)."""

    def begin(self, sheet: SheetLayout) -> None:
        """A figure of the sheet's size in inches, axes filling it at 1 unit = 1 mm."""
        import matplotlib.pyplot as plt

        self.fig = plt.figure(figsize=(sheet.width / MM_PER_INCH, sheet.height / MM_PER_INCH))
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, sheet.width)
        self.ax.set_ylim(0, sheet.height)
        self.ax.set_axis_off()
        self.lines: dict[str, list[np.ndarray]] = {}

    def draw(self, op: Operation) -> None:
        """Collect the paths as thin lines in the operation's colour (note captions as text)."""
        for path in op.paths:
            pts = np.asarray(flatten(path, op.closed))
            self.lines.setdefault(op.kind, []).append(np.vstack([pts, pts[:1]]) if op.closed else pts)
        if op.kind == "note" and op.text:
            x0, y0 = np.min(np.asarray(op.paths[0])[:, :2], axis=0)
            for k, line in enumerate(reversed(op.text.splitlines())):
                self.ax.text(x0 + 3, y0 + 3 + 5 * k, line, fontsize=9, color="0.3")

    def finish(self):
        """The figure, with one line collection per operation kind."""
        from matplotlib.collections import LineCollection

        for kind, lines in self.lines.items():
            self.ax.add_collection(LineCollection(lines, colors=COLOURS[kind], linewidths=2.0 if kind == "tab" else 0.3,
                                                  linestyles="--" if kind == "note" else "-"))
        return self.fig


def write_pdf(path: str | Path, design: Design, sheets: list[SheetLayout], cut_parts: dict[str, CutPart],
              bom: Bom, *, machine_title: str = "", render_size: tuple[int, int] = (900, 650),
              operations: Sequence[Sequence[Operation]] | None = None) -> None:
    """Write the sheets at 1:1, a parts page and the assembly guide (one page per step) to one PDF.

    ``operations``: each sheet's operations (:func:`.sheetwalk.walk`), when already walked.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from parametric.render import render_images

    steps = assembly_steps(design)
    shots, shown = [], []
    for step in steps:
        shown += step.parts
        shots.append((list(shown), list(step.parts)))
    with PdfPages(str(path)) as pdf:
        for i, sheet in enumerate(sheets):
            fig = draw_sheet(sheet, PdfSheetWriter(), cut_parts, None if operations is None else operations[i])
            pdf.savefig(fig)
            plt.close(fig)
        fig = plt.figure(figsize=A4_LANDSCAPE)
        fig.text(0.05, 0.92, f"{design.title}  {design.hash}", fontsize=20, weight="bold")
        fig.text(0.05, 0.86, f"{bom.material}, measured thickness {design.params['thickness']:g} mm; "
                 f"{machine_title or bom.machine}. Print the sheet pages at 100 % and measure the "
                 "calibration square.", fontsize=10)
        rows = [f"{r.id:<3} {r.name:<8} x{r.quantity:<3} {r.size[0]:6.0f} x {r.size[1]:4.0f} mm  "
                f"labels {' '.join(r.labels)}" for r in bom.rows]
        fig.text(0.05, 0.80, "Parts\n" + "\n".join(rows), fontsize=9, family="monospace", va="top")
        fig.text(0.05, 0.08, f"{bom.sheets} sheet(s), cut length {bom.cut_length / 1000:.1f} m, about "
                 f"{bom.cut_seconds / 60:.0f} min of cutting, material {bom.material_cost:.2f}", fontsize=11)
        pdf.savefig(fig)
        plt.close(fig)
        fig = fit_page(design, render_size)
        if fig is not None:
            pdf.savefig(fig)
            plt.close(fig)
        # one plotter for every step's picture; embedded at their own resolution (no resampling)
        for step, image in zip(steps, render_images(design, shots, size=render_size)):
            fig = plt.figure(figsize=A4_LANDSCAPE)
            fig.text(0.05, 0.92, f"Step {step.number}", fontsize=18, weight="bold")
            fig.text(0.05, 0.86, textwrap.fill(step.text, STEP_TEXT_CHARS), fontsize=11, va="top")
            ax = fig.add_axes((0.05, 0.05, 0.9, 0.75))
            ax.imshow(image, interpolation="none")
            ax.set_axis_off()
            pdf.savefig(fig)
            plt.close(fig)
