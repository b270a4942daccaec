"""The fix search's memo, settling, budget and progress: the same answers with fewer evaluations,
and a budget that stops the search and says so. Counts calls, never seconds (the clock is fake)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import parametric.checks as checks_pkg
from parametric import get_model
from d4d_cad.cli import main
from d4d_cad.commands.check import progress_line
from parametric.checks import fix, run_checks, suggest_fixes
from parametric.checks import fixes as F

#: failing sets whose unmemoised search stays small enough for a test
CASES = [
    ("stool", {"splay": 0, "seat_width": 500, "legs": 3}, {}),                # STAB-SIDE
    ("table", {"length": 600}, {}),                                          # STAB-LEAN-END
    ("table", {"length": 600}, {"tool_diameter": 3.0}),                      # the same with check options
    # STAB-REAR: three candidates, two fix it, so the third is settled (scanned only as far as could beat them)
    ("slice_chair", {"back_angle": 135, "rear_foot": -40, "back_height": 1150}, {}),
]


class FakeClock:
    """A clock that advances ``step`` seconds every time it is read."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def counted(monkeypatch):
    """Count run_checks calls made by the search (the memo must cut them, not just the clock)."""
    calls = []
    real = checks_pkg.run_checks

    def counting(design, **kw):
        calls.append((design.hash, kw.get("families")))
        return real(design, **kw)

    monkeypatch.setattr(checks_pkg, "run_checks", counting)
    return calls


def search_both_ways(model, values, kw, memo):
    cls = get_model(model)
    design = cls.design(cls.params(values))
    report = run_checks(design, **kw)
    search = F.FixSearch(kw, memo=memo, time_budget=None, max_evaluations=None)
    suggest_fixes(design, report, search=search)
    result = fix(design, search=search)
    return [f.fix for f in report.findings], result, search.stats


@pytest.mark.parametrize("model, values, kw", CASES, ids=["stool", "table", "table-tool", "chair-settled"])
def test_the_memo_gives_the_same_answer_with_fewer_evaluations(model, values, kw, counted):
    fixes_off, result_off, stats_off = search_both_ways(model, values, kw, memo=False)
    calls_off = len(counted)
    counted.clear()
    fixes_on, result_on, stats_on = search_both_ways(model, values, kw, memo=True)
    assert fixes_on == fixes_off
    assert (result_on.ok, result_on.changes) == (result_off.ok, result_off.changes)
    assert len(counted) == stats_on.evaluations < calls_off == stats_off.evaluations
    assert len(set(counted)) == len(counted)  # nothing evaluated twice


def test_a_code_shared_by_many_findings_is_searched_once(counted):
    cls = get_model("table")
    design = cls.design(cls.params({"length": 600}))
    report = run_checks(design)
    once = suggest_fixes(design, report, search=F.FixSearch({})).evaluations
    errors = list(report.errors)
    assert errors and all(f.fix for f in errors)
    report.findings.extend(errors * 3)  # four findings of each code now: the same evaluations
    assert suggest_fixes(design, report, search=F.FixSearch({})).evaluations == once
    assert all(f.fix == errors[0].fix for f in report.errors if f.code == errors[0].code)


def test_the_evaluation_budget_stops_the_search_and_says_so():
    cls = get_model("table")
    design = cls.design(cls.params({"length": 600}))
    search = F.FixSearch({}, max_evaluations=3)
    result = fix(design, search=search)
    assert not result.ok and search.stats.evaluations == 3
    assert "tried 3 parameter sets in" in result.message and "stopped at the evaluation budget (3)" in result.message
    assert result.to_dict()["search"]["stopped"] == "evaluation budget (3)"


def test_the_time_budget_stops_the_search_with_a_fake_clock():
    cls = get_model("table")
    design = cls.design(cls.params({"length": 600}))
    report = run_checks(design)
    search = F.FixSearch({}, time_budget=10.0, clock=FakeClock(2.0))  # every evaluation "takes" 2 s
    stats = suggest_fixes(design, report, search=search)
    assert stats.stopped == "time budget (10 s)" and stats.evaluations == 2
    assert stats.text() == "tried 2 parameter sets in 10.0 s; stopped at the time budget (10 s)"
    result = fix(design, search=search)  # the shared search is spent: fix says so at once
    assert not result.ok and "stopped at the time budget" in result.message and search.stats.evaluations == 2


def test_progress_shows_only_after_a_second():
    lines = []
    hook, finish = progress_line(lines.append, after=1.0)
    hook(F.SearchStats(evaluations=1, seconds=0.4))
    assert lines == []
    hook(F.SearchStats(evaluations=5, seconds=1.2))
    finish()
    assert lines == ["\r  searching for fixes: tried 5 parameter sets in 1.2 s", "\n"]


def test_the_cli_shows_progress_and_the_search_summary(monkeypatch):
    monkeypatch.setattr(F, "CLOCK", FakeClock(0.3))  # each clock read "takes" 0.3 s: past 1 s quickly
    result = CliRunner().invoke(main, ["check", "table", "--set", "length=600", "--fix", "--fix-time", "4"])
    assert result.exit_code == 1, result.output
    assert "searching for fixes: tried" in result.output
    assert "stopped at the time budget (4 s)" in result.output
    doc = CliRunner().invoke(main, ["check", "table", "--set", "length=600", "--json", "--fix-time", "4"])
    parsed = json.loads(doc.output)  # no progress text mixed into the JSON
    assert parsed["fix_search"]["stopped"] == "time budget (4 s)"
    bad = CliRunner().invoke(main, ["check", "table", "--fix-time", "0"])
    assert bad.exit_code == 2 and "--fix-time" in bad.output
