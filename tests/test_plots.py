import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlsbs.plots import (  # noqa: E402
    MESSAGE_GID,
    first_divergence,
    new_figure,
    plot_curve,
    show_images,
    style_axes,
)


@pytest.fixture
def ax():
    figure, ax = plt.subplots()
    yield ax
    plt.close(figure)


def messages(ax):
    return [text for text in ax.texts if text.get_gid() == MESSAGE_GID]


@pytest.mark.parametrize(
    "values, expected",
    [
        ([1.0, 0.5, 0.25], None),
        ([], None),
        ([1.0, float("nan"), 0.5], 1),
        ([float("inf")], 0),
        ([2.0, 1.0, -np.inf], 2),
        ([1.0, 3e6, 1.0], 1),
        ([1.0, -3e6], 1),
        (np.array([0.1, 1e6]), None),  # the threshold itself is still finite enough
    ],
)
def test_first_divergence(values, expected):
    assert first_divergence(values) == expected


def test_first_divergence_threshold_keyword():
    assert first_divergence([1.0, 50.0], threshold=10) == 1
    assert first_divergence([1.0, 50.0]) is None


def test_finite_curve_is_plotted_whole(ax):
    line = plot_curve(ax, [3.0, 2.0, 1.0], label="PyTorch")
    assert list(line.get_xdata()) == [1, 2, 3]
    assert list(line.get_ydata()) == [3.0, 2.0, 1.0]
    assert line.get_label() == "PyTorch"
    assert messages(ax) == []


def test_diverging_curve_is_cut_and_labelled(ax):
    line = plot_curve(ax, [2.0, 1.5, np.nan, np.nan], label="Keras", color="tab:orange")
    assert list(line.get_ydata()) == [2.0, 1.5]
    (message,) = messages(ax)
    assert message.get_text() == "Keras: diverged at epoch 3"
    for plotted in ax.get_lines():
        assert np.all(np.isfinite(np.asarray(plotted.get_ydata(), dtype=float)))
    marker = [plotted for plotted in ax.get_lines() if plotted.get_marker() == "X"]
    assert len(marker) == 1
    assert list(marker[0].get_xdata()) == [2] and list(marker[0].get_ydata()) == [1.5]


def test_huge_values_count_as_divergence(ax):
    line = plot_curve(ax, [1.0, 1e9, 1e12], label="run", x=[0, 5, 10])
    assert list(line.get_xdata()) == [0]
    assert messages(ax)[0].get_text() == "run: diverged at epoch 2"


def test_all_curves_diverged_at_first_epoch_still_shows_messages(ax):
    assert plot_curve(ax, [np.inf, np.inf], label="PyTorch") is None
    assert plot_curve(ax, [np.nan], label="Keras") is None
    style_axes(ax, title="Loss", xlabel="epoch", ylabel="loss")
    texts = [text.get_text() for text in messages(ax)]
    assert texts == ["PyTorch: diverged at epoch 1", "Keras: diverged at epoch 1"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    # the two messages are stacked, not drawn on top of each other
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    first, second = (text.get_window_extent(renderer) for text in messages(ax))
    assert not first.overlaps(second)


def test_x_and_values_must_match(ax):
    with pytest.raises(ValueError, match="x has 2 entries"):
        plot_curve(ax, [1.0, 2.0, 3.0], label="run", x=[1, 2])


def test_style_axes_and_new_figure():
    figure, axes = new_figure(2)
    assert len(axes) == 2
    plot_curve(axes[0], [1.0, 0.5], label="PyTorch")
    style_axes(axes[0], title="Loss", xlabel="epoch", ylabel="loss")
    assert axes[0].title.get_fontsize() >= 12
    assert axes[0].xaxis.label.get_fontsize() >= 10
    assert axes[0].get_legend() is not None
    style_axes(axes[1], title="Empty")
    assert axes[1].get_legend() is None
    plt.close(figure)


def test_show_images_grid():
    images = np.random.default_rng(0).random((10, 8, 8))
    figure = show_images(images, [0, 1] * 5, ncols=4, title="Augmented", class_names=["cat", "dog"])
    image_axes = [ax for ax in figure.axes if ax.images]
    assert len(figure.axes) == len(image_axes) == 10  # the two spare grid cells are removed
    assert figure.get_suptitle() == "Augmented"
    assert [ax.get_title() for ax in image_axes[:2]] == ["cat", "dog"]
    plt.close(figure)


def test_show_images_without_labels_and_bad_shape():
    figure = show_images(np.zeros((3, 5, 5)), title="Zeros")
    assert len(figure.axes) == 3 and all(ax.get_title() == "" for ax in figure.axes)
    plt.close(figure)
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        show_images(np.zeros((5, 5)), title="bad")
    with pytest.raises(ValueError, match="2 labels for 3 images"):
        show_images(np.zeros((3, 5, 5)), ["a", "b"], title="bad")


def test_epoch_axis_has_whole_numbers_only():
    figure, ax = plt.subplots()
    plot_curve(ax, [1.0, 0.5, 0.25, 0.2], label="run")
    figure.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())
    plt.close(figure)


def test_x_axis_keeps_the_epochs_after_a_divergence():
    figure, ax = plt.subplots()
    plot_curve(ax, [1.0, np.nan, np.nan, np.nan], label="run")
    low, high = ax.get_xlim()
    assert low <= 1 and high >= 4
    plt.close(figure)


def test_message_and_marker_take_the_curves_colour():
    figure, ax = plt.subplots()
    first = plot_curve(ax, [1.0, 0.5, 0.4], label="PyTorch")
    second = plot_curve(ax, [1.0, np.inf, np.inf], label="Keras")
    all_diverged = plot_curve(ax, [np.nan, np.nan, np.nan], label="third")
    assert all_diverged is None
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [first.get_color(), second.get_color()] == cycle[:2]
    colours = [text.get_color() for text in messages(ax)]
    assert colours == [second.get_color(), cycle[2]]
    plt.close(figure)


def test_an_axes_with_nothing_finite_shows_no_y_scale(ax):
    plot_curve(ax, [np.inf, np.inf], label="PyTorch")
    ax.figure.canvas.draw()
    assert [tick.get_text() for tick in ax.get_yticklabels()] == []
    plot_curve(ax, [3.0, 2.0], label="Keras")  # a finite run brings the scale back
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    assert len(ax.get_yticks()) > 1 and low <= 2.0 and high >= 3.0


def test_cut_at_stops_a_finite_curve_where_its_run_diverged(ax):
    losses, accuracy = [2.3, np.nan, np.nan], [0.3, 0.1, 0.1]
    line = plot_curve(ax, accuracy, label="PyTorch", cut_at=first_divergence(losses))
    assert list(line.get_xdata()) == [1]
    assert [text.get_text() for text in messages(ax)] == ["PyTorch: diverged at epoch 2"]
    line = plot_curve(ax, [0.5, 0.6], label="Keras", cut_at=None)
    assert len(line.get_xdata()) == 2 and len(messages(ax)) == 1


def test_show_images_fits_the_book_width():
    figure = show_images(np.zeros((16, 4, 4)), list(range(16)), ncols=8, title="t")
    assert figure.get_size_inches()[0] <= 9.0  # captions stay >= 9 px at the book's width
    plt.close(figure)
