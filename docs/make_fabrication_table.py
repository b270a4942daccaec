"""Regenerate docs/fabrication.md: ``python docs/make_fabrication_table.py``.

Every catalogue preset on every shipped machine profile: whether it exports (or why not, in a few
words), the worst fit play (``FIT-PLAY``, measured after toolpath preparation), the worst stability
margin over every load case, sheets, material cost and cut time. Made with
:func:`fabrication.export.bundle.fabricate` (no files) and ``d4d export``'s own nesting budget
(:data:`fabrication.layout.NEST_ROUNDS` improvement rounds, a time limit far above what they need),
so the sheets are what an export makes, and the table is the same on any machine: the geometry
takes no matrix product from BLAS, whose rounding depends on the CPU's kernel
(tests/catalogue/test_same_on_any_cpu.py). The sheet
is birch ply at the preset's own thickness when the machine cuts it, else the thickest birch-ply
nominal the machine cuts (its typical measured thickness); the slot clearance is the machine's
default for the material, as ``d4d export`` uses.
"""

from __future__ import annotations

from pathlib import Path

from fabrication.layout import NEST_ROUNDS
from parametric import available_models
from parametric.errors import D4DError

DOCS = Path(__file__).resolve().parent
MATERIAL = "birch-ply"
NEST_TIME = 600.0
HEADER = ["| model | preset | machine | sheet (mm) | exports | worst fit play (mm) | worst stability margin (mm) "
          "| sheets | cost (EUR) | cut time (min) |", "|---|---|---|---|---|---|---|---|---|---|"]


def sheet_thickness(preset_thickness: float, machine, material) -> tuple[float, str]:
    """The thickness to build with on ``machine`` (mm) and how it was chosen, in words."""
    if preset_thickness <= machine.max_thickness:
        return preset_thickness, f"{preset_thickness:g}"
    cut = [(nominal, measured) for nominal, measured in material.thicknesses if measured <= machine.max_thickness]
    if not cut:
        return preset_thickness, f"{preset_thickness:g}"
    nominal, measured = cut[-1]
    return measured, f"{measured:g} (nominal {nominal:g}; preset {preset_thickness:g})"


def reason(exc: Exception) -> str:
    """A refusal's reason in a few words."""
    text = str(exc)
    if "larger than the" in text:
        return f"refused: {text.split(' (')[0].removeprefix('part ')} too large for the bed"
    if "narrower than the" in text:
        return "refused: a slot narrower than the bit"
    if "cuts at most" in text:
        return "refused: sheet too thick"
    return "refused: " + text.split(";")[0][:80].replace("|", "/")


def row(model: str, preset: str, machine_name: str) -> str:
    """One table row (Markdown) for a preset on a machine profile."""
    from fabrication.export.bundle import fabricate
    from fabrication.machines import load_machines
    from d4d_cad.pipeline import machine_clearance
    from parametric.materials import get_material
    from parametric.registry import get_model

    cls, machine, material = get_model(model), load_machines()[machine_name], get_material(MATERIAL)
    preset_t = float(cls.params({}, preset=preset)["thickness"])
    t, sheet = sheet_thickness(preset_t, machine, material)
    cells = [model, preset, machine_name, sheet]
    try:
        values = {**({"thickness": t} if t != preset_t else {}), **machine_clearance(cls, machine, material,
                                                                                       preset=preset)}
        design = cls.design(cls.params(values, preset=preset))
        fab = fabricate(design, machine, material, nest_rounds=NEST_ROUNDS, nest_time=NEST_TIME)
    except D4DError as exc:
        return "| " + " | ".join([*cells, reason(exc), "", "", "", "", ""]) + " |"
    findings = fab.check["findings"]
    failed = sorted({f["code"] for f in findings if f["severity"] == "error"})
    plays = [f["measured"] for f in findings if f["code"] == "FIT-PLAY" and f.get("measured") is not None]
    margins = [f["margin"] for f in findings if f["code"].startswith("STAB-") and f["code"] != "STAB-SLIDE"
               and f.get("unit") == "mm" and f.get("margin") is not None]
    verdict = "yes" if not failed else "yes, checks fail: " + ", ".join(failed)
    cells += [verdict, f"{max(plays):.2f}" if plays else "-", f"{min(margins):.0f}" if margins else "-",
              str(fab.bom.sheets), f"{fab.bom.material_cost:.2f}", f"{fab.bom.cut_seconds / 60:.1f}"]
    return "| " + " | ".join(cells) + " |"


def combinations() -> list[tuple[str, str, str]]:
    """Every (model, preset, machine profile) of the table, in its order."""
    from fabrication.machines import load_machines

    machines = sorted(load_machines())
    return [(name, preset, m) for name, cls in sorted(catalogue().items())
            for preset in cls.schema.presets for m in machines]


def catalogue() -> dict:
    """The catalogue's models (those in the ``models`` package: not plugins, not test doubles)."""
    return {name: cls for name, cls in available_models().items() if cls.__module__.startswith("models.")}


def table_markdown(progress=None) -> str:
    """The text of docs/fabrication.md (deterministic: a test compares rows of it with the committed file)."""
    lines = ["# The catalogue on every machine", "",
             "Generated by `python docs/make_fabrication_table.py`: every preset of every model on every shipped",
             f"machine profile, in {MATERIAL} (at the preset's thickness when the machine cuts it, else the thickest",
             "nominal it cuts), with the machine's default slot clearance, nested with `d4d export`'s fixed",
             f"budget ({NEST_ROUNDS} improvement rounds). Fit play is the worst `FIT-PLAY` measured after toolpath",
             "preparation; the stability margin is the smallest tipping margin over every load case (`STAB-*`);",
             "cost is by whole sheets at the material's price per m^2 for that thickness (prices are working",
             "assumptions: `parametric/data/materials.yaml`); cut time includes pierces, lead-ins, rapids,",
             "label engraving and tool changes (`fabrication/bom.py`).", "", *HEADER]
    for combo in combinations():
        lines.append(row(*combo))
        if progress:
            progress(lines[-1])
    return "\n".join(lines) + "\n"


def main() -> None:
    (DOCS / "fabrication.md").write_text(table_markdown(progress=print))
    print(f"wrote {DOCS / 'fabrication.md'}")


if __name__ == "__main__":
    main()
