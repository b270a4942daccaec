"""Options and error handling shared by every ``d4d`` command (the command modules and ``cli.py``
import from here, so no command imports the command line that registers it)."""

from __future__ import annotations

import functools
import math
import sys
from pathlib import Path

import click

from fabrication.layout import NEST_ROUNDS, NEST_TIME_LIMIT
from parametric.errors import D4DError

class FiniteFloat(click.FloatRange):
    """A float option that must be finite (no nan or inf) and within a range, with units in the message."""

    def __init__(self, min: float | None = None, *, min_open: bool = False, unit: str = ""):
        super().__init__(min=min, min_open=min_open)
        self.unit = unit

    def convert(self, value, param, ctx):
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        try:
            return super().convert(number, param, ctx)
        except click.BadParameter:
            bound = "greater than" if self.min_open else "at least"
            self.fail(f"{value!r} must be {bound} {self.min:g}{' ' + self.unit if self.unit else ''}", param, ctx)


#: seconds of search (nesting) and millimetres of gap: positive or zero, finite
SECONDS = FiniteFloat(0, min_open=True, unit="s")
MM = FiniteFloat(0, unit="mm")
POSITIVE_MM = FiniteFloat(0, min_open=True, unit="mm")

SET_HELP = "Set a parameter, e.g. --set seat_height=450 or --set width=18in (repeatable)."


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _interrupted() -> None:
    from parametric import scratch

    scratch.remove_all()  # whatever is still scratch now never became an output (e.g. just made when Ctrl-C came)
    click.echo("interrupted: nothing half-written was left behind", err=True)
    sys.exit(130)


def friendly(fn):
    """Turn d4d's own errors into a one-paragraph message and exit status 2 (no traceback), and Ctrl-C
    into exit status 130 (outputs are staged, so an interrupted command leaves them as they were)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except D4DError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _interrupted()
        except Exception as exc:
            from .interrupt import caused_by_interrupt

            if caused_by_interrupt(exc):  # e.g. a native module's import failing on the interrupt
                _interrupted()
            raise

    return wrapper


def param_options(fn):
    """The options that choose parameters: --preset, --set, --params."""
    fn = click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
                      help="JSON or YAML parameter file (e.g. a design's params.json).")(fn)
    fn = click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help=SET_HELP)(fn)
    return click.option("--preset", help="Start from a named preset (see `d4d info MODEL`).")(fn)


def nest_options(fn):
    """The nesting budget: --nest-rounds (the work, so the same layout on any machine) and
    --nest-time (a guard)."""
    fn = click.option("--nest-time", type=SECONDS, default=NEST_TIME_LIMIT, show_default=True,
                      help="Seconds after which the nesting search stops even if its rounds are not done (a guard: "
                           "a layout cut short by it depends on the machine's speed).")(fn)
    return click.option("--nest-rounds", type=click.IntRange(min=1), default=NEST_ROUNDS, show_default=True,
                        help="Improvement rounds of the nesting search: its work, so the same layout on any "
                             "machine (more rounds, a shorter last sheet or a sheet fewer at times).")(fn)


def model_options(fn):
    """The MODEL argument and the options that choose its parameters (:func:`param_options`)."""
    return click.argument("model")(param_options(fn))


def parse_sheet(text: str) -> tuple[float, float]:
    """``--sheet 2440x1220`` (or ``96inx48in``) -> (width, height) in mm."""
    from parametric.units import parse_length

    a, sep, b = text.lower().partition("x")
    if not sep:
        raise D4DError(f"--sheet {text!r}: write WIDTHxHEIGHT, e.g. 2440x1220")
    w, h = parse_length(a, name="--sheet"), parse_length(b, name="--sheet")
    if not (0 < w < math.inf and 0 < h < math.inf):
        raise D4DError(f"--sheet {text!r}: both sides must be positive, finite lengths (mm), e.g. 2440x1220")
    return w, h
