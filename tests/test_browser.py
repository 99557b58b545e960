"""Real-browser checks of the built book (headless Chromium, offline).

Every test lets only the local server through: any other request is aborted,
counted and reported, as are console errors and uncaught page errors.  The
targets (tab-sets, math, sliders, notebook pages) are found generically in the
built book; a test FAILS when the book has none, since the reference chapter has
all of them and a broken build must not pass by skipping.  Full-page
screenshots of every page go to _build/screenshots/.
"""

import re
from urllib.parse import urljoin

import nbformat
import pytest
from bs4 import BeautifulSoup

from conftest import BOOK_HTML, serve

pytestmark = pytest.mark.browser

SHOTS = BOOK_HTML.parent / "screenshots"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
COLAB = re.compile(r"^https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/[^/]+/notebooks/(.+)\.ipynb$")

# sync ids of the checked tab in each framework tab-set, and the label order
TABS_JS = """() => [...document.querySelectorAll('.sd-tab-set')]
  .filter(s => s.querySelector(':scope > label[data-sync-group="framework"]'))
  .map(s => ({checked: s.querySelector(':scope > input:checked').nextElementSibling.dataset.syncId,
              order: [...s.querySelectorAll(':scope > label')].map(l => l.dataset.syncId).join()}))"""


def toc_pages():
    """Pages in the book's toc (relative to the build root): the root page, then
    the links of the sidebar navigation, in order."""
    index = (BOOK_HTML / "index.html").read_text(encoding="utf-8")
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index, re.I)
    root = redirect.group(1) if redirect else "index.html"
    nav = BeautifulSoup((BOOK_HTML / root).read_text(encoding="utf-8"), "html.parser").select_one("nav.bd-docs-nav")
    links = [urljoin(root, a["href"]).split("#")[0] for a in nav.select("a.reference.internal")] if nav else []
    return list(dict.fromkeys([root, *links]))


def pages_containing(text):
    return [p for p in toc_pages() if text in (BOOK_HTML / p).read_text(encoding="utf-8")]


def is_notebook_page(page):
    """From the page's copied source: an .ipynb, or MyST markdown with a kernelspec."""
    stem = BOOK_HTML / "_sources" / page.removesuffix(".html")
    if stem.with_suffix(".ipynb").exists():
        return True
    md = stem.with_suffix(".md")
    return md.exists() and re.search(r"^kernelspec:", md.read_text(encoding="utf-8"), re.M) is not None


def load(page, url):
    """Open *url* and wait for MathJax's first typesetting and the widgets."""
    page.goto(url, wait_until="load")
    page.evaluate("async () => { if (window.MathJax?.startup?.promise) await MathJax.startup.promise; }")
    views = page.locator(f'script[type="{WIDGET_VIEW}"]').count()
    if views:
        page.wait_for_function(f"document.querySelectorAll('.widget-subarea > *').length >= {views}")
    page.wait_for_load_state("networkidle")


def screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / (name.removesuffix(".html").replace("/", "__") + ".png"), full_page=True)


# ---- (a), (b) framework tabs ------------------------------------------------------

def tab_pages():
    pages = pages_containing('data-sync-group="framework"')
    if not pages:
        pytest.fail("the built book has no framework tab-set yet")
    return pages


def test_tabs_switch_together_and_persist(book_url, watched):
    pages = tab_pages()
    w = watched(book_url)
    page = w.new_page()
    load(page, book_url + pages[0])
    tabs = page.evaluate(TABS_JS)
    assert tabs and all(t == {"checked": "pytorch", "order": "pytorch,keras"} for t in tabs), tabs
    page.locator('.sd-tab-set > label[data-sync-id="keras"]').first.click()
    assert {t["checked"] for t in page.evaluate(TABS_JS)} == {"keras"}
    # another page with tabs (or the same one, reloaded) keeps Keras
    load(page, book_url + (pages[1] if len(pages) > 1 else pages[0]))
    assert {t["checked"] for t in page.evaluate(TABS_JS)} == {"keras"}
    w.check()


def test_url_parameter_preselects_keras(book_url, watched):
    w = watched(book_url)  # a fresh context: nothing stored yet
    page = w.new_page()
    load(page, book_url + tab_pages()[0] + "?framework=keras")
    assert {t["checked"] for t in page.evaluate(TABS_JS)} == {"keras"}
    w.check()


# ---- (c) math -------------------------------------------------------------------

def test_math_is_rendered(book_url, watched):
    pages = pages_containing('class="math notranslate')
    if not pages:
        pytest.fail("the built book has no math yet")
    w = watched(book_url)
    page = w.new_page()
    for p in pages:
        load(page, book_url + p)
        stats = page.evaluate("""() => ({
            math: document.querySelectorAll('.math').length,
            unrendered: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).map(m => m.textContent),
            raw: [...document.querySelectorAll('article p, article li')].map(e => e.innerText)
                 .filter(t => /\\\\\\(|\\\\\\[|(^|[^\\\\$])\\$[^$\\s][^$]*\\$/.test(t))})""")
        assert stats["math"] and not stats["unrendered"], f"{p}: unrendered math {stats['unrendered']}"
        assert not stats["raw"], f"{p}: raw TeX left in the text: {stats['raw']}"
    w.check()


# ---- (d) static sliders ----------------------------------------------------------

def widget_notebook():
    """An executed-looking notebook with a saved widget state: a SelectionSlider
    jslinked to a Stack of two images (what dlsbs.sliders does, in small)."""
    import io

    import ipywidgets as W
    from ipywidgets.embed import embed_data
    from PIL import Image

    def png(colour):
        buf = io.BytesIO()
        Image.new("RGB", (120, 60), colour).save(buf, "PNG")
        return buf.getvalue()

    slider = W.SelectionSlider(options=[("red", 0), ("blue", 1)], description="$\\alpha$ colour",
                               continuous_update=False)
    stack = W.Stack([W.Image(value=png(c), format="png") for c in ("red", "blue")], selected_index=0)
    W.jslink((slider, "index"), (stack, "selected_index"))
    # full state, as nbclient saves it (dropping defaults loses the slider's index,
    # which the browser then never sets with continuous_update=False)
    data = embed_data(views=[W.VBox([slider, stack])], drop_defaults=False)
    nb = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "widgets": {"application/vnd.jupyter.widget-state+json": data["manager_state"]}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Sliders\n\nMath too: $e^{i\\pi} + 1 = 0$."),
                nbformat.v4.new_code_cell("slider_demo(...)", execution_count=1, outputs=[
                    nbformat.v4.new_output("execute_result", execution_count=1, data={
                        "text/plain": "VBox(...)", WIDGET_VIEW: data["view_specs"][0]})])]
    return nbformat.writes(nb)


@pytest.fixture(scope="module")
def widget_book(tmp_book, tmp_path_factory):
    root = tmp_path_factory.mktemp("widgets")
    nb = widget_notebook()
    done = tmp_book(root, {"book/sliders.ipynb": nb, "notebooks/sliders.ipynb": nb}, vendor="real")
    assert done.returncode == 0, done.stdout
    return root / "_build" / "html"


def visible_images(page, area):
    return area.evaluate("a => [...a.querySelectorAll('img')].filter(i => i.checkVisibility()).map(i => i.src)")


def move_first_slider(page, shot=None):
    """Move the first slider with the keyboard; return the visible images before and after."""
    area = page.locator(".widget-subarea").filter(has=page.locator(".widget-slider")).first
    before = visible_images(page, area)
    assert before, "no visible image next to the slider"
    handle = area.locator(".noUi-handle").first
    at_max = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
    handle.focus()
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    page.wait_for_function("([a, b]) => [...a.querySelectorAll('img')].filter(i => i.checkVisibility())"
                           ".map(i => i.src).join() !== b.join()", arg=[area.element_handle(), before],
                           timeout=5000)
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        area.screenshot(path=SHOTS / shot)
    return before, visible_images(page, area)


def test_static_slider_changes_image_tmp_book(widget_book, watched):
    with serve(widget_book) as base:
        w = watched(base)
        page = w.new_page()
        load(page, base + "book/sliders.html")
        assert page.locator("mjx-container").count() >= 1  # MathJax and widgets together
        before, after = move_first_slider(page, shot="tmp-slider-moved.png")
        assert before != after and page.locator(".widget-readout").first.inner_text() == "blue"
        w.check()


def test_static_sliders_change_image_in_book(book_url, watched):
    pages = pages_containing(WIDGET_VIEW)
    if not pages:
        pytest.fail("the built book has no widget yet")
    w = watched(book_url)
    page = w.new_page()
    found = 0
    for p in pages:
        load(page, book_url + p)
        if page.locator(".widget-subarea .widget-slider").count():
            shot = p.removesuffix(".html").replace("/", "__") + "-slider-moved.png"
            before, after = move_first_slider(page, shot=shot)
            assert before != after, p
            found += 1
    if not found:
        pytest.fail("the built book's widgets have no slider")
    w.check()


# ---- (e) every page, (f) Colab -------------------------------------------------------

def test_every_page_loads_offline_without_errors(book_url, watched):
    w = watched(book_url)
    page = w.new_page()
    extra = [p for p in ("search.html", "genindex.html") if (BOOK_HTML / p).is_file()]
    for p in toc_pages() + extra:
        load(page, book_url + p)
        screenshot(page, p)
    w.check()


def test_colab_button_on_notebook_pages(book_url, watched):
    notebooks = [p for p in toc_pages() if is_notebook_page(p)]
    if not notebooks:
        pytest.fail("the built book has no notebook page yet")
    w = watched(book_url)
    page = w.new_page()
    for p in toc_pages():
        load(page, book_url + p)
        buttons = page.locator("a.dlsbs-colab")
        if p not in notebooks:
            assert buttons.count() == 0, f"prose page {p} has a Colab button"
            continue
        assert buttons.count() == 1 and buttons.first.is_visible(), p
        match = COLAB.match(buttons.first.get_attribute("href"))
        assert match, buttons.first.get_attribute("href")
        # book/X.html <- book/X.md <-> notebooks/X.ipynb
        assert "book/" + match.group(1) + ".html" == p
    w.check()
