"""Numeric checks for the math chapters (part 4): a formula computed by hand in
NumPy against the same quantity from PyTorch, TensorFlow and finite differences.

A chapter makes one ``checks = FormulaChecks()`` and calls
``checks.check("eq-fc-backward: dL/dW", ours, torch=..., tensorflow=...,
finite_differences=...)`` after each derivation. A mismatch raises an
AssertionError that names the formula and the reference, so a broken
derivation stops the notebook (and ``tests/test_math_chapters.py``, which runs
the math chapters on their own). ``checks.table()`` shows every check made.
"""

import numpy as np
import pandas as pd

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
        """A DataFrame: one row per check, the largest absolute error per reference."""
        frame = pd.DataFrame(self.rows).set_index("formula")
        return frame.style.format("{:.1e}", na_rep="–")
