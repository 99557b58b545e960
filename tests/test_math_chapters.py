"""Part 4 on its own: run every math chapter's code and require its formula checks.

Each chapter under book/math/ makes ``checks = FormulaChecks()`` and checks each
derivation against PyTorch, TensorFlow and finite differences; a wrong formula
raises there. This runs those chapters as plain Python (no kernel, no book), so
a broken derivation fails fast, before the notebooks and the book are executed.
"""

from pathlib import Path

import jupytext
import matplotlib
import matplotlib.pyplot as plt
import pytest

from dlsbs.checks import FormulaChecks

ROOT = Path(__file__).resolve().parent.parent
MATH_CHAPTERS = sorted((ROOT / "book" / "math").glob("*.md"))


def code_of(source):
    notebook = jupytext.read(source)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_math_chapters():
    assert MATH_CHAPTERS, "no chapter under book/math/"


@pytest.mark.parametrize("source", MATH_CHAPTERS, ids=lambda p: p.stem)
def test_every_derivation_of_the_chapter_checks_out(source, monkeypatch):
    monkeypatch.chdir(source.parent)
    monkeypatch.delenv("DLSBS_STATIC_WIDGETS", raising=False)
    matplotlib.use("Agg")
    namespace = {"__name__": "__main__"}
    try:
        for number, code in enumerate(code_of(source), start=1):
            assert not code.lstrip().startswith(("%", "!")), f"cell {number}: magics cannot run here"
            exec(compile(code, f"{source.name}, code cell {number}", "exec"), namespace)
    finally:
        plt.close("all")  # the chapter's figures, so later tests start clean
    checks = namespace.get("checks")
    assert isinstance(checks, FormulaChecks), "the chapter has no `checks = FormulaChecks()`"
    assert len(checks) >= 3, f"only {len(checks)} formula checks"
    assert all("torch" in row and "tensorflow" in row for row in checks.rows), \
        "every check compares with PyTorch and TensorFlow"
    assert any("finite_differences" in row for row in checks.rows), \
        "no gradient is checked against finite differences"
