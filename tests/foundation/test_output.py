"""Output folders that never mix: a rebuild replaces the whole set of files d4d wrote, at once; files
d4d did not write are kept; a failure or an unwritable folder leaves everything as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from d4d_cad import output
from d4d_cad.cli import main
from d4d_cad.output import MANIFEST, staged_dir
from parametric.errors import OutputError


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _write(out: Path, names: list[str]) -> None:
    with staged_dir(out) as stage:
        for name in names:
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            (stage / name).write_text(name)


def test_a_rebuild_with_fewer_parts_leaves_no_stale_files(tmp_path):
    out = tmp_path / "chair"
    run = CliRunner().invoke
    first = run(main, ["build", "slice_chair", "--set", "rib_count=5", "--no-solids", "--layout", "rows",
                       "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert (out / "parts" / "rib-5.dxf").exists()
    (out / "my-notes.txt").write_text("cut on Tuesday")
    (out / "parts" / "offcut.dxf").write_text("mine")
    second = run(main, ["build", "slice_chair", "--set", "rib_count=3", "--no-solids", "--layout", "rows",
                        "--out", str(out)])
    assert second.exit_code == 0, second.output
    parts = {p.name for p in (out / "parts").iterdir()}
    assert {"rib-1.dxf", "rib-2.dxf", "rib-3.dxf", "offcut.dxf"} <= parts
    assert not {"rib-4.dxf", "rib-5.dxf"} & parts
    assert (out / "my-notes.txt").read_text() == "cut on Tuesday"
    assert "rib_count" in (out / "params.json").read_text() and '"rib_count": 3' in (out / "params.json").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["chair"]  # no staging folder left


def test_a_folder_from_before_the_manifest_is_cleaned_by_name(tmp_path):
    out = tmp_path / "o"
    (out / "parts").mkdir(parents=True)
    for name in ("design.json", "parts/rib-9.dxf", "readme-of-mine.md"):
        (out / name).write_text("old")
    _write(out, ["design.json", "parts/rib-1.dxf"])
    assert _files(out) == [MANIFEST, "design.json", "parts/rib-1.dxf", "readme-of-mine.md"]


def test_a_failure_while_swapping_leaves_the_old_folder(tmp_path, monkeypatch):
    out = tmp_path / "o"
    _write(out, ["a.txt", "b.txt"])
    real = os.replace

    def flaky(src, dst):
        if Path(dst) == out and "d4d-old" not in str(src):  # the rename that would put the new set in place
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(output.os, "replace", flaky)
    with pytest.raises(OutputError, match="No space left on device"):
        _write(out, ["a.txt"])
    monkeypatch.undo()
    assert _files(out) == [MANIFEST, "a.txt", "b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["o"]


def test_an_exception_or_interrupt_inside_leaves_the_old_folder(tmp_path):
    out = tmp_path / "o"
    _write(out, ["a.txt"])
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(exc)):
            with staged_dir(out) as stage:
                (stage / "b.txt").write_text("half")
                raise exc
    assert _files(out) == [MANIFEST, "a.txt"] and [p.name for p in tmp_path.iterdir()] == ["o"]


def test_the_working_folder_is_replaced_file_by_file(tmp_path, monkeypatch):
    out = tmp_path / "o"
    _write(out, ["a.txt", "b.txt"])
    (out / "mine").write_text("kept")
    monkeypatch.chdir(out)
    _write(Path("."), ["a.txt"])
    assert _files(out) == [MANIFEST, "a.txt", "mine"]


@pytest.mark.parametrize("command", [["build", "stool", "--no-solids", "--layout", "rows"],
                                     ["export", "stool", "--machine", "cnc-router-6mm", "--layout", "rows"]])
def test_an_unwritable_out_is_one_clear_line(tmp_path, command):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, [*command, "--out", str(blocker / "sub" / "")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    assert result.output.startswith("error: ") and str(blocker) in result.output


def test_export_out_with_a_slash_means_a_folder(tmp_path):
    run = CliRunner().invoke
    result = run(main, ["export", "stool", "--machine", "cnc-router-6mm", "--layout", "rows",
                        "--out", f"{tmp_path / 'new' / 'bundles'}/"])
    assert result.exit_code == 0, result.output
    assert [p.suffix for p in (tmp_path / "new" / "bundles").iterdir()] == [".zip"]
    missing = run(main, ["export", "stool", "--machine", "cnc-router-6mm", "--out", str(tmp_path / "nope" / "x")])
    assert missing.exit_code == 2 and f"--out {tmp_path / 'nope'}/" in missing.output
    assert not (tmp_path / "nope").exists()
