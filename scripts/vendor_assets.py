#!/usr/bin/env python
"""Vendor the JavaScript the book loads, so that it makes no request outside itself.

Fills ``_static/vendor/`` (git-ignored) from pinned npm packages:

- MathJax 3 (``tex-mml-chtml.js``, its CHTML woff fonts and the TeX extensions
  it autoloads); MathJax 4 would load its fonts from a CDN, so it is not used;
- RequireJS (``require.js``), needed by the widget manager;
- ``@jupyter-widgets/html-manager`` (``embed-amd.js``, which bundles
  ``@jupyter-widgets/base``, ``controls`` and ``output`` for ipywidgets 7 and 8,
  and the Font Awesome fonts its CSS uses).

Idempotent: returns at once when ``_static/vendor/VERSIONS.json`` matches the pins
and every file is present.  Usage: ``python scripts/vendor_assets.py [--force]``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from fnmatch import fnmatch
from pathlib import Path

# The files the book's Sphinx extension checks for, relative to VENDOR.
from dlsbs.sphinx_ext import VENDORED as REQUIRED

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "_static" / "vendor"
STAMP = VENDOR / "VERSIONS.json"

# npm spec -> [(glob inside the tarball's "package/", destination under VENDOR)]
PACKAGES: dict[str, list[tuple[str, str]]] = {
    "mathjax@3.2.2": [
        ("es5/tex-mml-chtml.js", "mathjax/"),
        ("es5/output/chtml/fonts/woff-v2/*.woff", "mathjax/output/chtml/fonts/woff-v2/"),
        ("es5/input/tex/extensions/*.js", "mathjax/input/tex/extensions/"),
        ("LICENSE", "mathjax/"),
    ],
    "requirejs@2.3.8": [("require.js", "")],
    "@jupyter-widgets/html-manager@1.0.15": [
        ("dist/embed-amd.js", "jupyter-widgets/"),  # self-contained: no chunk files
        # Font Awesome 5 fonts of the widgets' CSS (found there thanks to the
        # requirejs paths set in dlsbs/sphinx_ext/static/dlsbs-widgets.js)
        ("dist/*.woff2", "jupyter-widgets/"),
        ("dist/*.woff", "jupyter-widgets/"),
    ],
}



def up_to_date() -> bool:
    """True when the stamp matches the pins and the required files exist."""
    try:  # JSON turns the (glob, dest) tuples into lists
        stamp = {k: [tuple(r) for r in v] for k, v in json.loads(STAMP.read_text()).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return False
    return stamp == PACKAGES and all((VENDOR / f).is_file() for f in REQUIRED)


def fetch(spec: str, rules: list[tuple[str, str]], tmp: Path) -> int:
    """``npm pack`` one package into *tmp* and copy the files matching *rules*."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(tmp)],
        check=True, capture_output=True, text=True,
    ).stdout.split()[-1]
    matched: dict[str, int] = {pattern: 0 for pattern, _ in rules}
    with tarfile.open(tmp / out) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            for pattern, dest in rules:
                if member.isfile() and fnmatch(name, pattern):
                    target = VENDOR / dest / Path(name).name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(tar.extractfile(member).read())
                    matched[pattern] += 1
    if unmatched := [p for p, n in matched.items() if not n]:
        sys.exit(f"{spec}: no file matches {unmatched}")
    return sum(matched.values())


def main(force: bool = False) -> int:
    if not force and up_to_date():
        print(f"vendored assets up to date in {VENDOR.relative_to(ROOT)}")
        return 0
    if shutil.which("npm") is None:
        sys.exit("npm is required to vendor the book's JavaScript assets")
    shutil.rmtree(VENDOR, ignore_errors=True)
    VENDOR.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, rules in PACKAGES.items():
            n = fetch(spec, rules, Path(tmp))
            print(f"{spec}: {n} files")
    if missing := [f for f in REQUIRED if not (VENDOR / f).is_file()]:
        sys.exit(f"vendoring failed, missing: {missing}")
    STAMP.write_text(json.dumps(PACKAGES, indent=1))
    print(f"vendored assets written to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(force="--force" in sys.argv[1:]))
