"""Numeric checks for the math chapters (part 4): a formula computed by hand in
NumPy against the same quantity from PyTorch, TensorFlow and finite differences.

A chapter makes one ``checks = FormulaChecks()`` and calls
``checks.check("eq-fc-backward: dL/dW", ours, torch=..., tensorflow=...,
finite_differences=...)`` after each derivation. A mismatch raises an
AssertionError that names the formula and the reference, so a broken
derivation stops the notebook (and ``tests/test_math_chapters.py``, which runs
the math chapters on their own). ``checks.table()`` shows every check made.
"""

import html
import re

import numpy as np

TOLERANCE = 1e-6


def numerical_gradient(f, x, eps=1e-6):
    """Central finite differences of the scalar function ``f`` at the array ``x``.

    Each entry is nudged by ±eps in float64: (f(x + eps) - f(x - eps)) / (2 eps).
    The error is of order eps² plus rounding (about 1e-16 / eps), so about 1e-10.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = float(f(x))
        x[index] = original - eps
        f_minus = float(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def to_numpy(value):
    """A float64 NumPy array from a NumPy array, a torch tensor or a TF tensor."""
    if hasattr(value, "detach"):  # torch.Tensor
        value = value.detach().cpu()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


class FormulaChecks:
    """Every formula check made in a chapter, with its largest absolute error."""

    def __init__(self, tolerance=TOLERANCE):
        self.tolerance = tolerance
        self.rows = []

    def check(self, formula, ours, *, tolerance=None, **references):
        """Assert that ``ours`` equals every reference within the tolerance.

        formula: what is checked, e.g. "(eq-fc-backward) dL/dW".
        references: name=value pairs, e.g. torch=..., tensorflow=...,
            finite_differences=... (arrays or tensors of the same shape).
        Returns the largest absolute error over the references.
        """
        if not references:
            raise ValueError(f"{formula}: give at least one reference to compare with")
        tolerance = self.tolerance if tolerance is None else tolerance
        ours = to_numpy(ours)
        errors = {}
        for name, value in references.items():
            value = to_numpy(value)
            if value.shape != ours.shape:
                raise AssertionError(
                    f"{formula}: shape {ours.shape} by hand but {value.shape} from {name}")
            errors[name] = float(np.max(np.abs(ours - value), initial=0.0))
            if not errors[name] <= tolerance:  # also catches NaN
                raise AssertionError(
                    f"{formula}: the hand-derived value differs from {name} by "
                    f"{errors[name]:.3g} (tolerance {tolerance:g})")
        self.rows.append({"formula": formula, **errors})
        return max(errors.values())

    def __len__(self):
        return len(self.rows)

    def table(self):
        """Every check made, as a table: one row per check, the largest absolute
        error per reference (shown as HTML in Jupyter, as MyST Markdown in the book)."""
        return ChecksTable(self.rows)


# Column headings for the reference names that the chapters use.
REFERENCE_NAMES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras",
                   "finite_differences": "finite differences"}
# A formula named "(math-fc-loss) loss value" refers to the equation labelled math-fc-loss.
EQUATION_LABEL = re.compile(r"\((?P<label>[\w-]+)\)\s*(?P<text>.*)")


class ChecksTable:
    """The rows of a FormulaChecks log, rendered for readers.

    ``_repr_html_`` gives a styled table for Jupyter and Colab. ``_repr_markdown_``
    gives a MyST table in which an equation label becomes a link to its numbered
    equation ({eq} role); the book prefers it (``nb_mime_priority_overrides``).
    """

    def __init__(self, rows):
        self.rows = list(rows)
        self.references = list(dict.fromkeys(name for row in self.rows
                                             for name in row if name != "formula"))

    def _header(self):
        return ["formula"] + [REFERENCE_NAMES.get(name, name.replace("_", " "))
                              for name in self.references]

    def _errors(self, row):
        return [f"{row[name]:.1e}" if name in row else "–" for name in self.references]

    def _repr_markdown_(self):
        def formula(text):
            match = EQUATION_LABEL.fullmatch(text)
            escaped = re.sub(r"([\\`*_|<>\[\]])", r"\\\1", match["text"] if match else text)
            return f"{{eq}}`{match['label']}` {escaped}" if match else escaped

        header = self._header()
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "---|" + "--:|" * (len(header) - 1)]
        lines += ["| " + " | ".join([formula(row["formula"]), *self._errors(row)]) + " |"
                  for row in self.rows]
        caption = "Largest absolute difference between the hand-derived value and each reference."
        return caption + "\n\n" + "\n".join(lines) + "\n"

    def _repr_html_(self):
        cell = "padding:0.2em 0.8em;border-bottom:1px solid #ccc;"
        head = "".join(f'<th style="{cell}text-align:{"left" if i == 0 else "right"}">'
                       f"{html.escape(name)}</th>" for i, name in enumerate(self._header()))
        body = "".join(
            f'<tr><td style="{cell}text-align:left">{html.escape(row["formula"])}</td>'
            + "".join(f'<td style="{cell}text-align:right">{error}</td>'
                      for error in self._errors(row)) + "</tr>"
            for row in self.rows)
        return (f'<table class="dlsbs-checks" style="border-collapse:collapse">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def __repr__(self):
        return f"<{len(self.rows)} formula checks>"
