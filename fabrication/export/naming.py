"""Bundle names, the options that made a bundle, its rebuild command and its README.

A bundle is named ``<model>-<hash>-<machine>-<material>-<thickness>mm-<digest>.zip``, e.g.
``box-35c336783803-cnc-router-6mm-birch-ply-4mm-1a2b3c.zip``: the design (its parameter hash covers
the thickness and slot clearance), the machine and material profile names, the measured sheet
thickness, then six hex digits of a SHA-256 over everything else that changes a file in the zip:
the :class:`ExportOptions` that do (relief on a router, DXF unit, kerf compensation on a laser,
labels, holding tabs, layout engine, the nesting's improvement rounds, cost basis, copies above one)
and the full machine and material profiles (so a user profile that keeps a shipped name but changes
a kerf or a price gets another name). The nesting's time limit (``nest_time``) is left out: the
layout is fixed by its rounds, and the limit is only a guard far above what they take. Two bundles
whose cut files differ never share a name; the same export run twice gets the same name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from parametric.design import Design
from parametric.materials import Material, load_materials

from ..bom import Bom
from ..layout import NEST_ROUNDS, NEST_TIME_LIMIT
from ..machines import Machine, default_clearance, load_machines
from .tabs import TAB_LENGTH_MM

#: the README's line on labels, per ``--labels`` choice
LABEL_TEXT = {
    "engrave": "engraved on every part that has room (`ENGRAVE`), on the face up on the sheet",
    "none": "none engraved (the BOM and the PDF's parts page name the parts)",
    "hidden-face": "engraved on every part that has room, on the face hidden once the product is assembled: a face "
                   "glued to another part, else a flat part's underside (seat, shelf, top, bottom), else a standing "
                   "part's face towards the product's centre (a box wall's inside); a standing part on the "
                   "product's mid-plane shows both faces and keeps its label on the front. Front-face labels are "
                   "on `ENGRAVE`; back-face labels are on `ENGRAVE_BACK` (magenta; SVG group `engrave-back`), drawn "
                   "mirrored as seen from the front through the sheet: engrave them from the back in a second "
                   "setup (flip the part, or the sheet mirrored about the same axis as its layer), then they read "
                   "true",
}
LICENCE = "CC BY-SA 4.0 for the design files; cut and use the product freely."
#: bump when the digest's content changes meaning (old names then never collide with new ones); 2: the
#: nesting's rounds joined the options (a bundle's layout was cut by a 2 s time limit before)
NAME_FORMAT = 2


@dataclass(frozen=True)
class ExportOptions:
    """Every export option that is not the design, machine or material (``d4d export``'s flags).

    Attributes:
        relief: router corner reliefs (``auto``, ``dogbone``, ``tbone``, ``none``).
        unit: DXF unit, ``"mm"`` or ``"in"``.
        compensate_kerf: laser: contours offset by half the kerf (``--no-kerf`` clears it).
        labels: ``"engrave"``, ``"hidden-face"`` or ``"none"``; holding_tabs: router holding tab positions marked.
        layout: ``"nest"`` or ``"rows"``; nest_rounds: the nesting search's improvement rounds (its
            work: the same layout on any machine); nest_time: seconds after which it stops anyway.
        cost_by: material cost by whole ``"sheet"`` or by the parts' ``"area"``.
        copies: how many of the product the sheets and BOM are for (nested together).
    """

    relief: str = "auto"
    unit: str = "mm"
    compensate_kerf: bool = True
    labels: str = "engrave"
    holding_tabs: bool = False
    layout: str = "nest"
    nest_rounds: int = NEST_ROUNDS
    nest_time: float = NEST_TIME_LIMIT
    cost_by: str = "sheet"
    copies: int = 1

    def file_options(self, router: bool) -> dict:
        """The options that change a file in the bundle on a router or a laser: all but ``nest_time``,
        and but ``compensate_kerf`` on a router (CAM offsets the bit) or ``relief`` on a laser (a beam
        needs no corner reliefs); ``nest_rounds`` only for a nested layout; ``copies`` only when above one."""
        out = asdict(self)
        del out["nest_time"], out["compensate_kerf" if router else "relief"]
        if self.layout != "nest":
            del out["nest_rounds"]  # rows take no search
        if self.copies == 1:
            del out["copies"]
        return out

    def text(self, router: bool = False) -> str:
        """The options in words, for the README (``router``: kerf compensation does not apply)."""
        kerf = ("compensated" if self.compensate_kerf else "not compensated (--no-kerf)") + \
            (" (a laser option: on a router CAM offsets the bit)" if router else "")
        return (f"relief {self.relief}{' (a router option)' if not router else ''}; DXF unit {self.unit}; kerf {kerf}; "
                f"labels {self.labels}; "
                f"holding tabs {'marked' if self.holding_tabs else 'none'}; layout {self.layout}"
                + (f" ({self.nest_rounds} improvement rounds, at most {self.nest_time:g} s)" if self.layout == "nest" else "")
                + f"; material cost by {self.cost_by}"
                + (f"; {self.copies} copies nested together" if self.copies > 1 else ""))


def bundle_name(design: Design, machine: Machine, material: Material, options: ExportOptions) -> str:
    """The bundle's stem (see the module docstring): readable parts, then a 6-hex digest of the rest."""
    return f"{design.model}-{design.hash}-{profile_stem(machine, material, options, design.params['thickness'])}"


def profile_stem(machine: Machine, material: Material, options: ExportOptions, thickness: float) -> str:
    """The end of a bundle's name: ``<machine>-<material>-<T>mm-<digest>``, the digest being six hex
    digits of a SHA-256 over the options that change a file and the full machine and material profiles."""
    payload = {"format": NAME_FORMAT, "options": options.file_options(machine.is_router), "machine": machine.to_dict(),
               "material": asdict(material)}
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:6]
    return f"{machine.name}-{material.name}-{float(thickness):g}mm-{digest}"


def custom_profiles(machine: Machine, material: Material) -> bool:
    """Whether the machine or material differs from the shipped profile of that name (a user file's)."""
    return load_machines().get(machine.name) != machine or load_materials().get(material.name) != material


def rebuild_command(design: Design, machine: Machine, material: Material, options: ExportOptions) -> str:
    """The ``d4d export`` command that rebuilds this bundle from its ``params.json`` (every option
    spelled out, so a change of defaults cannot change what it makes)."""
    return " ".join(["d4d export", design.model, "--params params.json", *option_words(machine, material, options)])


def option_words(machine: Machine, material: Material, options: ExportOptions) -> list[str]:
    """Every ``d4d export`` option that made a bundle, spelled out, ending with ``--out .``."""
    words = [f"--machine {machine.name}", f"--material {material.name}", f"--relief {options.relief}",
             f"--unit {options.unit}", f"--layout {options.layout}", f"--nest-rounds {options.nest_rounds}",
             f"--nest-time {options.nest_time:g}",
             f"--labels {options.labels}", f"--cost-by {options.cost_by}"]
    words += ["--no-kerf"] if not options.compensate_kerf else []
    words += ["--holding-tabs"] if options.holding_tabs else []
    words += [f"--copies {options.copies}"] if options.copies > 1 else []
    words += ["--profiles YOUR_PROFILES.yaml"] if custom_profiles(machine, material) else []
    return [*words, "--out ."]


def restraint_lines(design: Design, check: dict | None) -> list[str]:
    """The README's "Before use" section: every restraint a load case counts on (a wall fixing) is
    part of the kit, named with the standing-free result of its check when the bundle was checked;
    empty when the product stands on its own in every case."""
    out = []
    for case in design.load_cases:
        if not case.restraint:
            continue
        found = [f for f in (check or {}).get("findings", []) if f.get("case") == case.name and f["severity"] != "pass"]
        free = " Standing free: " + found[0]["message"] if found else ""
        out.append(f"- **{case.restraint}** is part of this kit, not an option: fit it before use "
                   f"(`{case.name}`: {case.standard or 'its load case'}).{free}")
    return ["", "## Before use", "", *dict.fromkeys(out)] if out else []


def making_lines(machine: Machine, material: Material, stock: tuple[float, float], bom: Bom, options: ExportOptions,
                 thickness: float, fit: list[str] = ()) -> list[str]:
    """The README's list of what the cut files were made for: material and measured thickness, machine
    and tool, ``fit`` (lines on the slot fit), sheet, units and layers, labels, holding tabs, options."""
    tool = (f"router bit {machine.tool_diameter:g} mm (a dogbone or a T-bone relief in every inside corner)"
            if machine.is_router
            else f"laser, kerf {machine.kerf:g} mm (contours compensated by half the kerf)" if options.compensate_kerf
            else f"laser, kerf {machine.kerf:g} mm (contours NOT compensated: your service does it)")
    return [f"- material: {material.title}, **measured thickness {thickness:g} mm** (slots are cut for it: re-export "
            "if your sheet measures differently)",
            f"- machine: {machine.title}; {tool}",
            *fit,
            f"- sheet: {stock[0]:g} x {stock[1]:g} mm, {bom.sheets} sheet(s), part gap {machine.spacing:g} mm, "
            f"edge margin {machine.margin:g} mm",
            f"- units: DXF in {'inches' if options.unit == 'in' else 'millimetres'}, SVG and PDF in millimetres "
            "(PDF sheet pages at 1:1); DXF R2010 layers `CUT_INSIDE_*` (cut first), `CUT_OUTSIDE_*`, `ENGRAVE` "
            "(single-stroke labels), `NOTES_NOCUT` (sheet outline and a 100 mm calibration square: measure it "
            "before cutting)",
            "- labels: " + LABEL_TEXT[options.labels],
            *([f"- holding tabs: {TAB_LENGTH_MM:g} mm stretches of the outside cuts on `HOLDING_TABS` (green): "
               "make them tabs in your CAM (height there, e.g. a third of the thickness)"] if options.holding_tabs
              else []),
            f"- options: {options.text(machine.is_router)}"]


def readme(design: Design, machine: Machine, material: Material, stock: tuple[float, float], bom: Bom,
           steps: list, check: dict | None, options: ExportOptions, name: str) -> str:
    """The bundle's README.md: what it was made for, every option, parts, assembly, checks, rebuild.

    Args:
        steps: the assembly steps (:func:`fabrication.export.pdf.assembly_steps`).
        name: the bundle's stem (:func:`bundle_name`).
    """
    clearance = design.params.get("clearance")
    fit = ([f"- slot clearance: {clearance:g} mm beyond the measured thickness (a slip fit; the machine's "
            f"default for this material is {default_clearance(machine, material):g} mm)"] if clearance is not None
           else [])
    lines = [f"# {design.title} ({design.model} {design.model_version}, {design.hash})", "",
             f"Bundle `{name}`: model-hash-machine-material-thickness-options digest (the digest covers every "
             "option below and the machine and material profiles).", "",
             *making_lines(machine, material, stock, bom, options, design.params["thickness"], fit), "",
             "## Parts", "", bom.markdown(), "", "## Assembly", ""]
    lines += [f"{s.number}. {s.text}" for s in steps]
    lines += restraint_lines(design, check)
    if check is not None:
        verdict = "all checks pass" if check["ok"] else f"{check['errors']} check(s) FAIL (see check.json)"
        lines += ["", "## Checks", "", f"{verdict}; mass {check['mass_kg']:.1f} kg."]
    lines += ["", "## Rebuild", "", "From this folder (it holds `params.json`):", "",
              f"`{rebuild_command(design, machine, material, options)}`", "", "## Licence", "", LICENCE, ""]
    return "\n".join(lines)
