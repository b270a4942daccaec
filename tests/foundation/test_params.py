"""Parameter specs, constraints, hashing and parameter files."""

from __future__ import annotations

import json

import pytest

from parametric import get_model
from parametric.errors import ConstraintError, ParameterError, ParamsFileError
from parametric.paramfile import dump_params, parse_params_text
from parametric.params import Angle, Choice, Count, Flag, Length, ParamSchema, Profile, require
from parametric.units import parse_length

SCHEMA = get_model("slice_chair").schema


@pytest.mark.parametrize("text, mm", [(450, 450.0), ("450mm", 450.0), ("17.7 mm", 17.7), ("0.75in", 19.05),
                                      ("3/4 in", 19.05), ("45cm", 450.0), ('2"', 50.8)])
def test_lengths_accept_units(text, mm):
    assert parse_length(text) == pytest.approx(mm)


@pytest.mark.parametrize("text", ["abc", "12 furlongs", "", "1/0in", True])
def test_bad_lengths_are_refused(text):
    with pytest.raises(ParameterError):
        parse_length(text, name="width")


def test_out_of_range_names_parameter_and_range():
    with pytest.raises(ParameterError) as exc:
        SCHEMA.make({"seat_height": 900})
    assert exc.value.names == ("seat_height",)
    assert "seat_height" in str(exc.value) and "250 to 520 mm" in str(exc.value)


def test_unknown_parameter_suggests_close_name():
    with pytest.raises(ParameterError, match="did you mean 'seat_height'"):
        SCHEMA.make({"seat_hieght": 400})


def test_constraint_names_both_parameters():
    with pytest.raises(ConstraintError) as exc:
        SCHEMA.make({"seat_height": 500, "back_height": 550})
    assert set(exc.value.names) >= {"seat_height", "back_height"}
    assert "550" in str(exc.value) and "500" in str(exc.value)


def test_inch_input_is_stored_in_mm():
    p = SCHEMA.make({"width": "20in"})
    assert p.width == pytest.approx(508.0)


def test_params_are_frozen_and_hash_is_stable():
    p = SCHEMA.defaults()
    with pytest.raises(AttributeError):
        p.width = 10
    assert p.hash == SCHEMA.defaults().hash and len(p.hash) == 12
    assert p.replace(width=500).hash != p.hash
    assert p.replace(width=500).replace(width=p.width).hash == p.hash


def test_hash_is_pinned_for_the_defaults():
    """The hash names download bundles: it must not drift between releases by accident."""
    p = SCHEMA.defaults()
    canon = json.dumps({"model": p.model, "params": p.to_dict()}, sort_keys=True, separators=(",", ":"))
    import hashlib

    assert p.hash == hashlib.sha256(canon.encode()).hexdigest()[:12]


def test_key_is_the_hash_without_the_constraints():
    """``key`` (a batch's folder key, made before the variant is built) is ``make(...).hash`` for valid
    values, a hash too for values that only break a cross-parameter constraint, and refuses what
    ``make`` refuses value by value."""
    for values, preset in [({}, None), ({"width": "20in", "seat_height": 430}, None), ({}, "lounge"),
                           ({"back_height": 600}, "lounge")]:
        assert SCHEMA.key(values, preset=preset) == SCHEMA.make(values, preset=preset).hash
    broken = {"seat_height": 500, "back_height": 550}
    with pytest.raises(ConstraintError):
        SCHEMA.make(broken)
    assert SCHEMA.key(broken) != SCHEMA.key({"seat_height": 500, "back_height": 551})
    assert SCHEMA.key(broken) == SCHEMA.key({**broken, "width": SCHEMA.defaults().width})
    for bad in ({"seat_height": 900}, {"seat_hieght": 400}):
        with pytest.raises(ParameterError):
            SCHEMA.key(bad)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_parameter_file_round_trip(fmt):
    p = SCHEMA.make({"width": 500, "profile": [(0, 0), (0, -5), (10, 0), (0, 0), (-20, 10)]}, preset="lounge")
    model, values = parse_params_text(dump_params(p, fmt), fmt=fmt)
    assert model == "slice_chair"
    again = SCHEMA.make(values)
    assert again == p and again.hash == p.hash


@pytest.mark.parametrize("text", ["{not json", "- a\n- b\n", "params: 5\n", "a: [1,\n"])
def test_malformed_parameter_files(text):
    with pytest.raises(ParamsFileError):
        parse_params_text(text, source="bad.yaml")


def test_every_preset_is_valid():
    for name in SCHEMA.presets:
        SCHEMA.make(preset=name)


def test_unknown_preset():
    with pytest.raises(ParameterError, match="dining"):
        SCHEMA.make(preset="dinning")


def test_spec_kinds_and_descriptions():
    class Demo:
        a = Length(10, min=0, max=20, step=1)
        b = Angle(5, min=0, max=90, step=1)
        c = Count(2, min=1, max=4)
        d = Choice("x", ["x", "y"])
        e = Flag(False)
        f = Profile([(0, 0), (1, 1)], min=(-5, -5), max=(5, 5))

    schema = ParamSchema("demo", [Demo.a, Demo.b, Demo.c, Demo.d, Demo.e, Demo.f],
                         [require(lambda p: p.a > p.c, "a must exceed c", "a", "c")])
    p = schema.make({"b": "30deg", "c": "3", "d": "y", "e": "yes", "f": "1,2; 3,4"})
    assert (p.b, p.c, p.d, p.e, p.f) == (30.0, 3, "y", True, ((1, 2), (3, 4)))
    kinds = [d["kind"] for d in schema.describe()["parameters"]]
    assert kinds == ["length", "angle", "count", "choice", "flag", "profile"]
    for bad in ({"c": 2.5}, {"d": "z"}, {"e": "maybe"}, {"f": "1,2"}, {"f": "9,9; 0,0"}, {"a": 1}):
        with pytest.raises(ParameterError):
            schema.make(bad)
