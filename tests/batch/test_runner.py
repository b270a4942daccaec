"""Batch runs end to end: variants become folders of checked, nested, ready-to-cut files; refusals,
failures, exceptions, killed and hung workers never stop a sweep; a killed run resumes with nothing
lost or redone."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import ezdxf
import pytest

import sabotage
from d4d_cad.batch import comparable, iter_batch, parse_sweep, run_batch
from d4d_cad.batch.pool import WorkerPool
from parametric.errors import OutputError

ROOT = Path(__file__).resolve().parents[2]
TESTS = str(ROOT / "tests")

STOOLS = """
model: stool
machine: cnc-router-6mm
material: birch-ply:18
grid:
  legs: [3, 4]
  seat_width: [260, 360, 500]
  splay: [0, 60]
  height: [450, 800]
outputs: [report, cut_files, bundle, thumbnail]
options: {nest_rounds: 2}
"""


@pytest.fixture(autouse=True)
def _saboteur():
    sabotage.register()
    yield
    sabotage.unregister()  # the catalogue's own tests must not see it


def test_pool_retries_a_killed_worker_once_and_stops_a_hung_task(tmp_path):
    marker = str(tmp_path / "killed-once")
    tasks = [("a", ("ok",)), ("b", ("kill_once", marker)), ("c", ("kill",)), ("d", ("hang",)), ("e", ("ok",))]
    with WorkerPool("sabotage:misbehave", 2, time_limit=3.0) as pool:
        events = {e.key: e for e in pool.run(tasks)}
    assert events["a"].kind == events["e"].kind == "done" and events["a"].attempts == 1
    assert events["b"].kind == "done" and events["b"].attempts == 2 and Path(marker).exists()
    assert events["c"].kind == "died" and events["c"].attempts == 2 and events["c"].exitcode == -signal.SIGKILL
    assert events["d"].kind == "timeout"


def test_a_sweep_of_stools_becomes_checked_bundles(tmp_path):
    sweep = parse_sweep(STOOLS)
    assert len(sweep) == 24
    seen = []
    result = run_batch(sweep, tmp_path, workers=2, progress=lambda done, total, row: seen.append((done, total)))
    assert seen[-1] == (24, 24) and len(seen) == 24
    rows = {r["index"]: r for r in result.rows}
    statuses = [r["status"] for r in result.rows]
    assert statuses.count("refused") >= 12  # height 800 is above the stool's 780 mm; narrow and upright too
    assert "failed" in statuses and "ok" in statuses and "error" not in statuses
    for row in result.rows:
        folder = tmp_path / row["folder"]
        assert json.loads((folder / "row.json").read_text())["status"] == row["status"]
        if row["status"] == "refused":
            assert "height" in row["message"] or "too narrow" in row["message"]
            assert not (folder / "check.json").exists() and not row["bundle"]
            continue
        check = json.loads((folder / "check.json").read_text())
        assert check["ok"] == (row["status"] == "ok")
        assert row["codes"] == " ".join(sorted({f["code"] for f in check["findings"] if f["severity"] == "error"}))
        assert row["sheets"] >= 1 and 0 < row["utilisation"] < 1 and row["cost"] > 0 and row["cut_time_min"] > 0
        assert row["margin.stability"] is not None
        doc = ezdxf.readfile(folder / "sheet-01.dxf")
        assert not doc.audit().has_errors
        assert (folder / "thumbnail.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with zipfile.ZipFile(tmp_path / row["bundle"]) as zf:
            names = {Path(n).name for n in zf.namelist()}
        assert {"sheet-01.dxf", "check.json", "params.json", "README.md", "bom.csv"} <= names
        assert any(n.endswith(".step") for n in names) and any(n.endswith(".pdf") for n in names)
    assert rows[0]["param.legs"] == 3 and rows[0]["machine"] == "cnc-router-6mm"
    with open(tmp_path / "results.csv") as fh:
        table = list(csv.DictReader(fh))
    assert [int(r["index"]) for r in table] == list(range(24))
    assert [r["status"] for r in table] == statuses
    info = json.loads((tmp_path / "batch.json").read_text())
    assert info["summary"]["total"] == 24 and info["summary"]["refused"] == statuses.count("refused")
    again = run_batch(sweep, tmp_path, workers=2)  # everything is on disk: nothing is redone
    assert again.ran == 0 and again.reused == 24 and comparable(again.rows) == comparable(result.rows)


def test_exceptions_and_killed_workers_are_rows(tmp_path):
    sweep = parse_sweep("model: saboteur\ngrid: {fate: [ok, raise, kill], height: [450, 500]}\noutputs: [report]\n")
    result = run_batch(sweep, tmp_path, workers=2)
    by_fate = {}
    for row in result.rows:
        by_fate.setdefault(row["param.fate"], []).append(row)
    assert {r["status"] for r in by_fate["ok"]} == {"ok"}
    raised = by_fate["raise"][0]
    assert raised["status"] == "error" and raised["codes"] == "RuntimeError" and "on purpose" in raised["message"]
    assert "Traceback" in (tmp_path / raised["folder"] / "error.txt").read_text()
    assert all(r["status"] == "killed" and r["attempts"] == 2 for r in by_fate["kill"])
    assert run_batch(sweep, tmp_path, workers=2).ran == 0
    retried = [r for r in iter_batch(sweep, tmp_path, workers=2, retry_errors=True) if not r.get("reused")]
    assert sorted(r["param.fate"] for r in retried) == ["kill", "kill", "raise", "raise"]


def test_a_variant_over_the_time_limit_is_stopped(tmp_path):
    # the limit only has to exceed an ordinary variant on a loaded machine (a stool's report: a fraction
    # of a second quiet, a few seconds at worst on a busy CI machine): a guard, not a measurement; the
    # test waits the whole limit for the hanging variant
    sweep = parse_sweep("model: saboteur\ngrid: {fate: [hang, ok]}\noutputs: [report]\n")
    result = run_batch(sweep, tmp_path, workers=2, time_limit=8)
    assert [r["status"] for r in result.rows] == ["timeout", "ok"]
    assert "--time-limit" in result.rows[0]["message"]


def test_same_parameters_share_one_folder_and_one_run(tmp_path):
    sweep = parse_sweep("model: stool\ngrid: {height: [450, 450.0, 18in]}\nrows: null\noutputs: [report]\n")
    result = run_batch(sweep, tmp_path, workers=1)
    assert [r["index"] for r in result.rows] == [0, 1, 2]
    assert result.rows[0]["folder"] == result.rows[1]["folder"] != result.rows[2]["folder"]
    assert result.ran == 3 and len(list((tmp_path / "variants").iterdir())) == 2


def _batch_cli(sweep: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), TESTS])}
    return subprocess.Popen([sys.executable, "-m", "d4d_cad.cli", "batch", str(sweep), "--out", str(out),
                             "--workers", "1", *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def test_resume_after_the_batch_process_is_killed(tmp_path):
    sweep = tmp_path / "s.yaml"
    sweep.write_text("model: stool\ngrid: {height: [400, 425, 450, 475, 500, 525, 550, 575]}\n"
                     "outputs: [report]\n")
    out = tmp_path / "out"
    proc = _batch_cli(sweep, out)
    variants = out / "variants"
    finished: list[Path] = []
    while proc.poll() is None:  # event-driven, not timed: kill once three variants are on disk
        finished = [p for p in variants.glob("stool-*") if (p / "row.json").exists()] if variants.is_dir() else []
        if len(finished) >= 3:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch process and its workers, mid-run
            break
    proc.wait()
    if proc.returncode == 0:
        pytest.skip("the batch finished before it could be killed")
    done = {p.name: (p / "row.json").stat().st_mtime_ns for p in variants.glob("stool-*") if (p / "row.json").exists()}
    assert len(done) >= 3
    assert all((variants / name / "check.json").exists() for name in done)  # finished means complete
    proc = _batch_cli(sweep, out)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr.decode()
    assert f"({8 - len(done)} run, {len(done)} already done)" in stdout.decode()
    assert all((variants / name / "row.json").stat().st_mtime_ns == mtime for name, mtime in done.items())
    assert not list(variants.glob(".stage-*"))
    with open(out / "results.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows] == ["ok"] * 8


def test_bad_input_fails_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    sweep = parse_sweep("model: stool\ngrid: {height: [450]}\noutputs: [report]\n")
    with pytest.raises(OutputError, match="cannot write the results folder"):
        run_batch(sweep, blocker / "out")
    with pytest.raises(OutputError, match="is a file"):
        run_batch(sweep, blocker)
    with pytest.raises(ValueError, match="--time-limit works on the process pool only"):
        run_batch(sweep, tmp_path / "x", dask="local", time_limit=5)
    assert not (tmp_path / "x").exists()
