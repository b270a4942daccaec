"""Orders: several designs nested together, ``d4d nest slice_chair:4 table/coffee:1 shelf.json``.

An order line is ``SOURCE[:COUNT]``: a model name (its defaults) or ``MODEL/PRESET``, a
design.json / params.json written by d4d, or a DXF of loose parts (``parts.dxf:in#LAYER`` as
before), with an optional trailing ``:COUNT`` (copies, default 1). The parts of every line are
multiplied by its count and, when there is more than one line or copy, named
``<line label>/<part name>`` so the parts of a chair and a table never share a name.
``d4d export`` takes the same lines, DXFs aside (:func:`resolve_line`), for an order's bundle
(:mod:`fabrication.export.orderbundle`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from fabrication.layout import sheet_lower_bound  # noqa: F401 (the order's area lower bound, public here too)
from parametric.errors import D4DError
from parametric.part import FlatPart

_COUNT = re.compile(r"^(?P<source>.+?):(?P<count>\d+)$")


class OrderError(D4DError, ValueError):
    """An order line that cannot be read (its text and the fix are in the message)."""


@dataclass(frozen=True)
class OrderLine:
    """One line of an order: what to build (``source`` as typed, count stripped) and how many."""

    source: str
    count: int = 1

    @property
    def label(self) -> str:
        """A short name for the line's parts: the model (and preset), or the file's stem."""
        text = self.source.split("#")[0]
        if "." not in Path(text).name:
            return text.replace("/", "-")
        path = Path(text.split(":")[0])  # a design folder's own file is named by its folder
        return path.parent.name if path.stem in ("design", "params") and path.parent.name else path.stem


def parse_line(text: str) -> OrderLine:
    """``SOURCE[:COUNT]`` -> OrderLine; a count must be a whole number from 1 to 1000."""
    text = text.strip()
    if not text:
        raise OrderError("an empty order line: write SOURCE[:COUNT], e.g. slice_chair:4 or design.json")
    match = _COUNT.match(text)
    if match is None or Path(text).is_file():
        return OrderLine(text)
    count = int(match["count"])
    if not 1 <= count <= 1000:
        raise OrderError(f"{text}: the count after ':' must be 1 to 1000 copies, not {count}")
    return OrderLine(match["source"], count)


def split_model(source: str) -> tuple[str, str | None]:
    """``MODEL/PRESET`` -> (model, preset); no preset -> (model, None)."""
    model, _, preset = source.partition("/")
    return model, (preset or None)


def combine(groups: Sequence[tuple[OrderLine, Sequence[FlatPart]]]) -> list[FlatPart]:
    """The parts of every line, quantities times the line's count; renamed ``label/name`` (labels
    made unique with ``-2``, ``-3``) unless the order is one line of one copy.

    Raises:
        OrderError: the lines' parts are cut from different sheet thicknesses or materials.
    """
    lines = [(line, list(parts)) for line, parts in groups if parts]
    if not lines:
        raise OrderError("the order has no parts to nest")
    kinds = {(round(p.thickness, 3), p.material) for _, parts in lines for p in parts}
    if len(kinds) > 1:
        found = ", ".join(f"{t:g} mm {m}" for t, m in sorted(kinds))
        raise OrderError(f"the order mixes sheet materials ({found}); one run nests onto one sheet material: "
                         "nest each material separately, or set the designs to the same thickness")
    if len(lines) == 1 and lines[0][0].count == 1:
        return lines[0][1]
    out: list[FlatPart] = []
    for label, (line, parts) in zip(unique_labels([line for line, _ in lines]), lines):
        out += [replace(p, name=f"{label}/{p.name}", quantity=p.quantity * line.count) for p in parts]
    return out


def unique_labels(lines: Sequence[OrderLine]) -> list[str]:
    """Each line's label, the second and later uses of one label made ``label-2``, ``label-3``."""
    seen: dict[str, int] = {}
    out = []
    for line in lines:
        seen[line.label] = seen.get(line.label, 0) + 1
        out.append(line.label if seen[line.label] == 1 else f"{line.label}-{seen[line.label]}")
    return out


def resolve_line(line: OrderLine):
    """What a design line builds: ``(model class, preset or None, parameter file or None)`` for a
    model name, ``MODEL/PRESET``, or a design.json / params.json written by d4d (not a DXF).

    Raises:
        OrderError: the source is neither a file nor a model, the model has no such preset, or the
            file does not name its model.
    """
    from parametric.paramfile import load_params_file
    from parametric.registry import available_models, get_model

    path = Path(line.source)
    if path.suffix or path.is_file():
        if not path.is_file():
            raise OrderError(f"{line.source}: no such file; give a design.json or params.json written by d4d, or a "
                             "model name (MODEL/PRESET:COUNT)")
        model, _ = load_params_file(path)
        if model is None:
            raise OrderError(f"{path} does not name its model; pass a design.json or params.json written by d4d")
        return get_model(model), None, path
    model, preset = split_model(line.source)
    if model not in available_models() and model.replace("-", "_") not in available_models():
        raise OrderError(f"{line.source!r} is neither a file nor a model; give a design.json or params.json "
                         "written by d4d (to d4d nest, also a DXF), or one of the models "
                         f"{', '.join(sorted(available_models()))} (MODEL/PRESET:COUNT)")
    cls = get_model(model)
    if preset is not None and preset not in cls.schema.presets:
        raise OrderError(f"{line.source}: {cls.name} has no preset {preset!r}; its presets are "
                         f"{', '.join(cls.schema.presets)}")
    return cls, preset, None
