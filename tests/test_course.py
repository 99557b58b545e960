"""The course's invariants: paired notebooks, twinned cells, chapter headers, the table of contents."""

import ast
import json
import re
from pathlib import Path

import jupytext
import pytest
import yaml

from dlsbs.sphinx_ext import find_incomplete_runs

ROOT = Path(__file__).resolve().parent.parent
BOOK, NOTEBOOKS = ROOT / "book", ROOT / "notebooks"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REQUIRED_HEADER = {"description", "runtime", "frameworks"}


def is_notebook_source(path):
    return "\nkernelspec:" in path.read_text(encoding="utf-8").split("\n---", 1)[0]


SOURCES = sorted(p for p in BOOK.rglob("*.md") if is_notebook_source(p))
CHAPTERS = [pytest.param(p, id=str(p.relative_to(BOOK))) for p in SOURCES]


def paired_notebook(source):
    return NOTEBOOKS / source.relative_to(BOOK).with_suffix(".ipynb")


def tagged(cell, tag):
    return tag in cell.metadata.get("tags", [])


def toc_files(entry):
    """Every 'file' named anywhere in the _toc.yml structure."""
    if isinstance(entry, dict):
        found = [entry["file"]] if "file" in entry else []
        if "root" in entry:
            found.append(entry["root"])
        for value in entry.values():
            found += toc_files(value)
        return found
    if isinstance(entry, list):
        return [f for item in entry for f in toc_files(item)]
    return []


def test_there_is_at_least_one_chapter():
    assert SOURCES, "no MyST notebook found under book/"


@pytest.mark.parametrize("source", CHAPTERS)
def test_every_chapter_has_its_notebook_in_sync(source):
    notebook_path = paired_notebook(source)
    assert notebook_path.exists(), f"{notebook_path} is missing: run `make pair`"
    expected = jupytext.read(source)
    actual = jupytext.read(notebook_path)
    summary = lambda nb: [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]  # noqa: E731
    assert summary(actual) == summary(expected), f"{notebook_path} is out of sync with {source}: run `make pair`"


def test_every_notebook_has_a_source():
    for notebook_path in NOTEBOOKS.rglob("*.ipynb"):
        source = BOOK / notebook_path.relative_to(NOTEBOOKS).with_suffix(".md")
        assert source.exists(), f"{notebook_path} has no source {source}: edit book/, not notebooks/"


@pytest.mark.parametrize("source", CHAPTERS)
def test_notebooks_are_committed_without_outputs(source):
    cells = json.loads(paired_notebook(source).read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell["execution_count"] is None, cell["source"][:80]


@pytest.mark.parametrize("source", CHAPTERS)
def test_every_framework_run_has_both_twins(source):
    assert find_incomplete_runs(source) == []


@pytest.mark.parametrize("source", CHAPTERS)
def test_twins_use_distinct_names(source):
    """Twins run one after the other in the notebook, so a name both define would clash."""
    defined = {"tab-pytorch": set(), "tab-keras": set()}
    for cell in jupytext.read(source).cells:
        for tag, names in defined.items():
            if cell.cell_type == "code" and tagged(cell, tag):
                tree = ast.parse(re.sub(r"^\s*[%!].*$", "", cell.source, flags=re.M))
                for node in tree.body:
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                        names.add(node.name)
                    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                        names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    clash = defined["tab-pytorch"] & defined["tab-keras"]
    assert not clash, f"both twins define {sorted(clash)}: prefix them torch_/keras_"


@pytest.mark.parametrize("source", CHAPTERS)
def test_chapter_header_is_complete(source):
    header = jupytext.read(source).metadata
    missing = REQUIRED_HEADER - set(header)
    assert not missing, f"front matter lacks {sorted(missing)}"
    description = header["description"]
    assert isinstance(description, str) and "\n" not in description.strip() and 20 <= len(description) <= 160
    assert re.search(r"\d+\s*(s|seconds?|min|minutes?)\b", header["runtime"]), header["runtime"]
    assert header["frameworks"] == ["PyTorch", "Keras"]
    markdown = "\n".join(c.source for c in jupytext.read(source).cells if c.cell_type == "markdown")
    titles = re.findall(r"^# (.+)$", markdown, flags=re.M)
    assert len(titles) == 1, f"expected exactly one '# Title', found {titles}"


@pytest.mark.parametrize("source", CHAPTERS)
def test_first_cell_installs_the_helper_on_colab_only(source):
    first = next(c for c in jupytext.read(source).cells if c.cell_type == "code")
    assert tagged(first, "remove-cell"), "the Colab install cell must be hidden in the book"
    assert '"google.colab" in sys.modules' in first.source
    assert "pip" in first.source and "install" in first.source
    assert "--no-deps" in first.source, "never let pip touch Colab's torch/TensorFlow"
    assert f"dlsbs @ git+{CONFIG['repository']['url']}" in first.source, "install from _config.yml's repository"


def test_toc_lists_exactly_the_pages_that_exist():
    listed = {f.removesuffix(".md") for f in toc_files(TOC)}
    for name in listed:
        assert (ROOT / f"{name}.md").exists(), f"_toc.yml lists {name}, which does not exist"
    on_disk = {str(p.relative_to(ROOT).with_suffix("")) for p in BOOK.rglob("*.md")}
    assert on_disk == listed, f"pages not in _toc.yml: {sorted(on_disk - listed)}"


TAUGHT_PAGES = sorted(p for p in BOOK.rglob("*.md") if p.parent.name not in {"book", "about"})
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}.*?\n(?::label: (\S+))?", re.M)
SOLUTION = re.compile(r"^(?:`{3,}|:{3,})\{solution\} (\S+)\s*$", re.M)


@pytest.mark.parametrize("page", TAUGHT_PAGES, ids=lambda p: str(p.relative_to(BOOK)))
def test_every_chapter_ends_with_a_summary_and_three_solved_exercises(page):
    text = page.read_text(encoding="utf-8")
    assert re.search(r"^## Summary", text, re.M), "no '## Summary' section"
    exercises = EXERCISE.findall(text)
    assert len(exercises) >= 3, f"only {len(exercises)} exercises"
    labels = [label for _, label in exercises]
    assert all(labels), "every exercise needs a :label: for its solution"
    solved = SOLUTION.findall(text)
    assert sorted(solved) == sorted(labels), "every exercise needs exactly one solution"
    assert text.count(":class: dropdown") >= len(labels), "solutions are hidden in a dropdown"
