"""A small version of ``benchmarks/fuzz.py``: hostile values and files end as a build or a D4DError,
never an uncaught exception or a hang; and the bugs the full run found stay fixed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from parametric.errors import D4DError, GeometryError
from parametric.registry import available_models, get_model

_spec = importlib.util.spec_from_file_location("d4d_fuzz", Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py")
fuzz = sys.modules["d4d_fuzz"] = importlib.util.module_from_spec(_spec)  # dataclasses look their module up
_spec.loader.exec_module(fuzz)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return fuzz.hostile_files(tmp_path_factory.mktemp("hostile"))


def test_every_hostile_file_is_refused_as_parameters_and_as_a_drawing(files):
    rows = fuzz.file_table(files, timeout=60)
    assert {r["file"] for r in rows} >= {"entity-bomb.svg", "garbage.dxf", "alias-bomb.yaml", "deep.json", "big.svg"}
    for row in rows:
        assert row["params file"] == "refused", row
        assert row.get("outline", "refused") == "refused", row


@pytest.mark.parametrize("model", sorted(available_models()))
def test_fuzz_50_parameter_sets(files, model):
    survey = fuzz.survey(get_model(model), 50, files, check_every=10, timeout=60)
    assert sum(survey.counts.values()) == 50
    assert survey.counts["bug"] == 0, survey.bugs
    assert set(survey.counts) <= {"pass", "fail", "built", "refused"}


def _svg(tmp_path, name, body):
    path = tmp_path / name
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400mm" height="400mm" viewBox="0 0 400 400">'
                    f"{body}</svg>")
    return path


def test_a_drawing_with_nan_coordinates_is_refused(tmp_path):
    from parametric.profile_import import read_drawing

    path = _svg(tmp_path, "nan.svg", '<path d="M0 0 L1e309 0 L400 nan Z"/>')
    with pytest.raises(GeometryError, match="not finite"):
        read_drawing(path)


def test_a_huge_drawing_is_refused_before_it_is_parsed(tmp_path):
    from parametric.profile_import import MAX_SVG_ELEMENTS, read_drawing

    many = _svg(tmp_path, "many.svg", '<path d="M0 0 L1 1"/>' * (MAX_SVG_ELEMENTS + 1))
    with pytest.raises(GeometryError, match="SVG elements"):
        read_drawing(many)
    big = tmp_path / "big.svg"
    big.write_bytes(b"<svg>" + b" " * (5 << 20) + b"</svg>")
    with pytest.raises(GeometryError, match="larger than 4 MB"):
        read_drawing(big)


def test_a_folder_is_not_called_missing(tmp_path):
    from parametric.profile_import import read_drawing

    with pytest.raises(GeometryError, match="not a regular file"):
        read_drawing(tmp_path)


@pytest.mark.parametrize("sheet", ["1e309x1220", "2440x1e999", "infx1220"])
def test_an_infinite_sheet_is_refused(tmp_path, sheet):
    from d4d_cad.cli import main

    result = CliRunner().invoke(main, ["build", "stool", "--sheet", sheet, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--sheet" in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_outcomes_other_than_d4d_errors_are_reported_as_bugs(files):
    """The survey itself: an exception that is not a D4DError is counted and shown with its input."""

    class Broken:
        name = "broken"
        schema = get_model("stool").schema

        @staticmethod
        def params(values, preset=None):
            raise KeyError("boom")

        @staticmethod
        def design(params):  # pragma: no cover - never reached
            raise D4DError("unreachable")

    survey = fuzz.survey(Broken, 5, files, check_every=0, timeout=60)
    values_cases = survey.counts["bug"]
    assert values_cases > 0 and all("KeyError" in b["error"] and b["input"] for b in survey.bugs)


@pytest.mark.parametrize("model, name", [("bookshelf", "top_gap"), ("bookshelf", "shelf_count"),
                                         ("slice_chair", "back_angle")])
@pytest.mark.parametrize("value", [10 ** 400, -(10 ** 400), 10 ** 5000], ids=["1e400", "-1e400", "1e5000"])
def test_an_integer_beyond_float_range_is_refused(tmp_path, model, name, value):
    """The fuzz run's finding: a YAML integer of 400 digits raised OverflowError from float()."""
    from d4d_cad.pipeline import resolve_params
    from parametric.errors import ParameterError

    cls = get_model(model)
    with pytest.raises(ParameterError, match=f"{name}: the number is too large"):
        cls.params({name: value})
    path = tmp_path / "params.yaml"
    path.write_text(f"model: {model}\nparams:\n  {name}: {'-' if value < 0 else ''}1{'0' * 400}\n")
    with pytest.raises(ParameterError, match="too large"):
        resolve_params(cls, params_file=path)


@pytest.mark.parametrize("suffix, text", [(".json", '{"width": 9999}'), (".yaml", "width: 9999\n")])
def test_a_number_of_5000_digits_in_a_file_is_refused(tmp_path, suffix, text):
    """Python refuses to read integers of more than 4,300 digits (ValueError): d4d says what is wrong."""
    from parametric.errors import ParamsFileError
    from parametric.paramfile import load_params_file

    path = tmp_path / f"params{suffix}"
    path.write_text(text.replace("9999", "9" * 5000))
    with pytest.raises(ParamsFileError, match="thousands of digits"):
        load_params_file(path)


@pytest.mark.parametrize("value", [[1, 2], [10 ** 5000], {"a": 1}, None], ids=["list", "huge-list", "dict", "none"])
def test_a_length_that_is_not_a_number_or_text_is_refused(value):
    from parametric.errors import ParameterError

    with pytest.raises(ParameterError, match="width"):
        get_model("box").params({"width": value})
