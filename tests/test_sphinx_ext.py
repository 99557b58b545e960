"""dlsbs.sphinx_ext: framework tabs, "Open in Colab", offline checks (tiny books in tmp)."""

from fnmatch import fnmatch
import importlib.util
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dlsbs.sphinx_ext import VENDORED, count_twin_tab_sets, find_incomplete_runs

ROOT = Path(__file__).resolve().parent.parent

FRONT = """\
---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
{extra}---
"""

# Executed (cheap prints) so that outputs and the hide-output/remove-input tags show.
CHAPTER = FRONT.replace("{extra}", "mystnb: {execution_mode: force}\n") + """
# Chapter

Inline math $x^2$.

```{code-cell} ipython3
:tags: [tab-pytorch]
print("torch-1")
```

```{code-cell} ipython3
:tags: [tab-pytorch, hide-output]
print("torch-2-hidden")
```

```{code-cell} ipython3
:tags: [remove-cell]
print("removed: does not end the run")
```

+++

% a comment does not end a run

```{code-cell} ipython3
---
tags: [tab-keras, remove-input]
---
print("keras-1-no-input")
```

Markdown ends a run.

```{code-cell} ipython3
:tags: [tab-keras]
print("keras-before-torch")
```

```{code-cell} ipython3
:tags: [tab-pytorch]
print("torch-after-keras")
```

A run with PyTorch only:

```{code-cell} ipython3
:tags: [tab-pytorch]
print("lonely")
```

```{code-cell} ipython3
print("untagged")
```
"""

PAGES = {
    "book/intro.md": "# Intro\n\nA prose page.\n",
    "book/part/chapter.md": CHAPTER,
    "notebooks/part/chapter.ipynb": "{}",
    "book/unpaired.md": FRONT.replace("{extra}", "") + "\n# Unpaired\n\nNo notebooks/unpaired.ipynb.\n",
}


@pytest.fixture(scope="module")
def book(tmp_book, tmp_path_factory):
    """The tiny book, built with -W --keep-going: (html folder, build log)."""
    root = tmp_path_factory.mktemp("book")
    done = tmp_book(root, PAGES)
    html = root / "_build" / "html"
    assert (html / "book" / "part" / "chapter.html").is_file(), done.stdout
    return html, done


def soup(html, page):
    return BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")


def tab_sets(page_soup):
    """[[(sync id, [cell texts])...] per framework tab-set]."""
    out = []
    for ts in page_soup.select("div.sd-tab-set"):
        labels = ts.select(":scope > label.sd-tab-label")
        assert all(lb["data-sync-group"] == "framework" for lb in labels)
        contents = ts.select(":scope > div.sd-tab-content")
        out.append([(lb["data-sync-id"], [c.get_text(" ", strip=True) for c in ct.select(":scope > div.cell")])
                    for lb, ct in zip(labels, contents)])
    return out


def test_runs_become_synced_tab_sets(book):
    page = soup(book[0], "book/part/chapter.html")
    sets = tab_sets(page)
    assert len(sets) == 2
    # PyTorch first, Keras second; every cell of the run in its framework's tab
    (pt1, ke1), (pt2, ke2) = sets
    assert [pt1[0], ke1[0], pt2[0], ke2[0]] == ["pytorch", "keras", "pytorch", "keras"]
    assert len(pt1[1]) == 2 and "torch-1" in pt1[1][0] and "torch-2-hidden" in pt1[1][1]
    assert len(ke1[1]) == 1 and "keras-1-no-input" in ke1[1][0]
    assert "torch-after-keras" in pt2[1][0] and "keras-before-torch" in ke2[1][0]
    # labels and the default selection (PyTorch) as sphinx-design renders them
    for ts in page.select("div.sd-tab-set"):
        inputs = ts.select(":scope > input")
        assert [i.has_attr("checked") for i in inputs] == [True, False]
        assert [lb.get_text(strip=True) for lb in ts.select(":scope > label")] == ["PyTorch", "Keras"]
    # other tags keep working inside the tabs
    first = page.select("div.sd-tab-set")[0]
    assert first.select_one(".tag_hide-output details.hide .cell_output"), "hide-output toggle missing"
    assert not first.select_one(".tag_remove-input .cell_input"), "remove-input source shown"
    # lonely and untagged cells stay outside tab-sets
    outside = [c.get_text() for c in page.select("section div.cell") if not c.find_parent(class_="sd-tab-set")]
    assert len(outside) == 2 and "lonely" in outside[0] and "untagged" in outside[1]


def test_incomplete_run_warns_with_location(book):
    log = book[1].stdout
    assert book[1].returncode != 0, "-W must fail the build on the incomplete run"
    found = re.findall(r"book/part/chapter\.md:(\d+): WARNING: framework tab run lacks Keras", log)
    assert len(found) == 1, log
    # the same run the plain-text checker finds (Sphinx gives the code's line)
    (line, message), = find_incomplete_runs(CHAPTER)
    assert message == "framework tab run lacks Keras"
    assert 0 <= int(found[0]) - line <= 3


def test_colab_link(book):
    html, done = book
    link = soup(html, "book/part/chapter.html").select("a.dlsbs-colab")
    assert len(link) == 1
    assert link[0]["href"] == ("https://colab.research.google.com/github/acme/course/blob/dev/"
                               "notebooks/part/chapter.ipynb")
    assert "Open in Colab" in link[0].get_text() and link[0].find("svg")
    assert not soup(html, "book/intro.html").select("a.dlsbs-colab"), "prose page got a Colab link"
    # a notebook page without its pair still gets the link, and a warning
    assert soup(html, "book/unpaired.html").select("a.dlsbs-colab")
    assert re.search(r"book/unpaired\.md: WARNING: Open in Colab: paired notebook "
                     r"notebooks/unpaired\.ipynb does not exist", done.stdout), done.stdout


def test_only_expected_warnings(book):
    warnings = [w for w in book[1].stdout.splitlines() if re.search(r"\.md(:\d+)?: WARNING", w)]
    assert len(warnings) == 2, "\n".join(warnings)


def test_vendored_scripts_load_only_where_needed(book):
    # Jupyter Book would add every .js under _static/ to every page; here only
    # MathJax itself is wanted (the pages have no widgets)
    for page in ["book/intro.html", "book/part/chapter.html"]:
        scripts = [s.get("src", "").split("?")[0] for s in soup(book[0], page).select("script")]
        vendored = [s.split("_static/")[1] for s in scripts if "_static/vendor/" in s]
        assert vendored in ([], ["vendor/mathjax/tex-mml-chtml.js"]), (page, vendored)


def test_pages_have_no_duplicate_inline_scripts(book):
    text = (book[0] / "book" / "intro.html").read_text()
    assert text.count("const THEBE_JS_URL") <= 1  # Sphinx 7.4 duplicate, removed by the extension
    assert 'dataset.mode = localStorage.getItem("mode") || "auto"' in text  # no console error


def test_missing_vendored_assets_fail_early(tmp_book, tmp_path):
    done = tmp_book(tmp_path, {"book/intro.md": "# Intro\n"}, vendor=None)
    assert done.returncode != 0
    assert "run python scripts/vendor_assets.py" in done.stdout, done.stdout
    assert "reading sources" not in done.stdout  # it stopped early


def test_vendor_script_provides_what_the_extension_needs():
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
    vendor_assets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor_assets)
    produced = [dest + Path(glob).name for rules in vendor_assets.PACKAGES.values()
                for glob, dest in rules]
    for needed in VENDORED:
        assert any(fnmatch(needed, target) for target in produced), needed
    assert not any(spec.startswith("mathjax@4") for spec in vendor_assets.PACKAGES)


# ---- the plain-text checker -------------------------------------------------

def cell(tags=None, yaml=False, code="pass"):
    if not tags:
        return f"```{{code-cell}} ipython3\n{code}\n```\n"
    if yaml:
        return "```{code-cell} ipython3\n---\ntags:\n" + "".join(f"- {t}\n" for t in tags) + f"---\n{code}\n```\n"
    return f"```{{code-cell}} ipython3\n:tags: [{', '.join(tags)}]\n{code}\n```\n"


@pytest.mark.parametrize("body, expected", [
    (cell(["tab-pytorch"]) + cell(["tab-keras"]), []),
    (cell(["tab-pytorch"]) + "\n+++\n\n% note\n" + cell(["tab-keras"], yaml=True), []),
    (cell(["tab-keras", "hide-output"]) + cell(["tab-pytorch", "remove-input"]), []),
    (cell(["tab-pytorch"]) + "\nText.\n\n" + cell(["tab-keras"]),
     [(1, "framework tab run lacks Keras"), (8, "framework tab run lacks PyTorch")]),
    (cell(["tab-keras"]) + cell() + cell(["tab-pytorch"]),
     [(1, "framework tab run lacks PyTorch"), (8, "framework tab run lacks Keras")]),
    (cell(["tab-pytorch"]) + cell(["remove-cell"]) + cell(["remove-input", "remove-output"]) + cell(["tab-keras"]), []),
    (cell(["hide-input"]) + "# Title\n", []),
    (cell(["tab-pytorch", "tab-keras"]), [(1, "cell tagged both tab-pytorch and tab-keras")]),
])
def test_find_incomplete_runs(body, expected):
    assert find_incomplete_runs(body) == expected


def test_count_twin_tab_sets():
    two_sets = (cell(["tab-pytorch"]) + cell(["tab-keras"]) + "\nText.\n\n"
                + cell(["tab-keras"]) + cell(["tab-pytorch"]) + cell(["tab-keras"]))
    assert count_twin_tab_sets(two_sets) == 2
    assert count_twin_tab_sets(cell(["tab-pytorch"]) + cell() + cell(["tab-keras"])) == 0


def test_find_incomplete_runs_skips_front_matter_and_reads_files(tmp_path):
    path = tmp_path / "nb.md"
    path.write_text(FRONT.replace("{extra}", "") + "\n" + cell(["tab-keras"]))
    assert find_incomplete_runs(path) == [(7, "framework tab run lacks PyTorch")]
    assert find_incomplete_runs(str(path)) == [(7, "framework tab run lacks PyTorch")]


@pytest.mark.parametrize("chapter", sorted((ROOT / "book").rglob("*.md")), ids=lambda p: p.name)
def test_book_chapters_have_complete_runs(chapter):
    assert find_incomplete_runs(chapter) == []
