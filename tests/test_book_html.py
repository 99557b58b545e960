"""Checks of the built book's HTML that need no browser (run after `make book`)."""

import re
from pathlib import Path

import pytest

from conftest import cannot_run
from test_course import ROOT, SOURCES

HTML = ROOT / "_build" / "html"
pytestmark = pytest.mark.browser  # runs with the browser tests, after the book is built
COLAB = re.compile(r'href="https://colab\.research\.google\.com/github/[^/"]+/[^/"]+/blob/[^/"]+/([^"]+)"')


@pytest.fixture(autouse=True)
def built_book():
    if not (HTML / "index.html").exists():
        cannot_run("book not built: run `make book`")


def page(source):
    return HTML / source.relative_to(ROOT).with_suffix(".html")


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_colab_button_opens_the_chapters_own_notebook(source):
    links = COLAB.findall(page(source).read_text(encoding="utf-8"))
    assert links, f"no Open-in-Colab link on {page(source)}"
    for target in links:
        assert (ROOT / target).is_file(), f"Colab link points at {target}, which does not exist"
        assert target == str(Path("notebooks", *source.relative_to(ROOT / "book").parts).with_suffix(".ipynb"))


def test_every_colab_link_in_the_book_points_at_an_existing_notebook():
    for html in HTML.rglob("*.html"):
        for target in COLAB.findall(html.read_text(encoding="utf-8")):
            assert target.endswith(".ipynb") and (ROOT / target).is_file(), (html, target)


def test_execution_statistics_list_every_chapter_with_a_real_runtime():
    text = (HTML / "book" / "about" / "execution-statistics.html").read_text(encoding="utf-8")
    for source in SOURCES:
        docname = str(source.relative_to(ROOT).with_suffix(""))
        row = re.search(re.escape(docname) + r".*?</tr>", text, flags=re.S)
        assert row, f"{docname} missing from the execution statistics"
        seconds = [float(s) for s in re.findall(r"<td[^>]*>(?:<p>)?\s*([0-9]+\.[0-9]+)\s*(?:</p>)?</td>", row.group(0))]
        assert seconds and max(seconds) > 1.0, f"{docname} shows no real execution time: {row.group(0)[:300]}"


def test_glued_numbers_are_rendered():
    for source in SOURCES:
        text = page(source).read_text(encoding="utf-8")
        assert "{glue" not in text and "glue:text" not in text, f"unresolved glue role in {page(source)}"


def test_citations_link_to_the_bibliography_of_their_own_page():
    # A work cited in several chapters is listed in each chapter's bibliography
    # (duplicate_citation warnings are suppressed in _config.yml for that reason).
    cited = 0
    for html in HTML.joinpath("book").rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for citation in re.findall(r'<span class="bibtex-citation"[^>]*>.*?</span>', text, flags=re.S):
            for href in re.findall(r'href="([^"]*)"', citation):
                cited += 1
                assert href.startswith("#"), f"{html.name}: a citation links to another page: {href}"
                assert f'id="{href[1:]}" role="doc-biblioentry"' in text, (html.name, href)
    assert cited, "no citation found in the book"


LEAKED_REPR = re.compile(r"&lt;(?:Axes|Figure|Variable|matplotlib\.|keras\.|tensorflow\.|torch\.)"
                         r"[^\n]{0,120}?&gt;|&lt;[\w.]+ (?:object )?at 0x[0-9a-f]+&gt;")


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_no_python_object_repr_leaks_into_the_page(source):
    # A plotting call as a cell's last line prints e.g. <Axes: ...> under the figure.
    leaks = LEAKED_REPR.findall(page(source).read_text(encoding="utf-8"))
    assert not leaks, f"object reprs in {page(source).name}: {leaks[:3]} (end the line with ';')"


@pytest.mark.parametrize("source", [s for s in SOURCES if s.parent.name == "math"],
                         ids=lambda s: s.name)
def test_the_checks_table_links_every_check_to_its_numbered_equation(source):
    text = page(source).read_text(encoding="utf-8")
    tables = [t for t in re.findall(r"<table.*?</table>", text, flags=re.S)
              if "finite differences" in t or "PyTorch" in t]
    assert tables, "no table of formula checks"
    rows = re.findall(r"<tr.*?</tr>", tables[-1], flags=re.S)[1:]
    assert rows and all('href="#equation-' in row for row in rows), (
        "every check in the table should link to its equation")
    assert "(math-" not in tables[-1], "raw equation labels in the checks table"
