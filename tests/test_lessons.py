"""How lessons are written: small, in teaching order, honest about data."""

import ast
import re

import jupytext
import pytest

from test_course import BOOK, CHAPTERS, ROOT, SOURCES, TOC, toc_files

CODE_LINE_BUDGET = 300  # keras-io's budget for one lesson
TOC_ORDER = [f.removesuffix(".md") for f in toc_files(TOC)]
PAGES = [pytest.param(ROOT / f"{name}.md", id=name.removeprefix("book/"))
         for name in TOC_ORDER if name != TOC["root"]]


def code_cells(source):
    return [cell.source for cell in jupytext.read(source).cells if cell.cell_type == "code"]


def code_lines(source):
    """Non-blank, non-comment lines of the code cells, hidden cells included."""
    return [line for code in code_cells(source) for line in code.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("source", CHAPTERS)
def test_a_lesson_has_at_most_300_code_lines(source):
    count = len(code_lines(source))
    assert count <= CODE_LINE_BUDGET, (
        f"{count} code lines: split the page where the topic splits (budget {CODE_LINE_BUDGET})")


def mentions_test_data(node):
    return any(isinstance(n, ast.Name) and "test" in n.id.lower() for n in ast.walk(node))


def validation_uses_of_test_data(code):
    """Places in `code` that use test data for validation: `validation_data=` given test
    arrays, or a `val` variable made from test data."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            found += [f"validation_data={ast.unparse(kw.value)}" for kw in node.keywords
                      if kw.arg == "validation_data" and mentions_test_data(kw.value)]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            if (any(re.search(r"(^|_)val(id|idation)?(_|$)", n) for n in names)
                    and node.value is not None and mentions_test_data(node.value)):
                found.append(ast.unparse(node))
    return found




@pytest.mark.parametrize("source", CHAPTERS)
def test_no_chapter_validates_on_test_data(source):
    misuses = [use for code in code_cells(source)
               if not code.lstrip().startswith(("%", "!"))
               for use in validation_uses_of_test_data(code)]
    assert not misuses, ("test data used for validation (choices are made on a validation "
                         f"split; the test set is touched once, at the end): {misuses}")


@pytest.mark.parametrize("code, misuse", [
    ("model.fit(x, y, validation_data=(x_test, y_test))", True),
    ("model.fit(x, y, validation_data=keras_dataset(x_test, y_test, batch_size=8))", True),
    ("val_loss = evaluate(model, test_loader)", True),
    ("x_val, y_val = x_test[:100], y_test[:100]", True),
    ("model.fit(x, y, validation_data=(x_val, y_val))", False),
    ("test_accuracy = model.evaluate(x_test, y_test)", False),
    ("interval = x_test.max()", False),
])
def test_the_validation_check_catches_misuse(code, misuse):
    assert bool(validation_uses_of_test_data(code)) == misuse


# the prerequisites: from their label to the end of the paragraph or the runtime
PREREQUISITES = re.compile(r"^\*\*Prerequisites:?\*\*:?(.*?)(?:\n\n|\*\*Runtime|\Z)", re.M | re.S)
DOC_LINK = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")


@pytest.mark.parametrize("page", PAGES)
def test_prerequisites_point_only_to_earlier_pages(page):
    name = str(page.relative_to(ROOT).with_suffix(""))
    match = PREREQUISITES.search(page.read_text(encoding="utf-8"))
    if match is None:
        pytest.skip("no prerequisites paragraph")  # prose pages such as the background
    for target in DOC_LINK.findall(match.group(1)):
        resolved = (page.parent / target.strip()).resolve().relative_to(ROOT)
        resolved = str(resolved).removesuffix(".md")
        assert resolved in TOC_ORDER, f"prerequisite {target} is not in the toc"
        assert TOC_ORDER.index(resolved) < TOC_ORDER.index(name), (
            f"prerequisite {resolved} comes after {name} in the toc: a chapter builds only on "
            "earlier ones")


DIRECTIVE_BLOCK = re.compile(r"^(`{3,}|:{3,})\{(exercise|solution)\}.*?^\1\s*$", re.M | re.S)


@pytest.mark.parametrize("page", sorted(BOOK.rglob("*.md")), ids=lambda p: str(p.relative_to(BOOK)))
def test_no_line_of_an_exercise_or_solution_reads_as_a_block_quote(page):
    # A wrapped line that starts with ">" (e.g. "> 0])") turns the rest of a solution into a
    # block quote, and its math into raw TeX.
    for block in DIRECTIVE_BLOCK.finditer(page.read_text(encoding="utf-8")):
        quoted = [line for line in block.group(0).splitlines() if line.lstrip().startswith(">")]
        assert not quoted, f"a line of a hidden {block.group(2)} starts with '>': {quoted}"


def test_every_chapter_reads_its_seed_from_the_environment():
    pattern = re.compile(r'^SEED = int\(os\.environ\.get\("DLSBS_SEED", "0"\)\)', re.M)
    missing = [str(s.relative_to(BOOK)) for s in SOURCES if not pattern.search(s.read_text())]
    assert not missing, f"SEED is not read from DLSBS_SEED in {missing}"
