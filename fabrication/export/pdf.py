"""PDF: every sheet at 1:1 (page = sheet size) and an assembly guide with a picture per step.

Steps come from the design: parts are grouped by role in the order the model created them (for
a slice chair: ribs, then slats), each step showing the product so far with the new parts
highlighted, and the direction the new parts slide in along their cross-laps.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parametric.design import Design

from ..bom import Bom
from ..layout import SheetLayout
from ..toolpath import CutPart

MM_PER_INCH = 25.4
A4_LANDSCAPE = (297 / MM_PER_INCH, 210 / MM_PER_INCH)


@dataclass(frozen=True)
class Step:
    """One assembly step: the parts it adds and what to do with them."""

    number: int
    parts: tuple[str, ...]
    text: str


def assembly_steps(design: Design) -> list[Step]:
    """Steps in build order: one per part role, with the slide direction from the joints."""
    roles: dict[str, list[str]] = {}
    for part in design.parts:
        roles.setdefault(part.role, []).append(part.name)
    steps, placed = [], set()
    for number, (role, names) in enumerate(roles.items(), 1):
        labels = ", ".join(design.part(n).label for n in names)
        if not placed:
            text = f"Lay out the {role}s ({labels}) as shown, spaced by the parts that join them."
        else:
            joints = [j for j in design.joints if j.b in names and j.a in placed]
            if joints:
                d = np.mean([j.insert_b for j in joints], axis=0)
                where = _direction_words(d)
                text = f"Slide the {role}s ({labels}) onto the assembly, moving them {where}, slot over slot."
            else:
                text = f"Fit the {role}s ({labels})."
        steps.append(Step(number, tuple(names), text))
        placed.update(names)
    return steps


def _direction_words(d: np.ndarray) -> str:
    axis = int(np.argmax(np.abs(d)))
    return [("right", "left"), ("backwards", "forwards"), ("up", "down")][axis][0 if d[axis] > 0 else 1]


def write_pdf(path: str | Path, design: Design, sheets: list[SheetLayout], cut_parts: dict[str, CutPart],
              bom: Bom, *, machine_title: str = "", render_size: tuple[int, int] = (900, 650)) -> None:
    """Write the sheets at 1:1 and the assembly guide to one PDF."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    from parametric.render import render_png

    with PdfPages(str(path)) as pdf, tempfile.TemporaryDirectory() as tmp:
        for sheet in sheets:
            fig = plt.figure(figsize=(sheet.width / MM_PER_INCH, sheet.height / MM_PER_INCH))
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, sheet.width)
            ax.set_ylim(0, sheet.height)
            ax.set_axis_off()
            for placed in sheet.placed:
                rings = [placed.outline.exterior, *placed.outline.interiors]
                verts = np.concatenate([np.asarray(r.coords) for r in rings])
                codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r.coords) - 2)
                                        + [MplPath.CLOSEPOLY] for r in rings])
                ax.add_patch(PathPatch(MplPath(verts, codes), facecolor="#f3e3c8", edgecolor="red", lw=0.3))
                c = placed.outline.representative_point()
                ax.text(c.x, c.y, placed.part.label, ha="center", va="center", fontsize=24, color="blue")
            ax.text(10, sheet.height - 10, f"sheet {sheet.index}: {sheet.width:g} x {sheet.height:g} mm at 1:1, "
                    f"{sheet.material} {sheet.thickness:g} mm", va="top", fontsize=28)
            pdf.savefig(fig)
            plt.close(fig)
        fig = plt.figure(figsize=A4_LANDSCAPE)
        fig.text(0.05, 0.92, f"{design.title}  {design.hash}", fontsize=20, weight="bold")
        fig.text(0.05, 0.86, f"{bom.material}, measured thickness {design.params['thickness']:g} mm; "
                 f"{machine_title or bom.machine}", fontsize=11)
        rows = [f"{r.id}  {r.name:<8} x{r.quantity:<3} {r.size[0]:6.0f} x {r.size[1]:4.0f} mm  "
                f"labels {' '.join(r.labels)}" for r in bom.rows]
        fig.text(0.05, 0.80, "Parts\n" + "\n".join(rows), fontsize=9, family="monospace", va="top")
        fig.text(0.05, 0.12, f"{bom.sheets} sheet(s), cut length {bom.cut_length / 1000:.1f} m, about "
                 f"{bom.cut_seconds / 60:.0f} min of cutting, material {bom.material_cost:.2f}", fontsize=11)
        pdf.savefig(fig)
        plt.close(fig)
        shown: list[str] = []
        for step in assembly_steps(design):
            shown += step.parts
            png = render_png(design, Path(tmp) / f"step{step.number}.png", parts=list(shown),
                             highlight=list(step.parts), size=render_size)
            fig = plt.figure(figsize=A4_LANDSCAPE)
            fig.text(0.05, 0.92, f"Step {step.number}", fontsize=18, weight="bold")
            fig.text(0.05, 0.86, step.text, fontsize=11, wrap=True)
            ax = fig.add_axes((0.05, 0.05, 0.9, 0.75))
            ax.imshow(plt.imread(png))
            ax.set_axis_off()
            pdf.savefig(fig)
            plt.close(fig)
