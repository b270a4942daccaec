"""Does every part fit this machine's sheet? If not, say which part, both sizes, and which machines fit it.

The nester (:func:`fabrication.nesting.prepare.check_fits`) refuses a part too large for any sheet,
but it knows nothing of machines; this check runs before the layout with the machine and material
in hand, so the refusal can name the profiles that would cut the part instead of suggesting a
rotation that cannot help.
"""

from __future__ import annotations

from parametric.errors import FabricationError
from parametric.materials import Material

from ..layout import grain_rotations
from ..machines import Machine, load_machines
from ..toolpath import CutPart


def usable_size(stock: tuple[float, float], machine: Machine) -> tuple[float, float]:
    """The area parts may occupy on a sheet of ``stock`` size: inside the machine's edge margin (mm)."""
    return stock[0] - 2 * machine.margin, stock[1] - 2 * machine.margin


def fits(size: tuple[float, float], rotations: tuple[float, ...], usable: tuple[float, float]) -> bool:
    """Whether a part of bounding ``size`` (mm, unturned) fits ``usable`` in one of its allowed rotations
    (multiples of 90 degrees: the grain rule of :func:`fabrication.layout.grain_rotations`)."""
    w, h = size
    turned = [(w, h) if r % 180 == 0 else (h, w) for r in rotations]
    return any(a <= usable[0] + 1e-6 and b <= usable[1] + 1e-6 for a, b in turned)


def machines_that_fit(size: tuple[float, float], rotations: tuple[float, ...], material: Material,
                      thickness: float) -> list[str]:
    """The shipped machine profiles that cut ``thickness`` and whose stock (the material's sheet cut to
    the bed) holds a part of ``size`` in an allowed rotation."""
    from .bundle import stock_size

    return [name for name, m in sorted(load_machines().items())
            if thickness <= m.max_thickness and fits(size, rotations, usable_size(stock_size(material, m), m))]


def check_parts_fit(cut_parts: dict[str, CutPart], stock: tuple[float, float], machine: Machine,
                    material: Material, thickness: float) -> None:
    """Refuse the first part that fits no sheet of ``stock`` on ``machine``.

    Raises:
        FabricationError: naming the part and its size, the usable sheet size, and the shipped
            machine profiles that fit it (or that none does), with the way out.
    """
    usable = usable_size(stock, machine)
    for name, cut in cut_parts.items():
        minx, miny, maxx, maxy = cut.outline.bounds
        size = (maxx - minx, maxy - miny)
        rotations = grain_rotations(cut.part)
        if fits(size, rotations, usable):
            continue
        others = [m for m in machines_that_fit(size, rotations, material, thickness) if m != machine.name]
        grain = ""
        if cut.part.grain and fits(size, (0.0, 90.0), usable):
            grain = " (turned 90 degrees it would fit, but its grain must run along the sheet's)"
        where = (f"machine profiles that fit it: {', '.join(others)}" if others else
                 "no shipped machine profile fits it: make the part smaller or split it")
        raise FabricationError(
            f"part {name} ({cut.part.label}) is {size[0]:.0f} x {size[1]:.0f} mm, larger than the "
            f"{usable[0]:.0f} x {usable[1]:.0f} mm {machine.name} can use ({stock[0]:g} x {stock[1]:g} mm "
            f"{material.name} stock on its {machine.bed[0]:g} x {machine.bed[1]:g} mm bed, less a {machine.margin:g} mm "
            f"edge margin){grain}; {where}")
