"""dlsbs.checks: finite differences and the formula-check log of part 4."""

import numpy as np
import pytest

from dlsbs.checks import FormulaChecks, numerical_gradient


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    grad = numerical_gradient(lambda v: np.sum(np.sin(v) * v**2), x)
    np.testing.assert_allclose(grad, np.cos(x) * x**2 + 2 * x * np.sin(x), atol=1e-8)


def test_numerical_gradient_leaves_its_input_unchanged():
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda v: v @ v, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_a_passing_check_is_recorded_with_its_error():
    checks = FormulaChecks()
    error = checks.check("y = 2x", np.array([2.0, 4.0]), exact=np.array([2.0, 4.0 + 1e-9]))
    assert error == pytest.approx(1e-9)
    assert len(checks) == 1
    assert "y = 2x" in checks.table()._repr_html_()


def test_the_table_links_equation_labels_and_names_the_references():
    checks = FormulaChecks()
    checks.check("(math-fc-loss) loss |value| of h_t", np.ones(2), torch=np.ones(2),
                 finite_differences=np.ones(2) + 2e-9)
    checks.check("no label", np.ones(1), tensorflow=np.ones(1))
    markdown = checks.table()._repr_markdown_()
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert rows[0] == "| formula | PyTorch | finite differences | TensorFlow |"
    assert rows[2] == "| {eq}`math-fc-loss` loss \\|value\\| of h\\_t | 0.0e+00 | 2.0e-09 | – |"
    assert rows[3] == "| no label | – | – | 0.0e+00 |"
    html = checks.table()._repr_html_()
    assert html.count("<tr>") == 3 and "<th" in html and "finite differences" in html


@pytest.mark.parametrize("wrong", [np.array([2.0, 4.1]), np.array([2.0, np.nan])])
def test_a_wrong_value_fails_and_names_formula_and_reference(wrong):
    checks = FormulaChecks()
    with pytest.raises(AssertionError, match=r"y = 2x.*differs from torch"):
        checks.check("y = 2x", np.array([2.0, 4.0]), torch=wrong)
    assert len(checks) == 0


def test_a_shape_mismatch_fails():
    with pytest.raises(AssertionError, match="shape"):
        FormulaChecks().check("f", np.zeros(3), torch=np.zeros((3, 1)))


def test_a_check_needs_a_reference():
    with pytest.raises(ValueError, match="reference"):
        FormulaChecks().check("f", np.zeros(3))


def test_tensors_are_compared_as_float64():
    torch = pytest.importorskip("torch")
    checks = FormulaChecks()
    checks.check("t", np.array([1.5]), torch=torch.tensor([1.5], dtype=torch.float64))
    assert len(checks) == 1
