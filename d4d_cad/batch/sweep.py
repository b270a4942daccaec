"""Sweep files: which variants of a model a batch run makes.

A sweep (YAML or JSON) names a model and how to vary it::

    model: slice_chair
    preset: dining                 # optional starting point
    params: {thickness: 17.4}      # fixed values for every variant
    machine: cnc-router-6mm        # or a list: one axis of the grid
    material: birch-ply:18         # NAME or NAME:NOMINAL_MM, or a list (a shop sweeps its stock)
    grid:                          # cartesian product of these axes
      width: [420, 460, 500]
      seat_height: {min: 400, max: 460, step: 20}   # step defaults to the spec's step
    rows: variants.csv             # optional: explicit variants, one per CSV row (header = names)
    random: {count: 50, seed: 0, params: [back_angle, seat_depth]}   # seeded draws, per grid point
    lhs: {count: 20, seed: 0, params: [width, seat_depth]}           # or a Latin hypercube sample
    outputs: [report, cut_files, bundle, thumbnail]                  # what each variant writes
    options: {relief: dogbone, unit: mm, nest_rounds: 100}           # the export's options
    # options: {figure: true}      # thumbnails seat the first figure each variant is for (or: figure: man-p95)

The sweep is *counted* before it is expanded, and refused past ``max_variants`` (default
:data:`DEFAULT_MAX_VARIANTS`); every value is read with its parameter's own units before any work
starts, so a typo is named by file, line and field rather than found hours into a run. Values out of
range or breaking a model's constraint are not errors: those variants are ``refused`` in the results.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fabrication.layout import NEST_ROUNDS
from parametric.errors import D4DError, ParamsFileError
from parametric.paramfile import Document, parse_document, read_text_bounded
from parametric.params import Angle, Choice, Count, Flag, Length
from parametric.registry import get_model

from .rows import coerce_value, read_rows

#: a sweep larger than this is refused before any work unless max_variants allows it
DEFAULT_MAX_VARIANTS = 10_000
#: what a variant can write: the check report (check.json, params.json), the cut files (sheet DXF/SVG,
#: bom.csv), the full download bundle (zip) and a thumbnail (PNG)
OUTPUTS = ("report", "cut_files", "bundle", "thumbnail")
DEFAULT_OUTPUTS = ("report", "bundle", "thumbnail")  # without a machine: report and thumbnail
#: export options a sweep may set, with their defaults (the batch keeps nesting deterministic by
#: bounding it by rounds, with a generous time limit as a safety net only); ``figure``: the thumbnail
#: seats a figure on a seating variant, drawn behind it from a three-quarter side view (true: the first
#: figure the variant is for; a name: that figure); off by default, so a sweep's thumbnails frame the
#: product alone, as large as the card allows, and compare at one scale across models
OPTIONS = {"relief": "auto", "unit": "mm", "kerf": True, "layout": "nest", "nest_rounds": NEST_ROUNDS,
           "nest_time": 30.0, "checks": True, "labels": "engrave", "holding_tabs": False, "cost_by": "sheet",
           "figure": False}
KEYS = ("model", "preset", "params", "grid", "rows", "random", "lhs", "machine", "material", "outputs", "options")


class SweepTooLargeError(ParamsFileError):
    """The sweep expands to more variants than allowed."""


@dataclass(frozen=True)
class Range:
    """``{min, max, step}`` of a numeric axis, counted without being expanded."""

    lo: float
    hi: float
    step: float
    integer: bool = False

    def __len__(self) -> int:
        return int(math.floor((self.hi - self.lo) / self.step + 1e-9)) + 1

    def __getitem__(self, i: int) -> float | int:
        if not 0 <= i < len(self):
            raise IndexError(i)
        value = self.lo + i * self.step
        return int(round(value)) if self.integer else round(value, 6)


@dataclass(frozen=True)
class Variant:
    """One variant: parameter overrides on top of the preset, the machine and the material."""

    index: int
    values: dict[str, Any]
    machine: str | None = None
    material: str | None = None


@dataclass
class Sweep:
    """A model, a starting point and the variants to run (see the module docstring)."""

    model: str
    preset: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, Sequence[Any]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    random_count: int = 0
    random_seed: int = 0
    random_params: list[str] = field(default_factory=list)
    sampler: str = "random"
    machines: list[str | None] = field(default_factory=lambda: [None])
    materials: list[str | None] = field(default_factory=lambda: [None])
    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    options: dict[str, Any] = field(default_factory=lambda: dict(OPTIONS))
    source: str = "<sweep>"

    def __len__(self) -> int:
        n = len(self.machines) * len(self.materials) * max(1, len(self.rows)) * max(1, self.random_count)
        for axis in self.grid.values():
            n *= len(axis)
        return n

    def _samples(self) -> list[dict[str, Any]]:
        """The random or Latin-hypercube values (one dict per sample; ``[{}]`` when none)."""
        if not self.random_count:
            return [{}]
        specs = get_model(self.model).schema.specs
        if self.sampler == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(self.random_params), seed=self.random_seed).random(self.random_count)
            return [{n: _snap(specs[n], u) for n, u in zip(self.random_params, row)} for row in unit]
        return []  # plain random draws continue one generator across grid points (see variants())

    def variants(self) -> Iterator[Variant]:
        """Every variant of the sweep, in a stable order (machine, material, grid, row, sample)."""
        specs = get_model(self.model).schema.specs
        names = list(self.grid)
        rng = random.Random(self.random_seed)
        samples = self._samples()
        index = 0
        for machine, material in itertools.product(self.machines, self.materials):
            for combo in itertools.product(*(self.grid[n] for n in names)):
                base = {**self.params, **dict(zip(names, combo))}
                for row in self.rows or [{}]:
                    values = {**base, **row}
                    row_machine = values.pop("machine", None) or machine
                    row_material = values.pop("material", None) or material
                    for k in range(max(1, self.random_count)):
                        if self.random_count and self.sampler == "random":
                            drawn = {n: _draw(specs[n], rng) for n in self.random_params}
                        else:
                            drawn = samples[k] if self.random_count else {}
                        yield Variant(index, {**values, **drawn}, row_machine, row_material)
                        index += 1


def _levels(spec) -> tuple | None:
    """The values of a Choice (its options) or a Flag (False, True); None for a numeric spec."""
    if isinstance(spec, Choice):
        return spec.options
    if isinstance(spec, Flag):
        return (False, True)
    return None


def _draw(spec, rng: random.Random) -> Any:
    """One seeded draw: a step of a numeric spec's grid, or one of a Choice's options / a Flag's values."""
    if (levels := _levels(spec)) is not None:
        return levels[rng.randrange(len(levels))]
    steps = int(round((spec.max - spec.min) / spec.step))
    value = spec.min + rng.randint(0, steps) * spec.step
    return int(value) if isinstance(spec, Count) else round(min(value, spec.max), 6)


def _snap(spec, u: float) -> Any:
    """A unit-interval sample onto the nearest point of the spec's step grid (so a sample moves at most half
    a step out of its stratum); a Choice or Flag takes the level whose share of the interval holds ``u``."""
    if (levels := _levels(spec)) is not None:
        return levels[min(int(u * len(levels)), len(levels) - 1)]
    steps = int(round((spec.max - spec.min) / spec.step))
    value = spec.min + min(steps, round(u * (spec.max - spec.min) / spec.step)) * spec.step
    return int(value) if isinstance(spec, Count) else round(min(value, spec.max), 6)


def _number(doc: Document, value: Any, *path: Any, integer: bool = False, positive: bool = False) -> float:
    """A finite number from a sweep field, or an error naming file, line and field."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and integer and not float(value).is_integer():
        ok = False
    if ok and positive and value <= 0:
        ok = False
    if not ok:
        kind = "a positive whole number" if integer and positive else "a whole number" if integer else \
            "a positive number" if positive else "a finite number"
        raise ParamsFileError(f"{doc.where(*path)}: {value!r} is not {kind}")
    return int(value) if integer else float(value)


def _axis(doc: Document, spec, name: str, values: Any, cap: int) -> Sequence[Any]:
    path = ("grid", name)
    if isinstance(values, list):
        if not values:
            raise ParamsFileError(f"{doc.where(*path)}: grid axis {name!r} has no values; give at least one")
        return [coerce_value(spec, v, doc.where(*path, i)) for i, v in enumerate(values)]
    if isinstance(values, dict) and isinstance(spec, (Length, Angle, Count)):
        unknown = set(values) - {"min", "max", "step"}
        if unknown:
            raise ParamsFileError(f"{doc.where(*path)}: unknown keys {sorted(unknown)}; a range has min, max, step")
        lo = coerce_value(spec, values.get("min", spec.min), doc.where(*path, "min"))
        hi = coerce_value(spec, values.get("max", spec.max), doc.where(*path, "max"))
        step = _number(doc, values.get("step", spec.step), *path, "step", positive=True,
                       integer=isinstance(spec, Count))
        if hi < lo:
            raise ParamsFileError(f"{doc.where(*path)}: min {lo:g} is above max {hi:g}")
        count = (hi - lo) / step
        if count + 1 > cap:
            raise SweepTooLargeError(f"{doc.where(*path, 'step')}: a step of {step:g} makes {int(count) + 1:,} values "
                                     f"on axis {name!r}, more than the {cap:,} variants allowed; use a larger step "
                                     "or raise --max-variants")
        return Range(lo, hi, step, isinstance(spec, Count))
    raise ParamsFileError(f"{doc.where(*path)}: grid axis {name!r} must be a list of values"
                          + (", or {min, max, step}" if isinstance(spec, (Length, Angle, Count)) else ""))


def _names(doc: Document, value: Any, *path: str) -> list[str]:
    """A name or a list of names (machine, material axes)."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ParamsFileError(f"{doc.where(*path)}: give a name or a list of names, e.g. {path[-1]}: [a, b]")
    return [v.strip() for v in items]


def _sampling(doc: Document, key: str, schema, cap: int) -> tuple[int, int, list[str]]:
    spec = doc.data[key]
    if not isinstance(spec, dict):
        raise ParamsFileError(f"{doc.where(key)}: {key} must be a mapping: {{count, seed, params}}")
    unknown = set(spec) - {"count", "seed", "params"}
    if unknown:
        raise ParamsFileError(f"{doc.where(key)}: unknown keys {sorted(unknown)}; use count, seed, params")
    count = _number(doc, spec.get("count", 0), key, "count", integer=True)
    if count < 1:
        raise ParamsFileError(f"{doc.where(key, 'count')}: count must be at least 1")
    if count > cap:
        raise SweepTooLargeError(f"{doc.where(key, 'count')}: {count:,} samples is more than the {cap:,} variants "
                                 "allowed; raise --max-variants")
    seed = _number(doc, spec.get("seed", 0), key, "seed", integer=True)
    names = spec.get("params", [])
    numeric = [n for n, s in schema.specs.items() if isinstance(s, (Length, Angle, Count, Choice, Flag))]
    if names == "all":
        names = numeric
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ParamsFileError(f"{doc.where(key, 'params')}: list the parameters to sample (numbers, choices, "
                              "yes/no), or write all")
    try:
        schema.unknown(names)
    except D4DError as exc:
        raise ParamsFileError(f"{doc.where(key, 'params')}: {exc}") from None
    bad = [n for n in names if n not in numeric]
    if bad:
        raise ParamsFileError(f"{doc.where(key, 'params')}: only numbers, choices and yes/no parameters can be "
                              f"sampled, not {bad}")
    return count, seed, names


def parse_sweep(text: str, *, source: str = "<sweep>", base: Path | None = None,
                max_variants: int = DEFAULT_MAX_VARIANTS) -> Sweep:
    """Read a sweep from YAML/JSON text; ``base`` is the folder relative ``rows:`` paths start from.

    Raises:
        ParamsFileError: a malformed field (named by file, line and field); SweepTooLargeError: more
            than ``max_variants`` variants; ParameterError / UnknownModelError: unknown names.
    """
    doc = parse_document(text, source=source)
    data = doc.data
    if "model" not in data or not isinstance(data["model"], str):
        raise ParamsFileError(f"{source}: a sweep needs a 'model' name, e.g. model: slice_chair")
    unknown = set(data) - set(KEYS)
    if unknown:
        raise ParamsFileError(f"{source}: unknown keys {sorted(unknown)}; a sweep has {', '.join(KEYS)}")
    cls = get_model(data["model"])
    schema = cls.schema
    for key in ("params", "grid", "options"):
        if not isinstance(data.get(key) or {}, dict):
            raise ParamsFileError(f"{doc.where(key)}: {key} must be a mapping of names to values")
    params, grid = dict(data.get("params") or {}), dict(data.get("grid") or {})
    machines = _names(doc, grid.pop("machine"), "grid", "machine") if "machine" in grid else \
        _names(doc, data["machine"], "machine") if data.get("machine") else [None]
    materials = _names(doc, grid.pop("material"), "grid", "material") if "material" in grid else \
        _names(doc, data["material"], "material") if data.get("material") else [None]
    try:
        schema.unknown(list(params) + list(grid))
        if data.get("preset"):
            schema.preset(str(data["preset"]))
    except D4DError as exc:
        raise type(exc)(f"{source}: {exc}") from None
    params = {n: coerce_value(schema.specs[n], v, doc.where("params", n)) for n, v in params.items()}
    axes = {n: _axis(doc, schema.specs[n], n, v, max_variants) for n, v in grid.items()}
    if "random" in data and "lhs" in data:
        raise ParamsFileError(f"{source}: use random or lhs, not both")
    sampler = "lhs" if "lhs" in data else "random"
    count, seed, names = _sampling(doc, sampler, schema, max_variants) if sampler in data else (0, 0, [])
    rows = []
    if data.get("rows") is not None:
        if not isinstance(data["rows"], str):
            raise ParamsFileError(f"{doc.where('rows')}: rows names a CSV file, e.g. rows: variants.csv")
        rows = read_rows((base or Path.cwd()) / data["rows"], schema, source=source)
    has_machine = machines != [None] or "machine" in (rows[0] if rows else {})
    outputs = data.get("outputs", list(DEFAULT_OUTPUTS if has_machine else ("report", "thumbnail")))
    outputs = [outputs] if isinstance(outputs, str) else outputs
    if not isinstance(outputs, list) or not outputs or set(outputs) - set(OUTPUTS):
        raise ParamsFileError(f"{doc.where('outputs')}: outputs is a list of {', '.join(OUTPUTS)}")
    options = _options(doc, data.get("options") or {})
    sweep = Sweep(cls.name, data.get("preset"), params, axes, rows, count, seed, names, sampler, machines,
                  materials, tuple(o for o in OUTPUTS if o in outputs), options, source)
    _validate_profiles(sweep)
    if len(sweep) > max_variants:
        raise SweepTooLargeError(f"{source}: the sweep makes {len(sweep):,} variants, more than the {max_variants:,} "
                                 "allowed; narrow it or raise the cap (--max-variants N)")
    return sweep


def _options(doc: Document, options: dict[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise ParamsFileError(f"{doc.where('options')}: unknown options {sorted(unknown)}; use "
                              f"{', '.join(OPTIONS)}")
    out = dict(OPTIONS)
    choices = {"relief": ("auto", "dogbone", "tbone", "none"), "unit": ("mm", "in"), "layout": ("nest", "rows"),
               "labels": ("engrave", "hidden-face", "none"), "cost_by": ("sheet", "area")}
    for name, value in options.items():
        if name in choices:
            if value not in choices[name]:
                raise ParamsFileError(f"{doc.where('options', name)}: {value!r}; use one of {', '.join(choices[name])}")
        elif name in ("kerf", "checks", "holding_tabs"):
            if not isinstance(value, bool):
                raise ParamsFileError(f"{doc.where('options', name)}: write true or false")
        elif name == "figure":
            from parametric.figure import FIGURES

            if not isinstance(value, bool) and value not in FIGURES:
                raise ParamsFileError(f"{doc.where('options', name)}: {value!r}; write true, false or a figure: "
                                      f"{', '.join(FIGURES)}")
        else:
            value = _number(doc, value, "options", name, positive=True, integer=name == "nest_rounds")
        out[name] = value
    return out


def _validate_profiles(sweep: Sweep) -> None:
    """Unknown machines or materials (or a nominal thickness not stocked) fail before any work, and so
    do cut files or bundles asked for without a machine to cut them on."""
    machines = {*sweep.machines, *(r.get("machine") for r in sweep.rows)} - {None}
    materials = {*sweep.materials, *(r.get("material") for r in sweep.rows)} - {None}
    if machines or materials:
        from fabrication.machines import load_machines

        from parametric.profiles import pick
        from ..pipeline import resolve_material

        known = load_machines()
        for name in machines:
            pick(known, name, "machine")
        for spec in materials:
            resolve_material(spec)
    needs = [o for o in sweep.outputs if o in ("cut_files", "bundle")]
    if needs and (None in sweep.machines and not all(r.get("machine") for r in sweep.rows or [{}])):
        raise ParamsFileError(f"{sweep.source}: outputs {needs} need a machine to cut on: add e.g. "
                              "machine: cnc-router-6mm (`d4d machines` lists them), or ask only for report and "
                              "thumbnail")


def load_sweep(path: str | Path, *, max_variants: int = DEFAULT_MAX_VARIANTS) -> Sweep:
    """Read a sweep file (``rows:`` CSV paths are relative to its folder)."""
    path = Path(path)
    text = read_text_bounded(path, "sweep file")
    return parse_sweep(text, source=str(path), base=path.parent, max_variants=max_variants)
