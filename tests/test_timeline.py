"""The history timeline: the committed SVG is exactly what its script draws, and every event is cited."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_timeline.py"
SVG = ROOT / "book" / "background" / "timeline.svg"
PAGE = ROOT / "book" / "background" / "history-and-scope.md"
BIB = ROOT / "book" / "references.bib"


def timeline_events():
    namespace = {"__name__": "make_timeline", "__file__": str(SCRIPT)}  # not __main__: no drawing
    exec(compile(SCRIPT.read_text(), str(SCRIPT), "exec"), namespace)
    return namespace["EVENTS"]


def test_committed_svg_is_what_the_script_draws(tmp_path):
    out = tmp_path / "timeline.svg"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=ROOT)
    assert out.read_bytes() == SVG.read_bytes(), (
        f"{SVG.relative_to(ROOT)} is out of date: run `python scripts/make_timeline.py`"
    )


def test_drawing_twice_gives_the_same_bytes(tmp_path):
    for name in ["a.svg", "b.svg"]:
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path / name)], check=True, cwd=ROOT)
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_every_event_has_a_year_a_label_and_a_known_citation():
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M))
    events = timeline_events()
    assert events, "the timeline has no events"
    years = [year for year, _, _ in events]
    assert years == sorted(years), "events must be in chronological order"
    for year, label, key in events:
        assert isinstance(year, int) and 1900 <= year <= 2100, year
        assert label.strip(), f"event of {year} has no label"
        assert key in keys, f"{label!r} cites {key!r}, which is not in {BIB.name}"


def test_the_page_cites_every_event_and_shows_the_figure():
    page = PAGE.read_text(encoding="utf-8")
    for _, label, key in timeline_events():
        assert re.search(rf"\{{cite:[pt]\}}`[^`]*\b{key}\b", page), f"{PAGE.name} never cites {key} ({label})"
    assert re.search(r"```\{figure\} timeline\.svg\n(:[^\n]*\n)*:alt: \S", page), "figure without alt text"
