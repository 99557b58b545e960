"""Plotting helpers for render functions: divergence-aware curves, readable axes, image grids."""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import AutoLocator, MaxNLocator, NullLocator

DIVERGENCE_THRESHOLD = 1e6
TITLE_SIZE = 13
LABEL_SIZE = 11
MESSAGE_GID = "dlsbs-divergence-message"
MARKER = {"linestyle": "none", "marker": "X", "markersize": 10, "zorder": 5}  # above messages


def first_divergence(values, *, threshold=DIVERGENCE_THRESHOLD):
    """0-based index of the first NaN, infinite or ``abs(value) > threshold`` entry, else None."""
    values = np.asarray(values, dtype=float)
    bad = ~np.isfinite(values) | (np.abs(values) > threshold)
    indices = np.flatnonzero(bad)
    return int(indices[0]) if indices.size else None


def plot_curve(ax, values, *, label, x=None, threshold=DIVERGENCE_THRESHOLD, cut_at=None,
               **plot_kwargs):
    """Plot a per-epoch curve, cut before the first divergence; returns the Line2D or None.

    ``x`` defaults to epochs 1..N. If the run diverged, an ✕ marks the last finite
    value (or the bottom edge when there is none) and "<label>: diverged at epoch N"
    (N = 1-based position in ``values``) is written on the axes, stacked under earlier
    messages. ``cut_at`` is a divergence found in another curve of the same run (e.g.
    ``first_divergence(losses)`` for its accuracy curve, which stays finite after the
    loss has blown up): the curve stops there too. While nothing finite is plotted on the
    axes, its meaningless y ticks are hidden. Returns None when nothing finite was plotted.
    """
    values = np.asarray(values, dtype=float)
    if x is None:
        x = np.arange(1, len(values) + 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs: 1, 2, 3, not 1.5
    x = np.asarray(x)
    if len(x) != len(values):
        raise ValueError(f"x has {len(x)} entries but values has {len(values)}")
    diverged_at = first_divergence(values, threshold=threshold)
    if cut_at is not None and (diverged_at is None or cut_at < diverged_at):
        diverged_at = cut_at

    line = None
    color = plot_kwargs.get("color")
    if diverged_at != 0:
        (line,) = ax.plot(x[:diverged_at], values[:diverged_at], label=label, **plot_kwargs)
        color = line.get_color()
        if isinstance(ax.yaxis.get_major_locator(), NullLocator):
            ax.yaxis.set_major_locator(AutoLocator())  # data at last: ticks back
            ax.autoscale(axis="y")
    elif not any(np.isfinite(np.asarray(other.get_ydata(), dtype=float)).any()
                 for other in ax.get_lines() if other.get_transform() == ax.transData):
        ax.yaxis.set_major_locator(NullLocator())  # no data: a y scale would mean nothing
        ax.set_ylim(0, 1)
    if diverged_at is None:
        return line

    # an invisible line keeps every epoch on the x axis, also those after the divergence
    ax.plot(x[[0, -1]], [0, 0], linestyle="none", color="none",  # a colour: no cycle step
            transform=ax.get_xaxis_transform())
    if diverged_at > 0:  # ✕ on the last finite value, where the curve stops
        (marker,) = ax.plot([x[diverged_at - 1]], [values[diverged_at - 1]], color=color, **MARKER)
    else:  # nothing finite: ✕ at the bottom edge over the first epoch
        (marker,) = ax.plot([x[0]], [0.04], color=color, transform=ax.get_xaxis_transform(), **MARKER)
    previous_messages = sum(text.get_gid() == MESSAGE_GID for text in ax.texts)
    ax.annotate(
        f"{label}: diverged at epoch {diverged_at + 1}",
        xy=(0.02, 0.96), xycoords="axes fraction",
        xytext=(0, -20 * previous_messages), textcoords="offset points",
        ha="left", va="top", fontsize=LABEL_SIZE, color=marker.get_color(), gid=MESSAGE_GID,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "alpha": 0.85,
              "edgecolor": marker.get_color()},
    )
    return line


def new_figure(ncols=1, nrows=1, *, width=5.0, height=3.5):
    """``plt.subplots`` with a constrained layout and ``width`` x ``height`` inches per panel."""
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), layout="constrained")


def style_axes(ax, *, title=None, xlabel=None, ylabel=None):
    """Readable title and labels, a light grid, and a legend when something is labelled."""
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=LABEL_SIZE - 1)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=LABEL_SIZE - 1)
    return ax


def show_images(images, labels=None, *, ncols=8, title, class_names=None):
    """Grid of grayscale ``(N, H, W)`` images with optional captions and a suptitle.

    Captions are ``class_names[label]`` when ``class_names`` is given, else ``str(label)``.
    All images share one grey scale, so brightness differences stay visible.
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be a non-empty (N, H, W) array, got shape {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(labels)} labels for {len(images)} images")
    ncols = min(ncols, len(images))
    nrows = math.ceil(len(images) / ncols)
    figure, axes = plt.subplots(
        nrows, ncols, figsize=(min(1.5 * ncols, 9.0), 1.7 * nrows + 0.6), squeeze=False,
        layout="constrained",  # at most 9 in wide: captions stay readable at the book width
    )
    low, high = float(images.min()), float(images.max())
    for index, ax in enumerate(axes.flat):
        if index >= len(images):
            figure.delaxes(ax)
            continue
        ax.imshow(images[index], cmap="gray", vmin=low, vmax=high)
        ax.set_axis_off()
        if labels is not None:
            label = labels[index]
            caption = class_names[label] if class_names is not None else str(label)
            ax.set_title(caption, fontsize=LABEL_SIZE - 1)
    figure.suptitle(title, fontsize=TITLE_SIZE)
    return figure
