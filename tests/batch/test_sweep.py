"""Sweep files: grids, explicit CSV rows, seeded random and Latin-hypercube samples, machines and
materials as axes, outputs; counted before expanded; every malformed field named by file and line."""

from __future__ import annotations

import tracemalloc

import pytest

from d4d_cad.batch import DEFAULT_MAX_VARIANTS, SweepTooLargeError, load_sweep, parse_sweep
from parametric.errors import ParameterError, ParamsFileError, ProfileError, UnknownModelError

SWEEP = """
model: slice_chair
params: {thickness: 17.4}
grid:
  width: [420, 500]
  seat_height: {min: 400, max: 520, step: 60}
"""


def test_grid_expands_from_lists_and_ranges():
    sweep = parse_sweep(SWEEP)
    variants = list(sweep.variants())
    assert len(sweep) == len(variants) == 6
    assert [v.index for v in variants] == list(range(6))
    assert {v.values["seat_height"] for v in variants} == {400, 460, 520}
    assert all(v.values["thickness"] == 17.4 for v in variants)


def test_values_are_read_with_their_units_before_any_work():
    sweep = parse_sweep("model: slice_chair\ngrid: {width: [18in, 45cm]}\n")
    assert [v.values["width"] for v in sweep.variants()] == [457.2, 450.0]


def test_random_draws_are_in_range_on_the_step_and_seeded():
    text = SWEEP + "random: {count: 5, seed: 3, params: [back_angle, rib_count]}\n"
    a, b = list(parse_sweep(text).variants()), list(parse_sweep(text).variants())
    assert a == b and len(a) == 30
    assert all(90 <= v.values["back_angle"] <= 135 and float(v.values["back_angle"]).is_integer() for v in a)
    assert all(isinstance(v.values["rib_count"], int) for v in a)


def test_latin_hypercube_is_seeded_and_stratified():
    text = "model: slice_chair\nlhs: {count: 10, seed: 7, params: [width, seat_depth]}\n"
    a = [v.values for v in parse_sweep(text).variants()]
    assert a == [v.values for v in parse_sweep(text).variants()] and len(a) == 10
    other = [v.values for v in parse_sweep(text.replace("seed: 7", "seed: 8")).variants()]
    assert a != other
    from models.slice_chair import SliceChair

    for name in ("width", "seat_depth"):
        spec = SliceChair.schema.specs[name]
        span = spec.max - spec.min
        # one sample in each tenth of the range (within half a step, as values keep the spec's step)
        for k, value in enumerate(sorted(v[name] for v in a)):
            assert spec.min + k * span / 10 - spec.step / 2 <= value <= spec.min + (k + 1) * span / 10 + spec.step / 2


@pytest.mark.parametrize("sampler", ["random", "lhs"])
def test_choices_and_flags_are_sampled_among_their_values(sampler):
    """A stool's seat shape (a Choice) sampled with its height: every value is one of the options; a Latin hypercube of 10 gives each of two options exactly 5 times (its strata)."""
    text = f"model: stool\n{sampler}: {{count: 10, seed: 4, params: [seat, height]}}\n"
    values = [v.values for v in parse_sweep(text).variants()]
    seats = [v["seat"] for v in values]
    assert set(seats) <= {"round", "square"} and len(set(seats)) == 2
    if sampler == "lhs":
        assert seats.count("round") == seats.count("square") == 5
    assert all(250 <= v["height"] <= 780 for v in values)


def test_machines_and_materials_are_axes(tmp_path):
    text = ("model: box\nmachine: [co2-laser-60w, cnc-router-6mm]\nmaterial: [birch-ply:4, birch-ply:6.5]\n"
            "grid: {width: [100, 150]}\noutputs: [report, cut_files]\n")
    variants = list(parse_sweep(text).variants())
    assert len(variants) == 8
    assert {(v.machine, v.material) for v in variants} == {(m, t) for m in ("co2-laser-60w", "cnc-router-6mm")
                                                           for t in ("birch-ply:4", "birch-ply:6.5")}
    grid = parse_sweep("model: box\ngrid: {machine: [co2-laser-60w], material: [birch-ply:4], width: [100]}\n"
                       "outputs: [cut_files]\n")
    assert [(v.machine, v.material) for v in grid.variants()] == [("co2-laser-60w", "birch-ply:4")]


def test_explicit_rows_from_csv(tmp_path):
    (tmp_path / "rows.csv").write_text("width,seat_height,machine\n420,400,cnc-router-6mm\n\n18in,45cm,\n")
    (tmp_path / "s.yaml").write_text("model: slice_chair\nmachine: co2-laser-60w\nrows: rows.csv\n"
                                     "material: birch-ply:6.5\noutputs: [report]\n")
    sweep = load_sweep(tmp_path / "s.yaml")
    variants = list(sweep.variants())
    assert [v.values for v in variants] == [{"width": 420.0, "seat_height": 400.0},
                                           {"width": 457.2, "seat_height": 450.0}]
    assert [v.machine for v in variants] == ["cnc-router-6mm", "co2-laser-60w"]


@pytest.mark.parametrize("csv_text, where", [
    ("width,seat_hieght\n420,400\n", "line 1: unknown columns ['seat_hieght']"),
    ("width,seat_height\n420,400\n430\n", "line 3: 1 cells for 2 columns"),
    ("width,seat_height\n420,400\n430,tall\n", "line 3, column seat_height"),
    ("width\n", "has a header but no rows"),
])
def test_a_bad_csv_row_is_named_by_line(tmp_path, csv_text, where):
    (tmp_path / "rows.csv").write_text(csv_text)
    (tmp_path / "s.yaml").write_text("model: slice_chair\nrows: rows.csv\noutputs: [report]\n")
    with pytest.raises(ParamsFileError, match=where.replace("[", r"\[").replace("]", r"\]")):
        load_sweep(tmp_path / "s.yaml")


def test_a_huge_grid_is_counted_not_expanded():
    tracemalloc.start()
    for text in ("model: slice_chair\ngrid: {width: {min: 300, max: 700, step: 0.000001}}\n",
                 "model: slice_chair\nrandom: {count: 1000000000, params: [width]}\n",
                 "model: slice_chair\ngrid: {" + ", ".join(f"{n}: {{}}" for n in
                                                         ("width", "seat_height", "seat_depth", "back_angle",
                                                          "back_height")) + "}\n"):
        with pytest.raises(SweepTooLargeError, match="--max-variants"):
            parse_sweep(text)
    assert tracemalloc.get_traced_memory()[1] < 50e6  # refused before anything was expanded
    tracemalloc.stop()
    big = "model: slice_chair\ngrid: {width: [420, 460], seat_height: [400, 420, 440]}\n"
    with pytest.raises(SweepTooLargeError, match="6 variants, more than the 5 allowed"):
        parse_sweep(big, max_variants=5)
    assert len(parse_sweep(big, max_variants=6)) == 6
    assert DEFAULT_MAX_VARIANTS == 10_000


@pytest.mark.parametrize("text, error, match", [
    ("grid: {width: [1]}", ParamsFileError, "needs a 'model'"),
    ("model: slice_chiar", UnknownModelError, "did you mean 'slice_chair'"),
    ("model: slice_chair\ngrid: {widht: [1]}", ParameterError, "widht"),
    ("model: slice_chair\ngrid:\n  width: []", ParamsFileError, "line 3, field grid.width: .* no values"),
    ("model: slice_chair\ngrid:\n  width: {min: 400, max: 300}", ParamsFileError, "line 3.*above max"),
    ("model: slice_chair\ngrid:\n  width:\n    min: wide", ParamsFileError, "line 4, field grid.width.min"),
    ("model: slice_chair\ngrid:\n  width: {step: -5}", ParamsFileError, "field grid.width.step.*positive"),
    ("model: slice_chair\nrandom:\n  count: many\n  params: [width]", ParamsFileError,
     "line 3, field random.count.*whole number"),
    ("model: slice_chair\nrandom: {count: 2, params: [profile]}", ParamsFileError, "can be sampled"),
    ("model: slice_chair\nrandom: {count: 2}\nlhs: {count: 2}", ParamsFileError, "random or lhs"),
    ("model: slice_chair\ngrids: {}", ParamsFileError, "unknown keys"),
    ("model: slice_chair\noutputs: [dxf]", ParamsFileError, "outputs is a list of"),
    ("model: slice_chair\noutputs: [bundle]", ParamsFileError, "need a machine"),
    ("model: slice_chair\nmachine: laser-9000\noutputs: [report]", ProfileError, "unknown machine"),
    ("model: slice_chair\nmaterial: birch-ply:3\noutputs: [report]", ParameterError, "comes in"),
    ("model: slice_chair\noptions: {relief: round}", ParamsFileError, "use one of auto, dogbone"),
    ("model: slice_chair\noptions: {nest_rounds: 2.5}", ParamsFileError, "whole number"),
    ("model: slice_chair\nparams:\n  width: 20 furlongs", ParamsFileError, "line 3, field params.width"),
])
def test_bad_sweeps_are_named(text, error, match):
    with pytest.raises(error, match=match):
        parse_sweep(text)


def test_a_yaml_alias_bomb_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    tracemalloc.start()
    with pytest.raises(ParamsFileError, match="aliases"):
        parse_sweep("\n".join(["model: slice_chair", *lines]))
    assert tracemalloc.get_traced_memory()[1] < 20e6
    tracemalloc.stop()
