"""Sheet materials: physical properties the checks need, plus sheet sizes and price.

Shipped profiles live in ``parametric/data/materials.yaml``; user files with the same layout
can add or override entries (``load_materials(extra=path)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


from .errors import ProfileError
from .profiles import NON_NEGATIVE, check_fields, load_profiles, pick, rule

_FIELDS = ("density", "modulus_along", "modulus_across", "strength_along", "strength_across")


#: the numeric fields of a material entry, checked before parsing (:func:`parametric.profiles.check_fields`)
_NUMBERS = {"density": ("number", rule("kg/m^3")), "modulus_along": ("number", rule("MPa")),
            "modulus_across": ("number", rule("MPa")), "strength_along": ("number", rule("MPa")),
            "strength_across": ("number", rule("MPa")), "safety_factor": ("number", rule("")),
            "thicknesses": ("map", rule("mm")), "sheets": ("pairs", rule("mm")),
            "price_per_m2": ("number_or_map", rule("per m^2", NON_NEGATIVE))}


@dataclass(frozen=True)
class Material:
    """A sheet material (mm, kg/m^3, MPa).

    Attributes:
        name: profile id (``"birch-ply"``).
        density: kg/m^3.
        modulus_along, modulus_across: bending stiffness E along / across the face grain, MPa.
        strength_along, strength_across: modulus of rupture, MPa.
        safety_factor: allowable stress = strength / safety_factor.
        thicknesses: nominal -> typical measured thickness, mm.
        sheets: available sheet sizes ``(length along grain, width)``, mm.
        price_per_m2: material cost per square metre of sheet (the price when ``prices`` has no entry).
        prices: price per square metre by nominal thickness, ``((nominal mm, price), ...)``; the
            YAML field ``price_per_m2`` may be a number or such a mapping (``{4: 14.0, 18: 38.0}``).
    """

    name: str
    title: str
    density: float
    modulus_along: float
    modulus_across: float
    strength_along: float
    strength_across: float
    safety_factor: float = 4.0
    thicknesses: tuple[tuple[float, float], ...] = ()
    sheets: tuple[tuple[float, float], ...] = ((2440.0, 1220.0),)
    price_per_m2: float = 0.0
    prices: tuple[tuple[float, float], ...] = ()

    @property
    def density_kg_mm3(self) -> float:
        """Density in kg/mm^3 (for meshes in mm)."""
        return self.density * 1e-9

    def allowable_stress(self, along: bool = True) -> float:
        """Allowable bending stress, MPa."""
        return (self.strength_along if along else self.strength_across) / self.safety_factor

    def price_m2(self, thickness: float) -> float:
        """The price per square metre of sheet at a thickness (mm, measured or nominal).

        With per-thickness ``prices``, the entry whose nominal (or its typical measured thickness)
        is nearest to ``thickness``; otherwise the single ``price_per_m2``.
        """
        if not self.prices:
            return self.price_per_m2
        measured = dict(self.thicknesses)

        def distance(entry: tuple[float, float]) -> float:
            nominal = entry[0]
            return min(abs(nominal - thickness), abs(measured.get(nominal, nominal) - thickness))

        return min(self.prices, key=distance)[1]

    def sheet_price(self, thickness: float, size: tuple[float, float] | None = None) -> float:
        """The price of one whole sheet (``size`` mm, default the first of ``sheets``) at a thickness."""
        w, h = size or self.sheets[0]
        return w * h / 1e6 * self.price_m2(thickness)


def _parse(name: str, data: Any, source: str) -> Material:
    if not isinstance(data, dict):
        raise ProfileError(f"material {name!r} in {source}: expected a mapping of fields")
    missing = [f for f in _FIELDS if f not in data]
    if missing:
        raise ProfileError(f"material {name!r} in {source} is missing {', '.join(missing)}; "
                           f"every material needs {', '.join(_FIELDS)}")
    check_fields(data, _NUMBERS, "material", name, source)
    try:
        return Material(
            name=name, title=str(data.get("title", name)),
            **{f: float(data[f]) for f in _FIELDS},
            safety_factor=float(data.get("safety_factor", 4.0)),
            thicknesses=tuple(sorted((float(k), float(v)) for k, v in (data.get("thicknesses") or {}).items())),
            sheets=tuple((float(a), float(b)) for a, b in (data.get("sheets") or [[2440, 1220]])),
            **_prices(data.get("price_per_m2", 0.0)))
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"material {name!r} in {source}: {exc}") from None


def _prices(value: Any) -> dict[str, Any]:
    """``price_per_m2`` as a number, or a mapping {nominal thickness: price} (the thinnest's price is
    then the fallback ``price_per_m2``)."""
    if isinstance(value, dict):
        if not value:
            raise ValueError("price_per_m2 is an empty mapping; give {nominal mm: price per m^2} or one number")
        prices = tuple(sorted((float(k), float(v)) for k, v in value.items()))
        if any(p < 0 for _, p in prices):
            raise ValueError("price_per_m2 has a negative price")
        return {"price_per_m2": prices[0][1], "prices": prices}
    price = float(value)
    if price < 0:
        raise ValueError(f"price_per_m2 {price:g} is negative")
    return {"price_per_m2": price}


@lru_cache(maxsize=8)
def load_materials(extra: str | None = None) -> dict[str, Material]:
    """Shipped materials, updated by the entries of a user YAML file ``extra`` if given."""
    return load_profiles("parametric", "data/materials.yaml", _parse, "material", extra)


def get_material(name: str, extra: str | None = None) -> Material:
    """The material profile ``name``; ProfileError listing the known ones otherwise."""
    return pick(load_materials(extra), name, "material")
