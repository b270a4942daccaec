"""The build pipeline shared by the CLI, the viewer, batch runs and tests.

``resolve_params`` turns user input (preset, parameter file, ``NAME=VALUE`` settings) into
validated Params; ``write_build`` writes a design's files atomically into a folder.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from fabrication.layout import NEST_ROUNDS, NEST_TIME_LIMIT
from parametric.design import Design
from parametric.errors import ParameterError, ParamsFileError, UnknownModelError
from parametric.model import Model
from parametric.paramfile import dump_params, load_params_file
from parametric.params import Params
from parametric.registry import get_model
from .output import staged_dir

#: default stock when no material sheet is chosen: 2440 x 1220 (4 x 8 ft), fabrication-reference.md s.1
DEFAULT_SHEET = (2440.0, 1220.0)


def parse_settings(settings: Iterable[str]) -> dict[str, str]:
    """Parse ``NAME=VALUE`` strings (the CLI's ``--set``) into a mapping."""
    out: dict[str, str] = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--set {item!r}: write NAME=VALUE, e.g. --set seat_height=450 or "
                                 "--set width=18in")
        out[name.strip()] = value.strip()
    return out


def resolve_params(model: str | type[Model], *, preset: str | None = None, params_file: str | Path | None = None,
                   settings: Sequence[str] = ()) -> tuple[type[Model], Params]:
    """Validated parameters from defaults < preset < parameter file < ``NAME=VALUE`` settings."""
    cls = get_model(model) if isinstance(model, str) else model
    values: dict = {}
    if params_file is not None:
        file_model, values = load_params_file(params_file)
        if file_model is not None:
            try:
                owner = get_model(file_model)  # the file may spell it slice-chair
            except UnknownModelError as exc:
                raise ParamsFileError(f"{params_file}: {exc}") from None
            if owner is not cls:
                raise ParamsFileError(f"{params_file} holds parameters for model {file_model!r}, not {cls.name!r}; "
                                      f"run `d4d build {owner.name} --params {params_file}`")
    values.update(parse_settings(settings))
    return cls, cls.params(values, preset=preset)


def resolve_material(spec: str, extra: str | None = None):
    """``NAME`` or ``NAME:NOMINAL`` (e.g. ``birch-ply:12``) -> (Material, typical measured thickness or None)."""
    from parametric.materials import get_material

    name, _, nominal = spec.partition(":")
    material = get_material(name, extra)
    if not nominal:
        return material, None
    try:
        value = float(nominal)
    except ValueError:
        raise ParameterError(f"--material {spec!r}: write NAME or NAME:NOMINAL_MM, e.g. birch-ply:12",
                             ["material"]) from None
    table = dict(material.thicknesses)
    if value not in table:
        raise ParameterError(f"{name} comes in {', '.join(f'{t:g}' for t in table)} mm, not {value:g}",
                             ["material"])
    return material, table[value]


def user_sets(cls: type[Model], name: str, *, preset: str | None = None, params_file: str | Path | None = None,
              settings: Sequence[str] = (), values: dict | None = None) -> bool:
    """Whether the user chose parameter ``name`` (in ``--set``, a parameter file, the preset or ``values``),
    rather than leaving it to a default."""
    if name in parse_settings(settings) or name in (values or {}):
        return True
    if preset and name in cls.schema.preset(preset):
        return True
    return params_file is not None and name in load_params_file(params_file)[1]


def machine_clearance(cls: type[Model], machine, material, **chosen) -> dict[str, float]:
    """``{"clearance": mm}`` from the machine profile and material (``fabrication.machines.default_clearance``:
    a router's slots need more slip than a laser's), unless the model has no clearance or the user chose
    one (``chosen``: the keyword arguments of :func:`user_sets`)."""
    from fabrication.machines import default_clearance

    if "clearance" not in cls.schema.specs or user_sets(cls, "clearance", **chosen):
        return {}
    return {"clearance": default_clearance(machine, material)}


@dataclass
class BuildOutputs:
    """What ``write_build`` wrote, and how long each step took (seconds)."""

    out: Path
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    sheets: int = 0
    report: object = None


def write_build(design: Design, out: str | Path, *, unit: str = "mm",
                sheet: tuple[float, float] = DEFAULT_SHEET, solids: bool = True, checks: bool = True,
                layout: str = "nest", nest_rounds: int = NEST_ROUNDS, nest_time: float = NEST_TIME_LIMIT,
                spacing: float = 10.0, margin: float = 15.0) -> BuildOutputs:
    """Write ``design.json``, ``params.json``, ``check.json`` (unless ``checks`` is False), STL and
    STEP (unless ``solids`` is False), one DXF per part and the sheet DXFs, laid out by true-shape
    nesting (``layout="nest"``: ``nest_rounds`` improvement rounds, stopped at ``nest_time`` seconds
    if they are not done) or in rows (``layout="rows"``).

    Everything goes through a staging folder: on any failure ``out`` is left as it was.
    """
    from fabrication.export import dxf
    from fabrication.layout import nest_layout, row_layout

    result = BuildOutputs(Path(out))
    report = None
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = now - clock
        clock = now

    groups: dict[tuple[str, float], list] = {}
    for part in design.parts:
        groups.setdefault((part.material, part.thickness), []).append(part)
    arrange = nest_layout if layout == "nest" else row_layout
    extra = {"time_limit": nest_time, "max_rounds": nest_rounds} if layout == "nest" else {}
    sheets = [s for (material, thickness), parts in groups.items()
              for s in arrange(parts, *sheet, spacing=spacing, margin=margin, material=material, thickness=thickness,
                               **extra)]
    sheets = [replace(s, index=i) for i, s in enumerate(sheets, 1)]
    lap("layout")
    if checks:
        from parametric.checks import run_checks, suggest_fixes

        report = run_checks(design, sheet=sheet)
        if not report.ok:
            suggest_fixes(design, report, sheet=sheet)
        result.report = report
        lap("checks")
    with staged_dir(out) as stage:
        if report is not None:
            (stage / "check.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
        (stage / "design.json").write_text(json.dumps(design.summary(), indent=2) + "\n")
        (stage / "params.json").write_text(dump_params(design.params, "json", design.model_version))
        (stage / "parts").mkdir()
        for part in design.parts:
            dxf.write_part(part, stage / "parts" / f"{part.name}.dxf", unit)
        (stage / "sheets").mkdir()
        for i, s in enumerate(sheets, 1):
            dxf.write_sheet(s, stage / "sheets" / f"sheet-{i:02d}.dxf", unit)
        lap("dxf")
        if solids:
            from parametric import geometry

            geometry.export_stl(design, stage / f"{design.model}.stl")
            lap("stl")
            geometry.export_step(design, stage / f"{design.model}.step")
            lap("step")
        result.files = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    result.sheets = len(sheets)
    return result
