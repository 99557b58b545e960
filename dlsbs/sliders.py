"""Hyperparameter sliders that work with a live kernel and in the static book.

A chapter writes ``render(**params) -> Figure`` and calls
``slider_demo(render, {"lr": [1e-3, 1e-2], "batch_size": [32, 128]})``.

* Live mode (Jupyter, Colab): one ``SelectionSlider`` per parameter; the figure
  for the current selection is rendered on demand and memoised.
* Static mode (the built book, ``DLSBS_STATIC_WIDGETS=1``): every grid point is
  rendered at execution time into an ``Image``; the images sit in nested
  ``Stack`` widgets whose ``selected_index`` is ``jslink``-ed to the sliders'
  ``index``, so the sliders keep working in the browser without a kernel.
"""

import inspect
import io
import itertools
import numbers
import os

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import Image as ImageDisplay
from IPython.display import display
from matplotlib.figure import Figure

STATIC_ENV_VAR = "DLSBS_STATIC_WIDGETS"
PNG_DPI = 90

# Every demo made in this process, for scripts/benchmark.py: the title, the grid
# and, per framework, the function a slider move calls (its live update cost).
DEMOS = []


def grid_points(grid):
    """All combinations of ``grid`` as dicts, in row-major order (last parameter fastest)."""
    names = list(grid)
    return [dict(zip(names, combo)) for combo in itertools.product(*grid.values())]


def slider_demo(render, grid, *, static=None, labels=None, start=None, title=None, runs=None):
    """Sliders over ``grid`` that show ``render(**params)`` for the selected point.

    render: function of the grid's parameters returning a matplotlib Figure.
    grid: ordered mapping {parameter name: sequence of values}.
    static: precompute every grid point (for the built book); None reads the
        environment variable DLSBS_STATIC_WIDGETS ("1" means static).
    labels: optional {parameter name: slider description}.
    start: optional {parameter name: initial value}; defaults to each first value.
    title, runs: recorded in DEMOS for the benchmark script; ``runs`` maps a
        framework name to the function of the grid's parameters that render calls.
    """
    grid = _validated_grid(grid)
    labels = _validated_subset("labels", labels or {}, grid)
    start_point = {name: values[0] for name, values in grid.items()}
    start_point.update(_validated_start(start or {}, grid))
    _check_runs(runs or {}, start_point)
    if static is None:
        static = os.environ.get(STATIC_ENV_VAR, "").strip() == "1"
    DEMOS.append({"title": title or getattr(render, "__name__", "demo"), "grid": grid, "runs": dict(runs or {})})

    sliders = {
        name: widgets.SelectionSlider(
            options=list(zip(_value_labels(values), values)),
            value=start_point[name],
            description=labels.get(name, name),
            continuous_update=False,
            style={"description_width": "initial"},
            layout={"width": "min(100%, 420px)"},
        )
        for name, values in grid.items()
    }
    if static:
        view = _static_view(render, grid, sliders)
    else:
        view = _live_view(render, sliders)
    return widgets.VBox([*sliders.values(), view])


def _live_view(render, sliders):
    """Output that renders the selected point on demand, memoised per point."""
    png_cache = {}

    def show(**params):
        key = tuple(params.values())
        if key not in png_cache:
            png_cache[key] = _render_png(render, params)
        display(ImageDisplay(data=png_cache[key]))

    return widgets.interactive_output(show, sliders)


def _static_view(render, grid, sliders):
    """Nested Stacks of every pre-rendered point, switched client-side via jslink."""
    images = {
        tuple(params.values()): widgets.Image(value=_render_png(render, params), format="png")
        for params in grid_points(grid)
    }
    names = list(grid)

    def build(prefix):
        depth = len(prefix)
        if depth == len(names):
            return images[prefix]
        slider = sliders[names[depth]]
        stack = widgets.Stack(
            [build(prefix + (value,)) for value in grid[names[depth]]],
            selected_index=slider.index,
        )
        widgets.jslink((slider, "index"), (stack, "selected_index"))
        return stack

    return build(())


def _render_png(render, params):
    """Call ``render(**params)`` and return the figure as PNG bytes (the figure is closed)."""
    call = "render(" + ", ".join(f"{name}={value!r}" for name, value in params.items()) + ")"
    try:
        figure = render(**params)
    except Exception as error:
        raise RuntimeError(f"{call} failed: {type(error).__name__}: {error}") from error
    if not isinstance(figure, Figure):
        raise TypeError(f"{call} returned {type(figure).__name__}, expected a matplotlib Figure")
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def _check_runs(runs, point):
    """Each run must be callable with the grid's parameters, as the benchmark calls it."""
    for framework, run in runs.items():
        try:
            inspect.signature(run).bind(**point)
        except TypeError as error:
            raise TypeError(f"runs[{framework!r}] must take the grid's parameters "
                            f"{', '.join(point)} as keywords: {error}") from None


def _validated_grid(grid):
    """The grid as {name: tuple of values}, or a ValueError saying what is wrong."""
    if not grid:
        raise ValueError("grid is empty: give at least one parameter, e.g. {'lr': [1e-3, 1e-2]}")
    checked = {}
    for name, values in grid.items():
        values = tuple(values)
        if not values:
            raise ValueError(f"grid parameter {name!r} has no values")
        for value in values:
            try:
                hash(value)
            except TypeError:
                raise ValueError(
                    f"grid parameter {name!r}: value {value!r} is not hashable "
                    f"(use numbers, strings or tuples)"
                ) from None
        if len(set(values)) != len(values):
            raise ValueError(f"grid parameter {name!r} has duplicate values: {list(values)}")
        checked[name] = values
    return checked


def _validated_subset(what, mapping, grid):
    """``mapping`` after checking that it names only parameters of ``grid``."""
    unknown = [name for name in mapping if name not in grid]
    if unknown:
        raise ValueError(f"{what} names unknown parameter(s) {unknown}; grid has {list(grid)}")
    return dict(mapping)


def _validated_start(start, grid):
    """``start`` after checking every value is in the grid."""
    start = _validated_subset("start", start, grid)
    for name, value in start.items():
        if value not in grid[name]:
            raise ValueError(
                f"start value {value!r} for {name!r} is not in the grid values {list(grid[name])}"
            )
    return start


def _value_labels(values):
    """Readable slider labels: floats as ``0.001``/``1e-05``, everything else via ``str``."""
    short = [_format_value(value) for value in values]
    if len(set(short)) == len(short):
        return short
    return [repr(value) for value in values]  # short labels collide: fall back to full precision


def _format_value(value):
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return f"{value:g}"
    return str(value)
