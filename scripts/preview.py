"""Build a preview book with only some chapters, to check them quickly.

    python scripts/preview.py book/concepts/neuron.md [more pages] [--out DIR]

The preview is a copy of the book's configuration, ``book/`` and ``_static/``
in DIR (default: /tmp/dlsbs-preview-<first page's name>) whose table of
contents holds the introduction and the given pages; it is executed like the
real book (precomputed sliders, its own execution cache) and opened at
DIR/_build/html. Links to chapters left out of the preview give warnings, so
the build is not run with -W: read the warnings about your own pages.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="+", type=Path, help="book/…/*.md sources")
    parser.add_argument("--out", type=Path, help="preview folder (reused: its cache stays)")
    args = parser.parse_args()
    pages = [page.resolve().relative_to(ROOT).with_suffix("") for page in args.pages]
    out = args.out or Path("/tmp") / f"dlsbs-preview-{pages[0].name}"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "_config.yml", out / "_config.yml")
    for folder in ["book", "_static"]:
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, out / folder)
    chapters = "".join(f"  - file: {page.as_posix()}\n" for page in pages)
    (out / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n{chapters}")
    env = {**os.environ, "DLSBS_STATIC_WIDGETS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run([str(jupyter_book), "build", str(out), "-n", "--keep-going"], env=env)
    print(f"\nPreview: {out / '_build' / 'html'}")
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
