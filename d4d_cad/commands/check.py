"""``d4d check``: run the physical checks on a product and print (or emit as JSON) the report."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import click

from ..options import POSITIVE_MM, SECONDS, friendly, model_options

#: a fix search that runs longer than this shows a progress line (s)
PROGRESS_AFTER_S = 1.0


def progress_line(echo: Callable[[str], None], after: float = PROGRESS_AFTER_S):
    """A fix-search progress hook that writes ``searching for fixes: tried N parameter sets in T s``
    through ``echo`` (one updating line) once the search has run ``after`` seconds. Returns
    ``(hook, finish)``: call ``finish()`` when the search is over to end the line."""
    shown = [False]

    def hook(stats) -> None:
        if stats.seconds >= after:
            shown[0] = True
            echo(f"\r  searching for fixes: {stats.text()}")

    def finish() -> None:
        if shown[0]:
            echo("\n")

    return hook, finish


@click.command("check")
@model_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fix", "auto_fix", is_flag=True,
              help="Search the parameters' declared ranges for the nearest set that passes.")
@click.option("--fix-time", type=SECONDS, default=None,
              help="Seconds the fix search (suggestions and --fix) may take before it stops and reports "
                   "what it tried (default 20).")
@click.option("--material", default=None, help="Material profile for mass and strength (default: the parts').")
@click.option("--tool", "tool_diameter", type=POSITIVE_MM, default=None,
              help="Tool diameter or kerf in mm for the minimum-feature checks (default 6 mm router bit).")
@click.option("--figure", "figures", multiple=True, metavar="NAME",
              help="Check the fit of this seated figure (repeatable): woman-p5, woman-p50, man-p50, man-p95 "
                   "(ANSUR II), child-1..child-4 (EN 1729-1 size marks); default: the figures the product is for.")
@friendly
def check_cmd(model, preset, settings, params_file, as_json, auto_fix, fix_time, material, tool_diameter,
              figures) -> None:
    """Check a product: stability, overlaps, manufacturability, strength, ergonomic fit. Exit 0 pass, 1 fail, 2 bad
    input."""
    from parametric.checks import fix, format_table, run_checks, suggest_fixes
    from parametric.checks.fixes import TIME_BUDGET_S, FixSearch
    from parametric.materials import get_material
    from ..pipeline import resolve_params

    cls, params = resolve_params(model, preset=preset, params_file=params_file, settings=settings)
    mat = get_material(material) if material else None
    design = cls.design(params)
    from parametric.checks.ergonomics import resolve_figures

    if figures and design.seat is None and design.worktop is None:
        from parametric.errors import ParameterError

        raise ParameterError(f"{design.model} has no seat or worktop, so --figure has nothing to check; use it "
                             "with a seating product or a table", ("figure",))
    resolve_figures(design, figures or None)  # an unknown name: exit 2 before any check runs
    report = run_checks(design, material=mat, tool_diameter=tool_diameter, figures=figures or None)
    result, stats = None, None
    from parametric.checks.fixes import suggested

    if not report.ok or any(suggested(f) for f in report.findings):  # errors, or a figure's fit warnings
        # progress on stderr, and not with --json (a reader of the JSON may merge the two streams)
        hook, finish = progress_line(lambda text: click.echo(text, err=True, nl=False), after=(
            PROGRESS_AFTER_S if not as_json else float("inf")))
        search = FixSearch({"material": mat, "tool_diameter": tool_diameter, "figures": figures}, progress=hook,
                           time_budget=fix_time or TIME_BUDGET_S)
        stats = suggest_fixes(design, report, search=search)
        result = fix(design, search=search) if auto_fix else None
        finish()
    if as_json:
        doc = {"model": design.model, "hash": design.hash, "figures": list(figures), "report": report.to_dict()}
        if stats is not None:
            doc["fix_search"] = {"evaluations": stats.evaluations, "seconds": round(stats.seconds, 3),
                                 "stopped": stats.stopped or None}
        if result is not None:
            doc["fix"] = result.to_dict()
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(f"{design.title} {design.hash}" + (f" (figures: {', '.join(figures)})" if figures else ""))
        click.echo(format_table(report))
        if result is not None:
            click.echo(str(result))
        elif stats is not None:
            click.echo(f"fix search: {stats.text()}")
    sys.exit(0 if report.ok else 1)
