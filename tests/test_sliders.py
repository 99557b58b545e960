import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from ipywidgets.widgets.widget import _instances  # noqa: E402  (registry the saved widget state comes from)
from ipywidgets.widgets.widget_link import Link  # noqa: E402

from dlsbs import sliders  # noqa: E402
from dlsbs.sliders import STATIC_ENV_VAR, grid_points, slider_demo  # noqa: E402



@pytest.fixture(autouse=True)
def no_ipython_shell():
    """With an IPython shell running (another test may start one), live mode shows render
    errors inside its Output widget, as in Jupyter; these tests check the kernel-less path."""
    InteractiveShell.clear_instance()


GRID = {"lr": [1e-3, 1e-2, 0.1], "batch_size": [32, 128]}
GRID3 = {"lr": [1e-3, 1e-2], "batch_size": [32, 64, 128], "optimizer": ["sgd", "adam"]}


class CountingRender:
    """A render function that records every call and returns a small figure."""

    def __init__(self):
        self.calls = []

    def __call__(self, **params):
        self.calls.append(params)
        figure, ax = plt.subplots(figsize=(2, 1.5))
        ax.set_title(str(params))
        return figure


def sliders_and_view(box):
    *sliders, view = box.children
    return sliders, view


def stacks_by_depth(stack, depth=0, found=None):
    found = {} if found is None else found
    found.setdefault(depth, []).append(stack)
    for child in stack.children:
        if isinstance(child, widgets.Stack):
            stacks_by_depth(child, depth + 1, found)
    return found


def links_to(stack):
    return [
        w for w in list(_instances.values())
        if isinstance(w, Link) and w.target[0] is stack
    ]


def test_grid_points_row_major():
    points = grid_points(GRID)
    assert len(points) == 6
    assert points[:3] == [
        {"lr": 1e-3, "batch_size": 32},
        {"lr": 1e-3, "batch_size": 128},
        {"lr": 1e-2, "batch_size": 32},
    ]
    assert points[-1] == {"lr": 0.1, "batch_size": 128}
    assert len(grid_points(GRID3)) == 12


@pytest.mark.parametrize("grid", [GRID, GRID3, {"lr": [1e-3, 1e-2]}], ids=["2 params", "3 params", "1 param"])
def test_static_mode_builds_linked_nested_stacks(grid):
    render = CountingRender()
    box = slider_demo(render, grid, static=True)
    sliders, outer = sliders_and_view(box)

    assert isinstance(box, widgets.VBox)
    assert [s.description for s in sliders] == list(grid)
    assert all(isinstance(s, widgets.SelectionSlider) for s in sliders)
    assert len(render.calls) == len(grid_points(grid))
    assert render.calls == grid_points(grid)
    assert plt.get_fignums() == []  # every figure closed

    sizes = [len(values) for values in grid.values()]
    levels = stacks_by_depth(outer)
    assert sorted(levels) == list(range(len(grid)))
    expected_stacks = 1
    for depth, size in enumerate(sizes):
        assert len(levels[depth]) == expected_stacks
        for stack in levels[depth]:
            assert len(stack.children) == size
            assert stack.selected_index == 0
            (link,) = links_to(stack)
            assert link.source == (sliders[depth], "index")
            assert link.target == (stack, "selected_index")
        expected_stacks *= size

    images = [child for stack in levels[len(grid) - 1] for child in stack.children]
    assert len(images) == len(grid_points(grid))
    for image in images:
        assert isinstance(image, widgets.Image)
        assert image.format == "png"
        assert bytes(image.value).startswith(b"\x89PNG") and len(image.value) > 100


def test_static_mode_image_order_matches_grid():
    box = slider_demo(CountingRender(), GRID, static=True)
    _, outer = sliders_and_view(box)
    # the image at outer[i][j] was rendered for (lr_i, batch_j): compare with a direct render
    expected = slider_demo(CountingRender(), {"lr": [0.1], "batch_size": [32]}, static=True)
    _, single = sliders_and_view(expected)
    assert outer.children[2].children[0].value == single.children[0].children[0].value


def test_start_and_labels():
    box = slider_demo(
        CountingRender(), GRID, static=True,
        start={"lr": 1e-2, "batch_size": 128}, labels={"lr": "learning rate"},
    )
    (lr, batch), outer = sliders_and_view(box)
    assert lr.description == "learning rate" and batch.description == "batch_size"
    assert lr.value == 1e-2 and lr.index == 1 and batch.index == 1
    assert outer.selected_index == 1
    assert all(stack.selected_index == 1 for stack in outer.children)
    assert not lr.continuous_update


def option_labels(slider):
    return tuple(label for label, _ in slider.options)


def test_readable_option_labels():
    box = slider_demo(CountingRender(), {"lr": [1e-3, 1e-5, 0.25], "n": [1, 10], "act": ["relu"]}, static=False)
    lr, n, act = sliders_and_view(box)[0]
    assert option_labels(lr) == ("0.001", "1e-05", "0.25")
    assert option_labels(n) == ("1", "10")
    assert option_labels(act) == ("relu",)
    # labels that would collide fall back to full precision
    close = slider_demo(CountingRender(), {"x": [0.1234567, 0.1234568]}, static=False)
    assert option_labels(sliders_and_view(close)[0][0]) == ("0.1234567", "0.1234568")


def test_live_mode_renders_lazily_and_memoises():
    render = CountingRender()
    box = slider_demo(render, GRID, static=False, start={"batch_size": 128})
    (lr, batch), view = sliders_and_view(box)
    assert isinstance(view, widgets.Output)
    assert render.calls == [{"lr": 1e-3, "batch_size": 128}]

    lr.value = 0.1
    assert render.calls[-1] == {"lr": 0.1, "batch_size": 128}
    lr.value = 1e-3  # revisit: served from the cache
    assert len(render.calls) == 2
    batch.value = 32
    assert render.calls[-1] == {"lr": 1e-3, "batch_size": 32}
    assert len(render.calls) == 3
    assert plt.get_fignums() == []


@pytest.mark.parametrize("env_value, static", [("1", True), ("0", False), ("", False), (None, False)])
def test_env_var_selects_mode(monkeypatch, env_value, static):
    if env_value is None:
        monkeypatch.delenv(STATIC_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(STATIC_ENV_VAR, env_value)
    render = CountingRender()
    _, view = sliders_and_view(slider_demo(render, GRID))
    assert isinstance(view, widgets.Stack) is static
    assert len(render.calls) == (6 if static else 1)


def test_explicit_static_overrides_env(monkeypatch):
    monkeypatch.setenv(STATIC_ENV_VAR, "1")
    _, view = sliders_and_view(slider_demo(CountingRender(), GRID, static=False))
    assert isinstance(view, widgets.Output)


@pytest.mark.parametrize(
    "grid, kwargs, message",
    [
        ({}, {}, "grid is empty"),
        ({"lr": []}, {}, "'lr' has no values"),
        ({"lr": [0.1, 0.1]}, {}, "duplicate values"),
        ({"hidden": [[16], [32]]}, {}, "not hashable"),
        (GRID, {"start": {"momentum": 0.9}}, "unknown parameter"),
        (GRID, {"start": {"lr": 0.5}}, "not in the grid"),
        (GRID, {"labels": {"momentum": "Momentum"}}, "unknown parameter"),
    ],
)
@pytest.mark.parametrize("static", [True, False])
def test_validation_errors(grid, kwargs, message, static):
    render = CountingRender()
    with pytest.raises(ValueError, match=message):
        slider_demo(render, grid, static=static, **kwargs)
    assert render.calls == []


@pytest.mark.parametrize("static", [True, False])
def test_render_must_return_a_figure(static):
    with pytest.raises(TypeError, match=r"render\(lr=0\.001, batch_size=32\) returned NoneType"):
        slider_demo(lambda **params: None, GRID, static=static)


def failing_render(lr, batch_size):
    if (lr, batch_size) == (1e-2, 128):
        raise FloatingPointError("loss is nan")
    return CountingRender()(lr=lr, batch_size=batch_size)


FAILURE = r"render\(lr=0\.01, batch_size=128\) failed: FloatingPointError: loss is nan"


def test_static_render_error_carries_the_parameters():
    with pytest.raises(RuntimeError, match=FAILURE) as info:
        slider_demo(failing_render, GRID, static=True)
    assert isinstance(info.value.__cause__, FloatingPointError)
    plt.close("all")


def test_live_render_error_carries_the_parameters():
    # Without a kernel the error propagates; in Jupyter the Output widget shows the traceback.
    (lr, batch), _ = sliders_and_view(slider_demo(failing_render, GRID, static=False))
    lr.value = 1e-2
    with pytest.raises(RuntimeError, match=FAILURE):
        batch.value = 128


def test_demos_are_recorded_for_the_benchmark(monkeypatch):
    monkeypatch.setattr(sliders, "DEMOS", [])
    run = lambda lr: None  # noqa: E731
    slider_demo(CountingRender(), {"lr": [0.1, 1.0]}, static=False, title="demo", runs={"PyTorch": run})
    assert sliders.DEMOS == [{"title": "demo", "grid": {"lr": (0.1, 1.0)}, "runs": {"PyTorch": run}}]


@pytest.mark.parametrize("run", [lambda x, kernel: None, lambda lr, batch_size, extra: None, lambda: None])
def test_a_run_that_cannot_take_the_grid_parameters_is_refused(run):
    with pytest.raises(TypeError, match=r"runs\['Keras'\] must take the grid's parameters lr, batch_size"):
        slider_demo(CountingRender(), GRID, static=False, runs={"Keras": run})


def test_runs_taking_the_grid_parameters_are_accepted():
    slider_demo(CountingRender(), GRID, static=False,
                runs={"PyTorch": lambda lr, batch_size: None, "Keras": lambda **params: None})
