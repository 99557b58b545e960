"""Draw the history timeline of book/background/history-and-scope.md.

    python scripts/make_timeline.py [--out book/background/timeline.svg]

The SVG is committed; tests/test_timeline.py redraws it and checks that the
result is byte-for-byte the committed file, and that every event cites a key
of book/references.bib. After changing EVENTS or the drawing, rerun this
script and commit the new SVG.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "book" / "background" / "timeline.svg"

# (year, what happened, citation key in book/references.bib)
EVENTS = [
    (1943, "McCulloch & Pitts: a logical model of the neuron",
     "mcculloch1943logical"),
    (1956, "Dartmouth workshop names \u201cartificial intelligence\u201d",
     "mccarthy1955proposal"),
    (1958, "Rosenblatt's perceptron learns from examples",
     "rosenblatt1958perceptron"),
    (1969, "Minsky & Papert: limits of one-layer perceptrons",
     "minsky1969perceptrons"),
    (1970, "Linnainmaa: reverse-mode differentiation",
     "linnainmaa1970representation"),
    (1974, "Werbos suggests it for neural networks",
     "werbos1974beyond"),
    (1986, "Rumelhart, Hinton & Williams: backpropagation",
     "rumelhart1986learning"),
    (1989, "LeCun et al.: a CNN reads handwritten zip codes",
     "lecun1989backpropagation"),
    (1997, "Hochreiter & Schmidhuber: LSTM", "hochreiter1997long"),
    (1998, "LeNet-5 reads bank cheques", "lecun1998gradient"),
    (2006, "Hinton et al.: deep belief nets", "hinton2006fast"),
    (2009, "ImageNet data set", "deng2009imagenet"),
    (2012, "AlexNet wins ImageNet challenge by a wide margin",
     "krizhevsky2012imagenet"),
    (2012, "Deep networks for speech recognition", "hinton2012deep"),
    (2014, "VGG: very deep 3\u00d73 convolutions", "simonyan2015very"),
    (2014, "GoogLeNet / Inception wins ILSVRC", "szegedy2015going"),
    (2015, "ResNet: 152 layers with skip connections", "he2016deep"),
    (2017, "Transformer: attention is all you need",
     "vaswani2017attention"),
    (2018, "BERT: pre-trained Transformer encoders", "devlin2019bert"),
    (2020, "GPT-3: 175 billion parameters, few-shot",
     "brown2020language"),
]

# The three waves of neural-network research (Goodfellow et al., 2016, 1.2)
ERAS = [
    (1940, 1969, "cybernetics", "#e8eef7"),
    (1980, 1999, "connectionism", "#eef5e8"),
    (2006, 2021, "deep learning", "#f7ece8"),
]


def draw(out_path):
    """Draw EVENTS as a vertical timeline and save a reproducible SVG."""
    plt.rcParams.update({
        "font.family": "DejaVu Sans",
        "svg.hashsalt": "dlsbs-timeline",  # fixed ids: same bytes each run
        "svg.fonttype": "path",  # text as shapes: looks the same anywhere
    })
    n = len(EVENTS)
    fig, ax = plt.subplots(figsize=(8.6, 0.36 * n + 1.3))
    rows = list(range(n))  # one row per event, oldest at the top
    years = [year for year, _, _ in EVENTS]
    for first, last, name, colour in ERAS:
        inside = [r for r, y in zip(rows, years) if first <= y <= last]
        if inside:
            ax.axhspan(min(inside) - 0.45, max(inside) + 0.45,
                       color=colour, zorder=0)
            ax.text(1.0, (min(inside) + max(inside)) / 2, name,
                    rotation=90, ha="right", va="center", fontsize=10,
                    color="#555555", style="italic",
                    transform=ax.get_yaxis_transform())
    ax.plot([0, 0], [-0.5, n - 0.5], color="#444444", lw=1.5, zorder=1)
    ax.scatter([0] * n, rows, s=36, color="#1f5fa8", zorder=2)
    for row, (year, label, _) in zip(rows, EVENTS):
        ax.text(-0.12, row, str(year), ha="right", va="center",
                fontsize=11, fontweight="bold")
        ax.text(0.12, row, label, ha="left", va="center", fontsize=11)
    ax.set_xlim(-1.0, 7.2)
    ax.set_ylim(n - 0.4, -1.3)
    ax.text(-1.0, -1.0, "Milestones of neural networks and deep learning",
            fontsize=13, fontweight="bold", va="center")
    ax.set_axis_off()
    fig.subplots_adjust(left=0.02, right=0.98, top=0.99, bottom=0.01)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return out_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    print(f"wrote {draw(parser.parse_args().out)}")


if __name__ == "__main__":
    main()
