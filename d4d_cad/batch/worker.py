"""One variant of a batch, start to finish, in a worker process: the same pipeline as ``d4d export``.

:func:`run_variant` never raises: whatever happens becomes the row's ``status`` (``ok``, ``failed``
with the failing check codes, ``refused`` with the parameter error, ``error`` with the exception's
type, message and traceback). It returns the row and the variant's files as bytes; the parent
process writes them (so a worker that dies mid-variant leaves nothing on disk, and a Dask worker
needs no shared file system).

Importing this module imports the heavy libraries, so a forkserver that preloads it hands out
warm workers.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
import traceback
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from parametric.errors import D4DError, ParameterError
from parametric.paramfile import dump_params
from parametric.registry import get_model

#: check families of the results table, by the prefix of a finding's code
FAMILIES = {"STAB": "stability", "MFG": "manufacturability", "FIT": "manufacturability", "OVLP": "overlap",
            "STR": "strength", "ERGO": "ergonomics"}
#: the unit of each family's worst margin: findings in other units (STAB-SLIDE in N, STR-STRESS in MPa,
#: ERGO-RECLINE in degrees, ERGO-COLLIDE in mm^3) stay in check.json but do not mix into the column
FAMILY_UNITS = {"stability": "mm", "manufacturability": "mm", "overlap": "mm^3", "strength": "mm",
                "ergonomics": "mm"}
#: the longest error message kept in a row (the traceback goes to the variant's error.txt)
MESSAGE_CHARS = 500


def warm_up() -> None:
    """Import what a variant needs (called by the pool's forkserver, so every worker starts warm)."""
    from vtkmodules.vtkCommonCore import vtkLogger

    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_OFF)  # "bad X server connection": off-screen on purpose
    from shapely.geometry import box

    import fabrication.export.bundle  # noqa: F401  (ezdxf, shapely, the writers)
    from fabrication.machines import load_machines
    from fabrication.nesting import NestPart, Stock, nest, nest_strip
    from parametric import checks, geometry, mesh  # noqa: F401  (trimesh, manifold3d, CadQuery)
    from parametric.materials import load_materials

    # the shipped profiles, parsed once (0.1 s of YAML), under the cache key get_machine and get_material
    # use (an lru_cache keys f() and f(None) apart)
    load_machines(None), load_materials(None)

    # one tiny nest loads every numba kernel (compiled once, then from the on-disk cache) into this
    # process, so the workers forked from it do not each pay for it on their first variant
    nest([NestPart("a", box(0, 0, 100, 50), 3)], [Stock(400, 200)], spacing=5, margin=5, time_limit=5,
         max_rounds=1)
    # ... and a tiny strip compression loads the separator's kernels (emptying a sheet, compressing one)
    nest_strip([NestPart("a", box(0, 0, 100, 50), 3)], 120.0, time_limit=5, max_rounds=2)
    # ... and the chord kernels: the fit's window of lines across a square and their walls, and the
    # slot checks' lines in their own directions
    from parametric.checks.chords import chords, edge_arrays, stacked_edges, window_chords

    edges = edge_arrays(box(0, 0, 10, 10))
    (window,) = window_chords(stacked_edges([edges]), (-1.0, 0.0), (1.0, 0.0), (0.0, 1.0), 0.0, 12.0, 2.0, 8.0, 3)
    window.median_walls(6.0)
    chords(edges, [[-1.0, 5.0]], [[1.0, 0.0]], 12.0)
    # ... and the overlap check's bound of two crossing plates
    from parametric.checks.prisms import shared_volume_bound
    from parametric.part import FlatPart, Frame

    shared_volume_bound(FlatPart("a", box(0, 0, 10, 10), 3, Frame.xz(5)),
                        FlatPart("b", box(0, 0, 10, 10), 3, Frame.yz(5)))
    # ... and the fit's relief kernel: a square relief in a notched plate, cut to a window across it
    from fabrication.relief import relief_areas, relief_depth

    plate = box(0, 0, 20, 20).difference(box(8, 10, 12, 21))
    relief_depth(relief_areas((plate, plate.difference(box(11, 8, 14, 11)))), plate, box(9, 5, 16, 10))
    # ... and the cut files' arc fitting (a rounded plate's sampled quarter circles) and the label's size
    from fabrication.export.arcfit import fit_arcs
    from fabrication.labels import place_label

    rounded = box(0, 0, 60, 40).buffer(-8).buffer(8)
    fit_arcs([(x, y, 0.0) for x, y in rounded.exterior.coords[:-1]])
    place_label(rounded, "A1")


def _worst_margins(findings: list[dict]) -> dict[str, float | None]:
    """The smallest margin per check family, in that family's unit (:data:`FAMILY_UNITS`: stability
    and manufacturability mm, overlap mm^3, strength mm of sag, ergonomics mm: the seat's height, depth,
    width and back, the thighs under a top, over the figures the variant is for), over findings that
    carry one."""
    out: dict[str, float | None] = {f"margin.{f}": None for f in dict.fromkeys(FAMILIES.values())}
    for f in findings:
        family = FAMILIES.get(f["code"].split("-")[0])
        m = f.get("margin")
        if family is None or m is None or not math.isfinite(m) or f.get("unit") != FAMILY_UNITS[family]:
            continue
        key = f"margin.{family}"
        out[key] = m if out[key] is None else min(out[key], m)
    return {k: (round(v, 3) if v is not None else None) for k, v in out.items()}


def _zip(folder: Path, names: list[str], root: str) -> bytes:
    """The download bundle: the files under ``root/`` in a zip (deflated)."""
    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as buf:
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                zf.write(folder / name, f"{root}/{name}")
        buf.seek(0)
        return buf.read()


def _fabricate(task: dict, design, row: dict, files: dict[str, bytes], timings: dict[str, float]) -> dict | None:
    """Toolpaths, nesting, BOM, checks and the chosen files for a machine; returns check.json's content."""
    from fabrication.export import bundle as bundle_mod
    from fabrication.machines import get_machine

    from ..pipeline import resolve_material

    options = task["options"]
    machine = get_machine(task["machine"])
    material, _ = resolve_material(task["material"] or "birch-ply")
    bundle_mod.check_thickness(design, machine)
    fab = bundle_mod.fabricate(design, machine, material, compensate_kerf=options["kerf"], relief=options["relief"],
                               checks=options["checks"], layout=options["layout"], nest_time=options["nest_time"],
                               nest_rounds=options["nest_rounds"], labels=options["labels"],
                               holding_tabs=options["holding_tabs"], cost_by=options["cost_by"])
    timings.update(fab.timings)
    bom = fab.bom
    row.update(sheets=bom.sheets, utilisation=round(bom.utilisation, 4), cut_length_m=round(bom.cut_length / 1000, 3),
               cut_time_min=round(bom.cut_seconds / 60, 2), cost=round(bom.material_cost, 2),
               material=material.name)
    outputs = task["outputs"]
    with tempfile.TemporaryDirectory(prefix="d4d-variant-") as tmp:
        folder = Path(tmp)
        if "cut_files" in outputs:
            clock = time.perf_counter()
            for name in bundle_mod.write_cut_files(fab, folder, unit=options["unit"]):
                files[name] = (folder / name).read_bytes()
            timings["cut_files"] = time.perf_counter() - clock
        if "bundle" in outputs:
            clock = time.perf_counter()
            inner = folder / "bundle"
            inner.mkdir()
            names = bundle_mod.write_bundle_files(fab, inner, unit=options["unit"], render_size=(640, 480))
            stem = bundle_mod.bundle_name(design, fab.machine, fab.material, replace(fab.options, unit=options["unit"]))
            zip_name = f"{stem}.zip"  # the name d4d export gives the same bundle
            files[zip_name] = _zip(inner, names, stem)
            row["bundle"] = zip_name
            timings["bundle"] = time.perf_counter() - clock
    return fab.check


def _check_only(task: dict, design) -> dict:
    """The check report when no machine is named (default tool and sheets)."""
    from parametric.checks import run_checks

    return run_checks(design).to_dict()


def run_variant(task: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Build, check, fabricate and write one variant; returns ``(row, files)`` and never raises.

    ``task`` holds ``model, model_class, preset, values, index, key, machine, material, outputs, options``
    (see :mod:`.runner`). The row's keys are documented in :mod:`.results`.
    """
    start = time.perf_counter()
    row: dict[str, Any] = {"index": task["index"], "variant": task["key"], "status": "ok", "codes": "",
                           "message": "", "model": task["model"], "hash": "", "machine": task["machine"] or "",
                           "material": task["material"] or "", "thickness": None, "parts": 0}
    files: dict[str, bytes] = {}
    timings: dict[str, float] = {}
    try:
        cls = task.get("model_class") or get_model(task["model"])  # a class pickles by reference
        params = cls.params(task["values"], preset=task["preset"])
        row.update(hash=params.hash, thickness=params.get("thickness"))
        clock = time.perf_counter()
        design = cls.design(params)
        timings["design"] = time.perf_counter() - clock
        row["parts"] = sum(p.quantity for p in design.parts)
        files["params.json"] = dump_params(design.params, "json", design.model_version).encode()
        check = _fabricate(task, design, row, files, timings) if task["machine"] else _check_only(task, design)
        if check is not None:
            row.update(_worst_margins(check["findings"]))
            errors = sorted({f["code"] for f in check["findings"] if f["severity"] == "error"})
            row["codes"] = " ".join(errors)
            if errors:
                row["status"] = "failed"
            if "report" in task["outputs"]:
                files["check.json"] = (json.dumps(check, indent=2) + "\n").encode()
        if "thumbnail" in task["outputs"]:
            clock = time.perf_counter()
            files["thumbnail.png"] = _thumbnail(design, task["options"].get("figure", False))
            timings["thumbnail"] = time.perf_counter() - clock
    except ParameterError as exc:
        row.update(status="refused", codes=type(exc).__name__, message=str(exc)[:MESSAGE_CHARS])
        files.clear()
    except Exception as exc:  # one bad variant must never stop a sweep
        row.update(status="error", codes=type(exc).__name__, message=str(exc)[:MESSAGE_CHARS])
        if not isinstance(exc, D4DError):
            files = {"error.txt": traceback.format_exc().encode()}
        else:
            files.clear()
    row["seconds"] = round(time.perf_counter() - start, 3)
    row["timings"] = {k: round(v, 4) for k, v in timings.items()}
    return row, files


def thumbnail_figure(design, figure: bool | str) -> str | None:
    """The figure a thumbnail seats (the sweep's ``figure`` option): None when off or the design has no
    seat; ``True``: the first figure the seat is for (None for a perch); a name: that figure."""
    if not figure or design.seat is None:
        return None
    if figure is True:
        return design.seat.figures[0] if design.seat.figures else None
    return figure


def _thumbnail(design, figure: bool | str = False) -> bytes:
    """A small off-screen picture of the product (PNG bytes), with a seated figure behind it when asked
    (then from the three-quarter side view where both read)."""
    from parametric.render import FIGURE_VIEW, render_png

    name = thumbnail_figure(design, figure)
    with tempfile.TemporaryDirectory(prefix="d4d-thumb-") as tmp:
        path = render_png(design, Path(tmp) / "thumbnail.png", view=FIGURE_VIEW if name else "iso", size=(320, 240),
                          figure=name)
        return Path(path).read_bytes()
