"""Data loading for the course: Fashion-MNIST and scikit-learn's 8x8 digits.

Fashion-MNIST is read from the four standard gzip IDX files. Each file is
looked up, in order, in

1. the cache folder ``$DLSBS_DATA_DIR/fashion-mnist`` (default
   ``~/.cache/dlsbs/fashion-mnist``),
2. ``DEBIAN_DIR``, where Debian's package ``dataset-fashion-mnist`` puts it,
3. the canonical download site (into the cache folder), unless the
   environment variable ``DLSBS_OFFLINE=1`` forbids downloads.

Every file is checked against its SHA-256 before use. The loaders cache what
they parse in memory and hand out fresh copies, so callers may modify them.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import numbers
import os
import urllib.request
from pathlib import Path

import numpy as np

__all__ = [
    "FASHION_CLASSES",
    "DatasetNotFoundError",
    "load_fashion_mnist",
    "fashion_mnist_subset",
    "load_digits_images",
    "train_val_split",
    "keras_dataset",
]

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# Read at call time, so tests (or users) can point them elsewhere.
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DOWNLOAD_TIMEOUT_S = 60

SHA256 = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}

# split -> (images file, labels file, number of examples)
_SPLITS = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10_000),
}
_IDX_UBYTE = 0x08  # IDX type code for unsigned bytes, the only one Fashion-MNIST uses


class DatasetNotFoundError(FileNotFoundError):
    """No valid copy of a data file could be found, downloaded or parsed."""


# --- locating and verifying files -------------------------------------------


def cache_dir() -> Path:
    """Folder where Fashion-MNIST files are cached (and downloaded to)."""
    root = os.environ.get("DLSBS_DATA_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "dlsbs"
    return base / "fashion-mnist"


def downloads_allowed() -> bool:
    """False when the environment variable ``DLSBS_OFFLINE`` is set (e.g. to 1)."""
    flag = os.environ.get("DLSBS_OFFLINE", "").strip().lower()
    return flag in ("", "0", "false", "no")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, dest: Path) -> None:
    """Download ``url`` to ``dest`` (via a temporary file, so no half files remain)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
            partial.write_bytes(response.read())
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)


def _find_file(name: str) -> Path:
    """Path of a verified copy of ``name``; raise DatasetNotFoundError if none."""
    tried = []
    for label, folder in (("cache folder", cache_dir()), ("Debian folder", Path(DEBIAN_DIR))):
        path = folder / name
        if not path.is_file():
            tried.append(f"{label} {folder}: missing")
        elif _sha256(path) != SHA256[name]:
            tried.append(f"{label} {folder}: corrupt (SHA-256 mismatch), skipped")
        else:
            return path

    url = DOWNLOAD_URL + name
    if not downloads_allowed():
        tried.append("download: disabled (DLSBS_OFFLINE is set)")
    else:
        dest = cache_dir() / name
        try:
            _download(url, dest)
        except (OSError, http.client.HTTPException) as exc:
            tried.append(f"download from {url}: failed ({exc})")
        else:
            if _sha256(dest) == SHA256[name]:
                return dest
            dest.unlink()
            tried.append(f"download from {url}: corrupt (SHA-256 mismatch), deleted")

    raise DatasetNotFoundError(_not_found_message(name, tried))


def _not_found_message(name: str, tried: list[str]) -> str:
    attempts = "\n".join(f"  - {line}" for line in tried)
    return (
        f"No valid copy of the Fashion-MNIST file {name!r}. Tried:\n{attempts}\n"
        "Fix it with one of:\n"
        "  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
        "  - allow the download: unset DLSBS_OFFLINE and be online (e.g. in Colab)\n"
        f"  - put the four .gz files from {DOWNLOAD_URL} into the cache folder "
        f"{cache_dir()} (or set DLSBS_DATA_DIR)"
    )


# --- parsing IDX ---------------------------------------------------------------


def _read_idx(path: Path) -> np.ndarray:
    """Parse a gzip IDX file of unsigned bytes into a uint8 array."""

    def bad(reason: str) -> DatasetNotFoundError:
        return DatasetNotFoundError(f"{path} is not a valid IDX file: {reason}")

    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise bad(f"cannot decompress it ({exc})") from exc
    if len(raw) < 4 or raw[:2] != b"\x00\x00":
        raise bad("bad magic number")
    dtype_code, ndim = raw[2], raw[3]
    if dtype_code != _IDX_UBYTE:
        raise bad(f"unsupported data type code 0x{dtype_code:02x} (expected 0x08, unsigned byte)")
    header_size = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header_size:
        raise bad("truncated header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    if len(raw) - header_size != int(np.prod(shape)):
        n_bytes = len(raw) - header_size
        raise bad(f"header says shape {shape} but the file holds {n_bytes} bytes of data")
    return np.frombuffer(raw, np.uint8, offset=header_size).reshape(shape)


@functools.lru_cache(maxsize=None)
def _load_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Parsed, checked, read-only arrays of one split (cached)."""
    images_name, labels_name, n = _SPLITS[split]
    images = _read_idx(_find_file(images_name))
    labels = _read_idx(_find_file(labels_name)).astype(np.int64)
    if images.shape != (n, 28, 28):
        raise DatasetNotFoundError(
            f"{images_name}: expected shape {(n, 28, 28)}, got {images.shape}"
        )
    if labels.shape != (n,) or labels.max() >= len(FASHION_CLASSES):
        raise DatasetNotFoundError(f"{labels_name}: expected {n} labels in 0..9")
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def _check_split(split: str) -> None:
    if split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")


# --- public loaders ------------------------------------------------------------


def load_fashion_mnist(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST ``(images, labels)``: uint8 (N, 28, 28) and int64 (N,).

    ``split`` is ``"train"`` (N = 60000) or ``"test"`` (N = 10000). Parsed
    arrays are cached in memory; each call returns fresh, writable copies.
    Raises DatasetNotFoundError (a FileNotFoundError) if no valid file is found.
    """
    _check_split(split)
    images, labels = _load_split(split)
    return images.copy(), labels.copy()


def _check_count(name: str, n, size: int) -> int:
    if n is None:
        return size
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be a positive int or None, got {n!r}")
    if not 1 <= n <= size:
        raise ValueError(f"{name} must be between 1 and {size}, got {n}")
    return int(n)


def _stratified_indices(labels: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of ``n`` examples, as evenly spread over the classes as possible."""
    n_classes = len(FASHION_CLASSES)
    per_class = np.full(n_classes, n // n_classes)
    per_class[rng.choice(n_classes, n % n_classes, replace=False)] += 1
    picked = [
        rng.choice(np.flatnonzero(labels == c), count, replace=False)
        for c, count in enumerate(per_class)
    ]
    return np.sort(np.concatenate(picked))


@functools.lru_cache(maxsize=32)
def _subset(n_train: int, n_test: int, seed: int) -> tuple[np.ndarray, ...]:
    arrays = []
    for stream, (split, n) in enumerate((("train", n_train), ("test", n_test))):
        images, labels = _load_split(split)
        if n < len(labels):
            # One independent random stream per split: the test subset does not depend on n_train.
            idx = _stratified_indices(labels, n, np.random.default_rng([seed, stream]))
            images, labels = images[idx], labels[idx]
            images.flags.writeable = labels.flags.writeable = False
        arrays += [images, labels]
    return tuple(arrays)


def fashion_mnist_subset(n_train=None, n_test=None, seed: int = 0):
    """A seeded, class-stratified Fashion-MNIST subset ``(x_train, y_train, x_test, y_test)``.

    Takes ``n_train`` training and ``n_test`` test examples (None: the whole
    split), the same number from each class when n is divisible by 10, else
    as balanced as possible. Examples keep their original order. The result
    is deterministic for given arguments, cached in memory, and returned as
    fresh copies: uint8 images (n, 28, 28), int64 labels (n,).
    """
    n_train = _check_count("n_train", n_train, _SPLITS["train"][2])
    n_test = _check_count("n_test", n_test, _SPLITS["test"][2])
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    return tuple(a.copy() for a in _subset(n_train, n_test, int(seed)))


@functools.lru_cache(maxsize=None)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # lazy: scikit-learn is heavy to import

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)  # pixel values are 0..16
    labels = digits.target.astype(np.int64)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def load_digits_images() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits (no download), as fresh copies.

    Returns float32 images (1797, 8, 8) scaled to [0, 1] and int64 labels 0..9.
    """
    images, labels = _digits()
    return images.copy(), labels.copy()


def train_val_split(x, y, *, n_val=None, val_fraction=None, seed: int = 0):
    """Hold out a validation set: ``(x_train, y_train, x_val, y_val)``.

    Give exactly one of ``n_val`` (a count) or ``val_fraction`` (in (0, 1)).
    Integer labels are split stratified (each class keeps its share, as far as
    the count allows); any other ``y`` (e.g. regression targets) at random.
    Deterministic for a given ``seed``; both parts keep the original order.
    Choices (epochs, learning rate, penalty) are made on the validation part:
    the test set is touched once, at the end.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
    if (n_val is None) == (val_fraction is None):
        raise ValueError("give exactly one of n_val or val_fraction")
    if val_fraction is not None:
        if not 0 < val_fraction < 1:
            raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction!r}")
        n_val = round(val_fraction * len(y))
    n_val = _check_count("n_val", n_val, len(y) - 1)
    rng = np.random.default_rng(seed)
    if np.issubdtype(y.dtype, np.integer) and y.ndim == 1:
        classes, counts = np.unique(y, return_counts=True)
        per_class = np.floor(counts * n_val / len(y)).astype(int)
        short = n_val - per_class.sum()  # hand out the rounding remainder, largest classes first
        per_class[np.argsort(-counts, kind="stable")[:short]] += 1
        val = np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False)
                              for c, k in zip(classes, per_class)])
    else:
        val = rng.choice(len(y), n_val, replace=False)
    is_val = np.zeros(len(y), dtype=bool)
    is_val[val] = True
    return x[~is_val], y[~is_val], x[is_val], y[is_val]


def keras_dataset(x, y=None, *, batch_size: int, shuffle: bool = False, seed: int = 0):
    """NumPy arrays as a batched ``tf.data.Dataset`` for Keras ``fit``/``evaluate``/``predict``.

    Why not pass the arrays to ``fit`` directly? On CPU machines like the ones
    this book is built on, Keras ``fit`` with NumPy input stalls for 0.7-20 s
    after training while TensorFlow's input pipeline is torn down. A dataset
    whose autotuning is switched off (``options.autotune.enabled = False``) has
    no such stall; the results are the same. ``shuffle=True`` reshuffles every
    epoch with a seeded order (so call ``fit(dataset, shuffle=False)``: ``fit`` cannot
    shuffle a dataset and warns when asked to). Plumbing only: in Colab, ``fit(x, y)``
    works too.
    """
    import tensorflow as tf  # lazy: only the Keras twins need it

    data = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.autotune.enabled = False  # the stall described above
    return data.batch(batch_size).with_options(options)
