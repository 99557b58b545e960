#!/usr/bin/env python
"""Measure the course: each notebook's execution time and each slider demo's live update.

Also counts, per chapter, its twin tab-sets (PyTorch/Keras pairs) and, for the math
chapters, the formula checks it made (``len(checks)``, see dlsbs.checks).

Executes every notebook under notebooks/ (or those matching --only) top to bottom in a fresh
kernel, as a reader's Jupyter would (live sliders), and then, in the same kernel, times each
slider demo's per-framework run function (registered through ``slider_demo(runs=...)``) on a
few grid points: the median is the time one slider move costs in that framework.

This is a measurement, not a test: it asserts nothing and prints two Markdown tables.
With --seed N every chapter runs with ``SEED = N`` (its setup cell reads the environment
variable DLSBS_SEED), so that a claim or an assert that holds for one seed only shows up.

Usage: python scripts/benchmark.py [--only SUBSTRING] [--points N] [--static] [--seed N]
"""

import argparse
import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from dlsbs.sphinx_ext import count_twin_tab_sets

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the chapter's kernel once it has executed: times each demo's run functions.
TIMING_CODE = """
import json as _json, random as _random, statistics as _statistics, time as _time
from dlsbs.sliders import DEMOS as _DEMOS, grid_points as _grid_points
_results = []
for _demo in _DEMOS:
    _points = _grid_points(_demo["grid"])
    _points = _random.Random(0).sample(_points, min({points}, len(_points)))
    for _framework, _run in _demo["runs"].items():
        _run(**_points[0])  # warm-up: first calls pay one-off tracing and allocation costs
        _seconds = []
        for _point in _points:
            _start = _time.perf_counter()
            _run(**_point)
            _seconds.append(_time.perf_counter() - _start)
        _results.append({{"demo": _demo["title"], "framework": _framework,
                          "median_s": _statistics.median(_seconds), "points": len(_points)}})
from dlsbs.checks import FormulaChecks as _FormulaChecks
_checks = globals().get("checks")
_checks = len(_checks) if isinstance(_checks, _FormulaChecks) else None
print("BENCHMARK" + _json.dumps({{"demos": _results, "checks": _checks}}))
"""


def execute(path, points):
    """Execute one notebook; return (seconds, per-demo timings, formula checks or None)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=1800, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        probe = nbformat.v4.new_code_cell(TIMING_CODE.format(points=points))
        notebook.cells.append(probe)
        client.execute_cell(probe, len(notebook.cells) - 1)
    printed = "".join(o.get("text", "") for o in probe.outputs if o.output_type == "stream")
    line = next(x for x in printed.splitlines() if x.startswith("BENCHMARK"))
    measured = json.loads(line.removeprefix("BENCHMARK"))
    return seconds, measured["demos"], measured["checks"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="only notebooks whose path contains this")
    parser.add_argument("--points", type=int, default=5, help="grid points timed per demo")
    parser.add_argument("--static", action="store_true",
                        help="execute as the book build does: every slider grid precomputed")
    parser.add_argument("--seed", type=int, default=0,
                        help="the chapters' SEED (through the DLSBS_SEED environment variable)")
    args = parser.parse_args()
    os.environ["DLSBS_SEED"] = str(args.seed)  # the kernels inherit the environment
    if args.static:
        os.environ["DLSBS_STATIC_WIDGETS"] = "1"
    else:
        os.environ.pop("DLSBS_STATIC_WIDGETS", None)  # live sliders, as in Jupyter

    notebooks = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if args.only in str(p))
    runtimes, updates = [], []
    for path in notebooks:
        name = str(path.relative_to(ROOT))
        print(f"executing {name} ...", flush=True)
        seconds, demos, checks = execute(path, args.points)
        source = ROOT / "book" / path.relative_to(ROOT / "notebooks").with_suffix(".md")
        runtimes.append((name, seconds, count_twin_tab_sets(source), checks))
        updates += demos

    print("\n| notebook | execution time (s) | twin tab-sets | formula checks |")
    print("|---|---|---|---|")
    for name, seconds, tab_sets, checks in runtimes:
        print(f"| {name} | {seconds:.1f} | {tab_sets} | {'–' if checks is None else checks} |")
    print("\n| slider demo | framework | median live update (s) | grid points timed |\n|---|---|---|---|")
    for row in updates:
        print(f"| {row['demo']} | {row['framework']} | {row['median_s']:.2f} | {row['points']} |")


if __name__ == "__main__":
    main()
