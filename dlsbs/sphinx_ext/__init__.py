"""Sphinx extension for "Deep Learning, Side by Side".

1. Framework tabs: every run of consecutive code cells tagged ``tab-pytorch`` or
   ``tab-keras`` becomes one sphinx-design tab-set ("PyTorch" first and selected,
   then "Keras"), synced in the group ``framework`` (so ``?framework=keras``
   preselects Keras, and the choice persists across pages).  A run lacking one of
   the two frameworks is reported as a warning.  MyST-NB cannot put code cells
   inside tab directives (MyST-NB #723), hence this post-transform.
2. "Open in Colab": notebook pages (``book/X.md`` with a kernelspec) get a link to
   the paired ``notebooks/X.ipynb`` on GitHub, opened in Colab.
3. Offline book: the build stops early if the vendored JavaScript is missing,
   and warns unless _config.yml loads it; ``static/dlsbs-widgets.js`` adapts the
   vendored widget manager; Jupyter Book's automatic loading of every script
   under _static is undone for them.  Two page fixes keep the browser console clean:
   duplicate inline scripts (sphinx-thebe under Sphinx 7.4) are dropped, and the
   theme's ``default_mode`` defaults to "auto".

:func:`find_incomplete_runs` checks a jupytext MyST notebook without Sphinx.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes

TAGS = {"tab-pytorch": "pytorch", "tab-keras": "keras"}  # cell tag -> sync id
FRAMEWORKS = {"pytorch": "PyTorch", "keras": "Keras"}  # sync id -> label, in tab order
SYNC_GROUP = "framework"
# Offline book: files scripts/vendor_assets.py puts in _static/vendor/, and the
# configuration (under ``sphinx: config:`` in _config.yml) that loads them.
VENDORED = ["mathjax/tex-mml-chtml.js", "require.js", "jupyter-widgets/embed-amd.js"]
MATHJAX_PATH = "vendor/mathjax/tex-mml-chtml.js"
WIDGETS_JS = ["vendor/require.js", "dlsbs-widgets.js", "vendor/jupyter-widgets/embed-amd.js"]
STATIC = Path(__file__).parent / "static"  # dlsbs.css, dlsbs-widgets.js


# --------------------------------------------------------------------------
# Plain-text check (no Sphinx needed)
# --------------------------------------------------------------------------

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}")
_TAGS_OPT = re.compile(r"^\s*:tags:\s*(.*)$|^\s*tags:\s*(.*)$")


def _frameworks_of(tags: list[str]) -> set[str]:
    return {TAGS[t] for t in tags if t in TAGS}


def _parse_tags(value: str) -> list[str]:
    """Tags from ``[a, b]``, ``["a", "b"]`` or ``a`` (YAML flow list or scalar)."""
    return [t.strip(" '\"") for t in value.strip().strip("[]").split(",") if t.strip(" '\"")]


def find_incomplete_runs(source: str | Path) -> list[tuple[int, str]]:
    """Find runs of framework-tagged code cells that lack PyTorch or Keras.

    Returns ``(line, message)`` pairs, e.g. ``[(12, "framework tab run lacks Keras")]``
    (see ``scan_framework_runs``).
    """
    return scan_framework_runs(source)[1]


def count_twin_tab_sets(source: str | Path) -> int:
    """How many tab-sets (runs with both a PyTorch and a Keras cell) a chapter has."""
    runs = scan_framework_runs(source)[0]
    return sum(len(frameworks) == len(FRAMEWORKS) for _, frameworks in runs)


def scan_framework_runs(source: str | Path) -> tuple[list, list[tuple[int, str]]]:
    """Find the runs of framework-tagged code cells and those that lack PyTorch or Keras.

    *source* is the text of a jupytext MyST notebook, or a path to one.  A run is
    a sequence of code cells tagged ``tab-pytorch``/``tab-keras`` with nothing
    between them but blank lines, ``+++`` cell breaks, ``%`` comments and cells
    MyST-NB removes (``remove-cell``); any other markdown or code cell ends it.
    Returns ``(runs, problems)``: runs are ``(line, frameworks seen)`` pairs and
    problems ``(line, message)`` pairs, the line (1-based) being the fence of the
    run's first cell, e.g. ``[(12, "framework tab run lacks Keras")]``.
    """
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and Path(source).is_file()):
        source = Path(source).read_text(encoding="utf-8")
    lines = source.splitlines()
    problems: list[tuple[int, str]] = []
    runs: list[tuple[int, set[str]]] = []
    run: tuple[int, set[str]] | None = None  # (first line, frameworks seen)

    def end_run() -> None:
        nonlocal run
        if run:
            runs.append(run)
            missing = [FRAMEWORKS[f] for f in FRAMEWORKS if f not in run[1]]
            if missing:
                problems.append((run[0], f"framework tab run lacks {' and '.join(missing)}"))
        run = None

    i = 0
    if lines and lines[0].strip() == "---":  # skip the YAML front matter
        i = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0) + 1
    while i < len(lines):
        line = lines[i]
        m = _FENCE.match(line)
        if not m:
            stripped = line.strip()
            if stripped and not stripped.startswith(("+++", "%")):
                end_run()  # markdown content
            i += 1
            continue
        # a code cell: read its options (":tags: [...]" or a "---" YAML block)
        start, fence, tags = i + 1, m.group(1), []
        i += 1
        in_yaml = i < len(lines) and lines[i].strip() == "---"
        i += in_yaml
        while i < len(lines) and (in_yaml or lines[i].lstrip().startswith(":")):
            if in_yaml and lines[i].strip() == "---":
                i += 1
                break
            t = _TAGS_OPT.match(lines[i])
            if t:
                value = t.group(1) if t.group(1) is not None else t.group(2)
                if value.strip():
                    tags += _parse_tags(value)
                else:  # YAML block list: "tags:\n- a\n- b"
                    while i + 1 < len(lines) and lines[i + 1].lstrip().startswith("- "):
                        i += 1
                        tags.append(lines[i].strip()[2:].strip(" '\""))
            i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            i += 1  # skip the code
        i += 1
        tags = [t.replace("_", "-") for t in tags]
        if "remove-cell" in tags or {"remove-input", "remove-output"} <= set(tags):
            continue  # MyST-NB renders nothing for it: invisible, like a comment
        found = _frameworks_of(tags)
        if len(found) > 1:
            problems.append((start, "cell tagged both tab-pytorch and tab-keras"))
        if len(found) != 1:
            end_run()
        elif run is None:
            run = (start, found)
        else:
            run[1].update(found)
    end_run()
    return runs, problems


# --------------------------------------------------------------------------
# Sphinx parts (imported lazily so that the checker above needs no Sphinx)
# --------------------------------------------------------------------------

def _cell_frameworks(node: nodes.Node) -> set[str]:
    """Frameworks a MyST-NB code cell container is tagged with (empty for other nodes)."""
    if not (isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"):
        return set()
    return _frameworks_of(node.get("cell_metadata", {}).get("tags", []))


def _cell_framework(node: nodes.Node) -> str | None:
    """``pytorch``/``keras`` for a cell tagged with exactly one of them, else None."""
    found = _cell_frameworks(node)
    return found.pop() if len(found) == 1 else None


def _make_tab_set(cells: dict[str, list[nodes.Node]], first: nodes.Node) -> nodes.Node:
    """A tab-set node as sphinx-design's ``tab-set``/``tab-item`` directives build it."""
    from sphinx_design.shared import create_component

    tab_set = create_component("tab-set", classes=["sd-tab-set", "dlsbs-framework-tabs"])
    tab_set.source, tab_set.line = first.source, first.line
    for sync_id, label in FRAMEWORKS.items():  # fixed order: PyTorch first
        rubric = nodes.rubric(label, "", nodes.Text(label), classes=["sd-tab-label"],
                              sync_id=sync_id, sync_group=SYNC_GROUP)
        content = create_component("tab-content", classes=["sd-tab-content"],
                                   children=cells[sync_id])
        item = create_component("tab-item", classes=["sd-tab-item"],
                                selected=(sync_id == "pytorch"), children=[rubric, content])
        item.source, item.line = first.source, first.line
        tab_set += item
    return tab_set


def _group_framework_cells(parent: nodes.Element, logger: Any) -> None:
    """Replace runs of tagged cells among *parent*'s children by tab-sets."""
    out: list[nodes.Node] = []
    run: list[nodes.Node] = []
    changed = False

    def flush() -> None:
        nonlocal changed
        if not run:
            return
        cells = {f: [c for c in run if _cell_framework(c) == f] for f in FRAMEWORKS}
        missing = [FRAMEWORKS[f] for f in FRAMEWORKS if not cells[f]]
        if missing:
            logger.warning(f"framework tab run lacks {' and '.join(missing)} "
                           "(tag code cells tab-pytorch and tab-keras) [dlsbs.tabs]",
                           location=run[0], type="dlsbs", subtype="tabs")
            out.extend(run)
        else:
            out.append(_make_tab_set(cells, run[0]))
            changed = True
        run.clear()

    for child in list(parent.children):
        if _cell_framework(child):
            run.append(child)
        elif isinstance(child, nodes.comment) and run:
            out.append(child)  # invisible: does not end a run
        else:
            flush()
            out.append(child)
    flush()
    if changed:
        parent.children = []
        parent.extend(out)


def _colab_url(config: Any, docname: str, srcdir: Path) -> tuple[str | None, str]:
    """The Colab URL for *docname*, and a problem description ('' if none)."""
    opts = config.html_theme_options or {}
    repo = (opts.get("repository_url") or "").rstrip("/").removesuffix(".git")
    m = re.match(r"https?://github\.com/([^/]+/[^/]+)$", repo)
    if not m:
        return None, f"repository.url {repo!r} is not a GitHub repository URL"
    book_dir = config.dlsbs_book_dir.strip("/") + "/"
    if not docname.startswith(book_dir):
        return None, f"notebook page outside {book_dir!r}: no paired notebook"
    rel = f"{config.dlsbs_notebooks_dir.strip('/')}/{docname[len(book_dir):]}.ipynb"
    problem = "" if (srcdir / rel).is_file() else f"paired notebook {rel} does not exist"
    path = "/".join(p for p in [(opts.get("path_to_docs") or "").strip("/"), rel] if p)
    branch = opts.get("repository_branch") or "main"
    return f"https://colab.research.google.com/github/{m[1]}/blob/{branch}/{path}", problem


_COLAB_SVG = (  # two interlocking rings in Colab's colours; inline, no external image
    '<svg viewBox="0 0 28 16" width="28" height="16" aria-hidden="true">'
    '<circle cx="8" cy="8" r="5.5" fill="none" stroke="#E8710A" stroke-width="3"/>'
    '<circle cx="20" cy="8" r="5.5" fill="none" stroke="#F9AB00" stroke-width="3"/></svg>'
)


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop repeated inline scripts.  Sphinx 7.4 adds inline scripts registered
    after ``builder-inited`` twice (``None`` then ``''`` as filename), so
    sphinx-thebe's ``const THEBE_JS_URL`` throws "already declared" on every page."""
    seen, files = set(), context.get("script_files")
    if not isinstance(files, list):
        return
    unique = []
    for js in files:
        key = (str(getattr(js, "filename", js) or ""), getattr(js, "priority", 0),
               tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    files[:] = unique  # in place: the builder resets this list for every page


def _skip_vendored_autoload(app: Any, config: Any) -> None:
    """Jupyter Book adds every .js/.css under _static as a script/style of every
    page: keep the vendored files out (they are loaded where needed, see above)."""
    for name in ("html_js_files", "html_css_files"):
        setattr(config, name, [f for f in getattr(config, name)
                               if not (isinstance(f, str) and f.startswith("vendor/"))])
    config.html_static_path = list(dict.fromkeys(config.html_static_path))  # JB appends a 2nd _static


def _page_defaults(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    # pydata-sphinx-theme logs a console error ("invalid theme mode") without it
    context.setdefault("default_mode", "auto")


def setup(app: Any) -> dict[str, Any]:
    from sphinx.errors import ConfigError
    from sphinx.transforms.post_transforms import SphinxPostTransform
    from sphinx.util import logging

    logger = logging.getLogger(__name__)

    class FrameworkTabs(SphinxPostTransform):
        """Group framework-tagged cells into tab-sets (before sphinx-design's
        ``TabSetHtmlTransform``, priority 200, converts them to HTML nodes)."""

        default_priority = 150

        def run(self, **kwargs: Any) -> None:
            for cell in self.document.findall(lambda n: len(_cell_frameworks(n)) > 1):
                logger.warning("cell tagged both tab-pytorch and tab-keras [dlsbs.tabs]",
                               location=cell, type="dlsbs", subtype="tabs")
            parents = {id(c.parent): c.parent for c in self.document.findall(_cell_framework)}
            for parent in parents.values():
                _group_framework_cells(parent, logger)

    class ColabLink(SphinxPostTransform):
        """Put an "Open in Colab" link under the title of notebook pages."""

        default_priority = 160
        formats = ("html",)

        def run(self, **kwargs: Any) -> None:
            docname = self.env.docname
            if "kernelspec" not in self.env.metadata.get(docname, {}):
                return  # a prose page
            url, problem = _colab_url(self.config, docname, Path(self.env.srcdir))
            if problem:
                logger.warning(f"Open in Colab: {problem} [dlsbs.colab]",
                               location=docname, type="dlsbs", subtype="colab")
            if not url:
                return
            html = (f'<a class="dlsbs-colab" href="{url}" target="_blank" rel="noopener" '
                    f'title="Open this notebook in Google Colab">{_COLAB_SVG}'
                    '<span>Open in Colab</span></a>')
            link = nodes.raw("", html, format="html")
            section = next(iter(self.document.findall(nodes.section)), None)
            if section is not None and section.children and isinstance(section[0], nodes.title):
                section.insert(1, link)
            else:
                self.document.insert(0, link)

    def check_vendored(app: Any) -> None:
        """Stop early if the offline JavaScript has not been vendored."""
        if app.builder.format != "html":
            return
        dirs = [Path(app.confdir, d, "vendor") for d in app.config.html_static_path]
        missing = [f for f in VENDORED if not any((d / f).is_file() for d in dirs)]
        if missing:
            raise ConfigError(
                f"dlsbs.sphinx_ext: vendored assets missing ({', '.join(missing)} "
                "under _static/vendor/): run python scripts/vendor_assets.py")
        if app.config.mathjax_path != MATHJAX_PATH or list(app.config.nb_ipywidgets_js) != WIDGETS_JS:
            yaml = "".join(f"\n      {u}: {{}}" for u in WIDGETS_JS)
            logger.warning("the book must load its vendored scripts, set under sphinx: config: "
                           f"in _config.yml:\n    mathjax_path: {MATHJAX_PATH}\n"
                           f"    nb_ipywidgets_js:{yaml} [dlsbs.offline]",
                           type="dlsbs", subtype="offline")

    def add_static(app: Any) -> None:
        if app.builder.format == "html":
            app.config.html_static_path.append(str(STATIC))
            app.add_css_file("dlsbs.css")

    app.setup_extension("sphinx_design")
    app.setup_extension("myst_nb")
    app.add_config_value("dlsbs_book_dir", "book", "env")
    app.add_config_value("dlsbs_notebooks_dir", "notebooks", "env")
    app.add_post_transform(FrameworkTabs)
    app.add_post_transform(ColabLink)
    app.connect("config-inited", _skip_vendored_autoload)
    app.connect("builder-inited", check_vendored)
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", _page_defaults)
    app.connect("html-page-context", _dedupe_scripts, priority=900)  # after per-page scripts
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
