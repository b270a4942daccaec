"""Declarative parameter specs, constraints and frozen, validated parameter values.

A model declares its parameters once, as class attributes::

    class Stool(Model):
        height = Length(450, min=250, max=750, step=5, group="Size", help="Floor to top of seat")
        legs = Count(4, min=3, max=4, help="Number of legs")

The same declarations drive validation, the CLI (``--set height=18in``), parameter files
(JSON/YAML), the viewer's widgets and batch sweeps. Values are millimetres and degrees inside;
lengths given as text may carry a unit (``"0.75in"``).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ConstraintError, ParameterError
from .params_shape import Outline, Profile  # noqa: F401 - re-exported: models import every spec from here
from .spec import Spec, _fmt
from .units import parse_length

_REL = 1e-9  # relative slack on range checks, so 0.1 + 0.2 style sums never fail a bound


class _Number(Spec):
    """A bounded number with a step (shared by Length and Angle)."""

    def __init__(self, default: float, *, min: float, max: float, step: float, **kw: Any):
        if not min <= max:
            raise ValueError(f"min {min} > max {max}")
        self.min, self.max, self.step = float(min), float(max), float(step)
        super().__init__(default, **kw)

    def _parse(self, value: Any) -> float:
        raise NotImplementedError

    def coerce(self, value: Any) -> float:
        number = self._parse(value)
        if not math.isfinite(number):
            raise self.error(f"{value!r} is not a finite number")
        return round(number, 6)

    def check(self, value: float) -> None:
        slack = _REL * max(1.0, abs(self.max), abs(self.min))
        if not self.min - slack <= value <= self.max + slack:
            raise self.error(f"{_fmt(value)} {self.unit} is out of range; allowed "
                             f"{self.range_text()}")

    def range_text(self) -> str:
        return f"{_fmt(self.min)} to {_fmt(self.max)} {self.unit} (step {_fmt(self.step)})"

    def describe(self) -> dict[str, Any]:
        return super().describe() | {"min": self.min, "max": self.max, "step": self.step}


class Length(_Number):
    """A length in millimetres; text input may carry a unit (``"18in"``, ``"45 cm"``)."""

    kind = "length"
    unit = "mm"

    def _parse(self, value: Any) -> float:
        return parse_length(value, name=self.name)


class Angle(_Number):
    """An angle in degrees; text input may end in ``deg`` or ``°``."""

    kind = "angle"
    unit = "deg"

    def _parse(self, value: Any) -> float:
        if isinstance(value, bool):
            raise self.error(f"expected an angle in degrees, got {value!r}")
        if isinstance(value, str):
            value = value.strip().removesuffix("°").removesuffix("deg").strip()
        try:
            return float(value)
        except OverflowError:  # an int beyond float range (repr of it may itself fail past 4,300 digits)
            raise self.error("the number is too large to be an angle; write degrees, e.g. 30") from None
        except (TypeError, ValueError):
            raise self.error(f"cannot read {value!r} as an angle in degrees") from None


class Count(Spec):
    """A whole number within a range."""

    kind = "count"

    def __init__(self, default: int, *, min: int, max: int, step: int = 1, **kw: Any):
        self.min, self.max, self.step = int(min), int(max), int(step)
        super().__init__(default, **kw)

    def coerce(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.error(f"expected a whole number, got {value!r}")
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range: far out of any count's range
            raise self.error(f"the number is too large; allowed {self.range_text()}") from None
        except (TypeError, ValueError):
            raise self.error(f"cannot read {value!r} as a whole number") from None
        if not number.is_integer():
            raise self.error(f"{value!r} is not a whole number")
        return int(number)

    def check(self, value: int) -> None:
        if not self.min <= value <= self.max:
            raise self.error(f"{value} is out of range; allowed {self.range_text()}")

    def range_text(self) -> str:
        return f"{self.min} to {self.max}"

    def describe(self) -> dict[str, Any]:
        return super().describe() | {"min": self.min, "max": self.max, "step": self.step}


class Choice(Spec):
    """One of a fixed list of options (strings)."""

    kind = "choice"

    def __init__(self, default: str, options: Sequence[str], **kw: Any):
        self.options = tuple(options)
        super().__init__(default, **kw)

    def coerce(self, value: Any) -> str:
        text = str(value).strip()
        if text not in self.options:
            close = difflib.get_close_matches(text, self.options, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.error(f"{text!r} is not an option{hint}; choose one of {self.range_text()}")
        return text

    def range_text(self) -> str:
        return ", ".join(self.options)

    def describe(self) -> dict[str, Any]:
        return super().describe() | {"options": list(self.options)}


class Flag(Spec):
    """A yes/no switch."""

    kind = "flag"
    _TRUE = {"1", "true", "yes", "on", "y"}
    _FALSE = {"0", "false", "no", "off", "n"}

    def coerce(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in self._TRUE:
            return True
        if text in self._FALSE:
            return False
        raise self.error(f"cannot read {value!r} as yes/no; use true or false")

    def range_text(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Constraint:
    """A rule over several parameters, with a message a non-engineer understands.

    ``message`` may use ``{name}`` placeholders for parameter values. A check may instead return a
    string: empty when the rule holds, else the message itself (when the limit must be computed).
    """

    check: Callable[["Params"], bool]
    message: str
    names: tuple[str, ...]


def require(check: Callable[["Params"], bool], message: str, *names: str) -> Constraint:
    """Declare a cross-parameter constraint: ``check(params)`` must be true."""
    return Constraint(check, message, tuple(names))


class Params(Mapping[str, Any]):
    """Frozen, validated parameter values of one model, with a stable short hash.

    Read values as attributes (``p.seat_height``) or items (``p["seat_height"]``).
    """

    __slots__ = ("_schema", "_values", "_hash")

    def __init__(self, schema: "ParamSchema", values: dict[str, Any]):
        object.__setattr__(self, "_schema", schema)
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_hash", None)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Params are frozen; use .replace(name=value)")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Params) and self.model == other.model and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return f"Params({self.model!r}, {self.to_dict()!r})"

    def __reduce__(self):
        owner = self._schema.owner
        if owner is None:
            raise TypeError(f"Params of {self.model!r} cannot be pickled: its schema belongs to no model class")
        return (_rebuild_params, (owner, self.to_dict()))

    @property
    def model(self) -> str:
        """Name of the model these values belong to."""
        return self._schema.model

    @property
    def schema(self) -> "ParamSchema":
        """The schema (specs, constraints, presets) that validated these values."""
        return self._schema

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible values, in declaration order."""
        return {name: self._schema.specs[name].to_json(v) for name, v in self._values.items()}

    @property
    def hash(self) -> str:
        """A stable 12-hex-digit hash of the model name and values (used in file names)."""
        if self._hash is None:
            object.__setattr__(self, "_hash", _digest(self._schema, self._values))
        return self._hash

    def replace(self, **changes: Any) -> "Params":
        """A new validated Params with some values changed."""
        return self._schema.make({**self._values, **changes})

    def changed(self) -> dict[str, Any]:
        """The values that differ from the defaults (JSON-compatible)."""
        defaults = self._schema.defaults().to_dict()
        return {k: v for k, v in self.to_dict().items() if defaults[k] != v}


def _rebuild_params(owner: type, values: dict[str, Any]) -> Params:
    """Unpickle: the model class (pickled by reference, so a process pool or a Dask worker imports
    its module) validates the values again."""
    return owner.schema.make(values)


class ParamSchema:
    """The parameters, constraints and presets of one model."""

    def __init__(self, model: str, specs: Iterable[Spec], constraints: Iterable[Constraint] = (),
                 presets: Mapping[str, Mapping[str, Any]] | None = None, owner: type | None = None):
        self.model = model
        #: the model class this schema belongs to (how its Params pickle)
        self.owner = owner
        self.specs: dict[str, Spec] = {s.name: s for s in specs}
        self.constraints = tuple(constraints)
        self.presets = {k: dict(v) for k, v in (presets or {}).items()}

    def defaults(self) -> Params:
        """The default values (validated)."""
        return self.make({})

    def unknown(self, names: Iterable[str]) -> None:
        """Raise ParameterError for names that are not parameters of this model."""
        for name in names:
            if name not in self.specs:
                close = difflib.get_close_matches(name, self.specs, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ParameterError(
                    f"unknown parameter {name!r} for model {self.model!r}{hint} "
                    f"(see `d4d info {self.model}` for the list)", [name])

    def preset(self, name: str) -> dict[str, Any]:
        """The overrides of a named preset."""
        if name not in self.presets:
            close = difflib.get_close_matches(name, self.presets, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(f"unknown preset {name!r} for model {self.model!r}{hint}; "
                                 f"presets: {', '.join(self.presets) or 'none'}", ["preset"])
        return self.presets[name]

    def make(self, values: Mapping[str, Any] | None = None, *, preset: str | None = None) -> Params:
        """Validate values (over a preset, over the defaults) into frozen Params.

        Raises:
            ParameterError: an unknown name or a value out of range.
            ConstraintError: values in range that break a cross-parameter constraint.
        """
        out = self._checked(values, preset)
        params = Params(self, out)
        verdicts = [(c, _holds(c, params)) for c in self.constraints]
        failures = [c for c, held in verdicts if held is not True]
        if failures:
            lines = [f"{held if isinstance(held, str) else c.message.format(**out)} [{', '.join(c.names)}]"
                     for c, held in verdicts if held is not True]
            names = tuple(dict.fromkeys(n for c in failures for n in c.names))
            raise ConstraintError("impossible combination: " + "; ".join(lines), names)
        return params

    def key(self, values: Mapping[str, Any] | None = None, *, preset: str | None = None) -> str:
        """The hash :meth:`make` would give these values (``make(values, preset=preset).hash``), with every
        value checked against its own range but the cross-parameter constraints left out: a cheap folder
        key for a variant whose full validation runs later, where it is built.

        Raises:
            ParameterError: an unknown name or a value out of range.
        """
        return _digest(self, self._checked(values, preset))

    def _checked(self, values: Mapping[str, Any] | None, preset: str | None) -> dict[str, Any]:
        """Every value, coerced and range-checked, over a preset, over the defaults (declaration order)."""
        given = dict(self.preset(preset)) if preset else {}
        given.update(values or {})
        self.unknown(given)
        out: dict[str, Any] = {}
        for name, spec in self.specs.items():
            if name in given:
                value = spec.coerce(given[name])
                spec.check(value)
            else:
                value = spec.default
            out[name] = value
        return out

    def describe(self) -> dict[str, Any]:
        """JSON-compatible description of every spec, constraint and preset."""
        return {"parameters": [s.describe() for s in self.specs.values()],
                "constraints": [{"message": c.message, "parameters": list(c.names)} for c in self.constraints],
                "presets": self.presets}


def _holds(constraint: Constraint, params: Params) -> bool | str:
    """True when the constraint holds; else False, or the check's own message when it returned one
    (a check may return a non-empty string naming the problem and its limit, or "" when it holds)."""
    try:
        verdict = constraint.check(params)
    except (ArithmeticError, ValueError):
        return False
    if isinstance(verdict, str):
        return verdict or True
    return bool(verdict)


def _digest(schema: ParamSchema, values: dict[str, Any]) -> str:
    """The 12-hex-digit hash of a model's values (:attr:`Params.hash`)."""
    canon = json.dumps({"model": schema.model, "params": {n: schema.specs[n].to_json(v) for n, v in values.items()}},
                       sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()[:12]
