"""The same sweep gives the same results table on the process pool, on a Dask LocalCluster and on a
real cluster started here as separate processes (``dask scheduler`` + two ``dask worker``): a
cluster run needs no code change. Variants are deterministic (nesting bounded by rounds, seeded)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from d4d_cad.batch import SchedulerError, comparable, parse_sweep, run_batch, runner

distributed = pytest.importorskip("distributed")
ROOT = Path(__file__).resolve().parents[2]

SWEEP = """
model: stool
machine: cnc-router-6mm
material: birch-ply:18
grid:
  legs: [3, 4]
  height: [450, 800]
outputs: [report, cut_files]
options: {nest_rounds: 2}
"""


def _dask_cli() -> list[str]:
    exe = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if exe is None:
        pytest.skip("the dask command line is not installed (pip install 'd4d-cad[dask]')")
    return [exe]


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers on localhost, as separate processes."""
    dask = _dask_cli()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    info = tmp_path / "scheduler.json"
    common = dict(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path, start_new_session=True)
    procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], **common)]
    try:
        deadline = time.monotonic() + 120  # a guard against a scheduler that never starts, not a speed test
        while not info.exists():
            assert procs[0].poll() is None, "dask scheduler exited"
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen([*dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--no-dashboard", "--memory-limit", "0"], **common))
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in procs:  # nothing of theirs is kept: kill each with its children (a worker's nanny)
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_pool_local_cluster_and_real_cluster_give_the_same_table(tmp_path, cluster):
    sweep = parse_sweep(SWEEP)
    pool = run_batch(sweep, tmp_path / "pool", workers=2)
    local = run_batch(sweep, tmp_path / "local", dask="local", workers=2)
    real = run_batch(sweep, tmp_path / "real", dask=cluster)
    assert [r["status"] for r in pool.rows] == ["ok", "refused", "ok", "refused"]
    assert comparable(pool.rows) == comparable(local.rows) == comparable(real.rows)
    for name in ("local", "real"):
        table = (tmp_path / name / "results.csv").read_text().splitlines()
        assert len(table) == 5
        made = [r for r in real.rows if r["status"] == "ok"]
        assert all((tmp_path / name / r["folder"] / "sheet-01.dxf").exists() for r in made)


def test_an_unreachable_scheduler_fails_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CONNECT_TIMEOUT", "2s")  # the same refusal, sooner
    sweep = parse_sweep(SWEEP)
    with pytest.raises(SchedulerError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_batch(sweep, tmp_path / "out", dask="tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()


def _warm_state(dask_worker):
    """In a Dask worker: whether the warm-up plugin ran and the nesting kernels are loaded."""
    from fabrication.nesting._construct import best_position

    return "d4d-warm-up" in dask_worker.plugins and len(best_position.signatures) > 0


def test_dask_workers_are_warm_before_their_first_variant():
    """As on the pool (whose forkserver warms every worker), each Dask worker loads the pipeline's modules
    and numba kernels when the run connects, not in the middle of its first variant."""
    dask = runner._Dask("local", 1)
    try:
        assert all(dask.client.run(_warm_state).values())
    finally:
        dask.close()
