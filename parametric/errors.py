"""Exception hierarchy of d4d.

Every error d4d raises on purpose derives from :class:`D4DError`; each subclass also
derives from the builtin it means (the ezdxf habit), so callers may catch either.
Messages name the problem and the way out: the CLI prints them as they are.
"""

from __future__ import annotations


class D4DError(Exception):
    """Root of every d4d error."""


class ParameterError(D4DError, ValueError):
    """A parameter value is out of range, of the wrong kind, or unknown.

    Attributes:
        names: the parameter names the error is about (may be empty).
    """

    def __init__(self, message: str, names: tuple[str, ...] | list[str] = ()):
        super().__init__(message)
        self.names = tuple(names)


class ConstraintError(ParameterError):
    """A combination of parameter values breaks one of the model's constraints."""


class ParamsFileError(D4DError, ValueError):
    """A parameter / design file cannot be read (missing, malformed, wrong model)."""


class UnknownModelError(D4DError, LookupError):
    """No model of that name is registered."""


class GeometryError(D4DError, ValueError):
    """A 2D outline or a 3D placement is invalid (empty, self-intersecting, open...)."""


class JoineryError(GeometryError):
    """A joint cannot be cut (a slot would split a part, plates do not interlock...)."""


class FabricationError(D4DError, ValueError):
    """Parts cannot be prepared or laid out for the chosen machine, material or sheet."""


class ProfileError(D4DError, ValueError):
    """A machine or material profile is unknown or malformed."""


class OutputError(D4DError, OSError):
    """An output cannot be written where it was asked to go."""


class MissingExtraError(D4DError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""
