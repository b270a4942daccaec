"""The base of every parameter spec (``params.py`` holds the number and choice specs,
``params_shape.py`` the 2D ones); both build on this module, so neither imports the other."""

from __future__ import annotations

from typing import Any, ClassVar

from .errors import ParameterError


def _fmt(value: float) -> str:
    """Format a number compactly (no trailing zeros)."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


class Spec:
    """Base of every parameter spec.

    Attributes:
        name: set from the attribute name in the model class.
        default: the value used when nothing else is given.
        help: one sentence for tooltips and ``d4d info``.
        group: the panel / table section the parameter belongs to.
        label: a human label (defaults to the name with spaces).
    """

    kind: ClassVar[str] = "value"
    unit: str = ""

    def __init__(self, default: Any, *, help: str = "", group: str = "General", label: str | None = None):
        self.name = ""
        self.help = help
        self.group = group
        self._label = label
        self._raw_default = default
        self.default: Any = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.default = self.coerce(self._raw_default)
        self.check(self.default)

    @property
    def label(self) -> str:
        """Human-readable label."""
        return self._label or self.name.replace("_", " ").capitalize()

    def error(self, message: str) -> ParameterError:
        """A ParameterError about this parameter."""
        return ParameterError(f"{self.name}: {message}", [self.name])

    def coerce(self, value: Any) -> Any:
        """Convert user input (number, text, list) to the canonical value; raise ParameterError."""
        raise NotImplementedError

    def check(self, value: Any) -> None:
        """Raise ParameterError when a canonical value is outside the declared range."""

    def to_json(self, value: Any) -> Any:
        """Canonical value -> JSON-compatible value."""
        return value

    def describe(self) -> dict[str, Any]:
        """A JSON-compatible description for ``d4d info --json`` and the viewer."""
        return {"name": self.name, "kind": self.kind, "default": self.to_json(self.default),
                "unit": self.unit, "group": self.group, "label": self.label, "help": self.help}

    def range_text(self) -> str:
        """The allowed values in words."""
        return ""
