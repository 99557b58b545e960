"""Fixtures for the browser tests (tests/test_browser.py): a local HTTP server
for a built book and headless Chromium that lets only that server through."""

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The built book the browser tests check (override to try them on another build).
BOOK_HTML = Path(os.environ.get("DLSBS_BOOK_HTML", ROOT / "_build" / "html"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


TMP_BOOK_CONFIG = """\
title: Tiny book
author: tests
only_build_toc_files: true
exclude_patterns: [notebooks/*]
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [amsmath, dollarmath]
repository:
  url: https://github.com/acme/course
  branch: dev
launch_buttons: {colab_url: "", binderhub_url: "", thebe: false}
sphinx:
  extra_extensions: [dlsbs.sphinx_ext]
  config:
    html_static_path: [_static]
    mathjax_path: vendor/mathjax/tex-mml-chtml.js
    nb_ipywidgets_js:
      vendor/require.js: {}
      dlsbs-widgets.js: {}
      vendor/jupyter-widgets/embed-amd.js: {}
"""


def build_tmp_book(root, files, vendor="dummy", args=("-W", "-n", "--keep-going")):
    """Write a throwaway Jupyter Book in *root* and build it with ``jupyter-book``.

    files: {relative path: text or bytes}; the ``book/*`` pages (without suffix,
    in order, the first being the root) make the toc.  vendor: "dummy" (empty
    stand-ins, enough for Sphinx), "real" (link to the repository's vendored
    assets) or None.  Returns the CompletedProcess (stdout and stderr merged).
    """
    root = Path(root)
    for rel, content in {"_config.yml": TMP_BOOK_CONFIG, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    pages = [str(Path(f).with_suffix("")) for f in files if f.startswith("book/")]
    toc = f"format: jb-book\nroot: {pages[0]}\n" + "chapters:\n" * (len(pages) > 1)
    (root / "_toc.yml").write_text(toc + "".join(f"  - file: {p}\n" for p in pages[1:]))
    vendored = root / "_static" / "vendor"
    vendored.parent.mkdir(exist_ok=True)
    if vendor == "real":  # a copy, not a link: Jupyter Book globs _static without following links
        if not (ROOT / "_static" / "vendor" / "require.js").is_file():
            pytest.skip("vendored assets missing: run python scripts/vendor_assets.py")
        shutil.copytree(ROOT / "_static" / "vendor", vendored)
    elif vendor == "dummy":
        for rel in ["mathjax/tex-mml-chtml.js", "mathjax/input/tex/extensions/ams.js",
                    "require.js", "jupyter-widgets/embed-amd.js"]:
            (vendored / rel).parent.mkdir(parents=True, exist_ok=True)
            (vendored / rel).write_text("")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run([str(jupyter_book), "build", str(root), *args], env=env, timeout=600,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done.stdout = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)  # no colours
    return done


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory):
    """Serve *directory* on 127.0.0.1 (threaded); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A fresh browser context that lets through only *base* (and data:/blob:),
    aborting and recording every other request, and recording console errors
    and uncaught page errors.  Call :meth:`check` at the end of a test."""

    def __init__(self, browser, base):
        self.base, self.external, self.errors = base, [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console error on {page.url}: {m.text} {m.location.get('url', '')}"))
        page.on("pageerror", lambda e: self.errors.append(f"page error on {page.url}: {e}"))
        return page

    def check(self):
        assert not self.external, f"{len(self.external)} external request(s): {self.external}"
        assert not self.errors, "\n".join(self.errors)


def cannot_run(reason):
    """Skip a browser check that cannot run here, but fail under `make test`
    (DLSBS_REQUIRE_BROWSER=1): there a check that does not run must not pass."""
    if os.environ.get("DLSBS_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        cannot_run(f"{CHROMIUM} not found: apt-get install chromium")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def book_url():
    """Base URL of the built book, served locally (skips if it is not built)."""
    if not (BOOK_HTML / "index.html").is_file():
        cannot_run(f"the book is not built ({BOOK_HTML}/index.html missing): run make book")
    with serve(BOOK_HTML) as url:
        yield url


@pytest.fixture(scope="session")
def tmp_book():
    """:func:`build_tmp_book`, for test modules."""
    return build_tmp_book


@pytest.fixture
def watched(browser):
    """``watched(base)`` -> a :class:`Watched` context, closed after the test."""
    made = []

    def make(base):
        made.append(Watched(browser, base))
        return made[-1]

    yield make
    for w in made:
        w.context.close()
