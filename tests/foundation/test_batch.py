"""Batch sweeps: every variant gives a row; refusals and errors never stop a sweep."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from parametric.app.batch import parse_sweep, run_sweep, summarise, write_rows
from parametric.app.cli import main
from parametric.errors import ParameterError, ParamsFileError

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
    assert {v["seat_height"] for v in variants} == {400, 460, 520}
    assert all(v["thickness"] == 17.4 for v in variants)


def test_random_draws_are_in_range_on_the_step_and_seeded():
    text = SWEEP + "random: {count: 5, seed: 3, params: [back_angle, rib_count]}\n"
    a, b = list(parse_sweep(text).variants()), list(parse_sweep(text).variants())
    assert a == b and len(a) == 30
    assert all(90 <= v["back_angle"] <= 135 and float(v["back_angle"]).is_integer() for v in a)
    assert all(isinstance(v["rib_count"], int) for v in a)


def test_rows_for_ok_and_refused_variants_in_process():
    sweep = parse_sweep("model: slice_chair\ngrid: {seat_height: [440, 510], back_height: [600]}\n")
    rows = run_sweep(sweep, workers=1, checks=False)
    assert [r["status"] for r in rows] == ["ok", "refused"]
    assert rows[0]["parts"] == 17 and rows[0]["hash"]
    assert "back_height" in rows[1]["message"] and rows[1]["code"] == "ConstraintError"


def test_process_pool_matches_in_process(tmp_path):
    sweep = parse_sweep(SWEEP)
    pooled = run_sweep(sweep, workers=2, checks=False)
    serial = run_sweep(sweep, workers=1, checks=False)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]  # noqa: E731
    assert strip(pooled) == strip(serial)
    write_rows(pooled, tmp_path / "r.csv")
    with open(tmp_path / "r.csv") as fh:
        assert len(list(csv.DictReader(fh))) == 6
    write_rows(pooled, tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["summary"] == summarise(pooled)


def test_dask_local_cluster():
    pytest.importorskip("dask.distributed")
    sweep = parse_sweep("model: slice_chair\ngrid: {width: [420, 460]}\n")
    rows = run_sweep(sweep, dask="local", checks=False)
    assert [r["status"] for r in rows] == ["ok", "ok"]


@pytest.mark.parametrize("text, error", [
    ("grid: {width: [1]}", ParamsFileError),
    ("model: slice_chair\ngrid: {widht: [1]}", ParameterError),
    ("model: slice_chair\ngrid: {width: []}", ParamsFileError),
    ("model: slice_chair\nrandom: {count: 2, params: [profile]}", ParameterError),
    ("model: slice_chair\ngrids: {}", ParamsFileError),
])
def test_bad_sweeps(text, error):
    with pytest.raises(error):
        parse_sweep(text)


def test_cli_batch(tmp_path):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(SWEEP)
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(main, ["batch", str(sweep), "--out", str(out), "--workers", "1", "--no-checks"])
    assert result.exit_code == 0, result.output
    assert "total=6" in result.output and out.exists()
    bad = CliRunner().invoke(main, ["batch", str(sweep), "--out", str(tmp_path / "no" / "rows.csv")])
    assert bad.exit_code == 2 and "does not exist" in bad.output
