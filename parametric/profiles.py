"""Profiles as data: shipped YAML entries, overridden or extended by a user's YAML file."""

from __future__ import annotations

import math
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import ProfileError

T = TypeVar("T")


def load_profiles(package: str, resource: str, parse: Callable[[str, Any, str], T], what: str,
                  extra: str | None = None) -> dict[str, T]:
    """Parse every entry of ``package/resource``, then of the user file ``extra`` (same layout).

    Raises:
        ProfileError: a malformed entry in the user file (naming the file and the problem).
        ParamsFileError: an unreadable, too large or malformed user file.
    """
    text = resources.files(package).joinpath(resource).read_text()
    out = {k: parse(k, v, Path(resource).name) for k, v in yaml.safe_load(text).items()}
    if extra:
        from .paramfile import parse_mapping, read_text_bounded

        path = Path(extra)
        data = parse_mapping(read_text_bounded(path, f"{what} file"), source=str(path))  # bounded: no alias bomb
        if not isinstance(data, dict):
            raise ProfileError(f"{what} file {path}: expected a mapping of {what} names to fields")
        out.update({k: parse(k, v, str(path)) for k, v in data.items()})
    return out


def pick(profiles: dict[str, T], name: str, what: str) -> T:
    """The profile ``name``; ProfileError listing the known ones otherwise."""
    if name not in profiles:
        raise ProfileError(f"unknown {what} {name!r}; known {what}s: {', '.join(sorted(profiles))}")
    return profiles[name]


#: a field rule: (unit for messages, smallest value allowed, whether the smallest is excluded)
FieldRule = tuple[str, float, bool]
POSITIVE = 0.0, True
NON_NEGATIVE = 0.0, False


def rule(unit: str, bound: tuple[float, bool] = POSITIVE) -> FieldRule:
    """A :data:`FieldRule`: a finite number in ``unit``, positive (default) or at least zero (:data:`NON_NEGATIVE`)."""
    return unit, *bound


def _values(value: Any, shape: str) -> list[tuple[str, Any]]:
    """The numbers a field holds, each with its place, by shape: ``"number"``; ``"pair"`` ``[a, b]``;
    ``"map"`` ``{key: value}`` (keys and values are numbers; ``"map+"``: not empty); ``"map_values"``
    ``{name: value}`` (values are numbers); ``"pairs"`` ``[[a, b], ...]``."""
    if shape == "number":
        return [("", value)]
    if shape == "number_or_map":  # one number, or {nominal thickness: number} (prices per thickness)
        return _values(value, "map+" if isinstance(value, dict) else "number")
    if shape == "pair":
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise TypeError("write two numbers, e.g. [1000, 600]")
        return [("[0]", value[0]), ("[1]", value[1])]
    if shape in ("map", "map+", "map_values"):
        if not isinstance(value, dict) or (shape == "map+" and not value):
            raise TypeError("write a mapping" + (" of numbers, e.g. {3: 15, 6: 6.5}" if shape != "map_values"
                                                 else " of names to numbers, e.g. {acrylic: 0.05}"))
        keys = [] if shape == "map_values" else [(f" key {k!r}", k) for k in value]
        return keys + [(f"[{k!r}]", v) for k, v in value.items()]
    if not isinstance(value, (list, tuple)):
        raise TypeError("write a list of pairs, e.g. [[2440, 1220]]")
    out: list[tuple[str, Any]] = []
    for i, item in enumerate(value):
        out += [(f"[{i}]{where}", v) for where, v in _values(item, "pair")]
    return out


def _number(value: Any) -> float | None:
    """``value`` as a float if it is a real number (not a bool; a numeric string counts), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def check_fields(data: dict, rules: dict[str, tuple[str, FieldRule]], what: str, name: str, source: str) -> None:
    """Refuse a profile entry whose numeric fields are not finite numbers in range, before it is parsed.

    Args:
        data: the entry's raw mapping (fields that are absent are not checked: the parser's defaults hold).
        rules: field name -> (shape, rule): shape as in :func:`_values`, rule from :func:`rule`.
        what, name, source: ``"machine"``/``"material"``, the entry's name and its file, for the message.

    Raises:
        ProfileError: one paragraph naming the profile, the field, the value and the fix.
    """
    for field_name, (shape, (unit, low, open_)) in rules.items():
        if field_name not in data or data[field_name] is None and shape != "number":
            continue
        try:
            values = _values(data[field_name], shape)
        except TypeError as exc:
            raise ProfileError(f"{what} {name!r} in {source}: field {field_name} is {data[field_name]!r}; "
                               f"{exc}") from None
        for where, raw in values:
            number = _number(raw)
            bound = f"{'greater than' if open_ else 'at least'} {low:g}{' ' + unit if unit else ''}"
            problem = ("is not a number" if number is None else "is not finite" if not math.isfinite(number)
                       else "is out of range" if number < low or (open_ and number <= low) else "")
            if problem:
                raise ProfileError(f"{what} {name!r} in {source}: field {field_name}{where} = {raw!r} {problem}; "
                                   f"write a number {bound}")
