"""Tests for dlsbs.data. Tests needing the real Fashion-MNIST files skip when
Debian's dataset-fashion-mnist is not installed; the others use tiny fake files."""

import gzip
import hashlib
import io
import struct
import urllib.error
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from dlsbs import data

REAL_DIR = Path("/usr/share/datasets/fashion-mnist")
needs_real = pytest.mark.skipif(
    not all((REAL_DIR / name).is_file() for name in data.SHA256),
    reason="needs Debian's dataset-fashion-mnist in /usr/share/datasets/fashion-mnist",
)
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"


def clear_caches():
    data._load_split.cache_clear()
    data._subset.cache_clear()


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def idx_gz(array: np.ndarray) -> bytes:
    """A gzip IDX file (unsigned bytes) holding ``array``."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes(), mtime=0)


@pytest.fixture(autouse=True)
def no_network_no_home(monkeypatch, tmp_path):
    """Every test: an empty cache folder, downloads disabled, urlopen unusable."""
    monkeypatch.setenv("DLSBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DLSBS_OFFLINE", "1")

    def no_urlopen(*args, **kwargs):
        raise AssertionError("tests must not use the network")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_urlopen)


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """A tiny fake 'test' split (20 images) with registered SHA-256s; the
    Debian folder points at an empty tmp folder. In-memory caches are cleared."""
    images = np.random.default_rng(0).integers(0, 256, (20, 28, 28), dtype=np.uint8)
    labels = np.arange(20) % 10
    files = {TEST_IMAGES: idx_gz(images), TEST_LABELS: idx_gz(labels)}
    for name, blob in files.items():
        monkeypatch.setitem(data.SHA256, name, sha256(blob))
    monkeypatch.setitem(data._SPLITS, "test", (TEST_IMAGES, TEST_LABELS, 20))
    debian = tmp_path / "debian"
    debian.mkdir()
    monkeypatch.setattr(data, "DEBIAN_DIR", debian)
    clear_caches()
    yield SimpleNamespace(
        images=images, labels=labels, files=files, debian=debian, cache=data.cache_dir()
    )
    clear_caches()


def write(folder: Path, files: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, blob in files.items():
        (folder / name).write_bytes(blob)


def serve(monkeypatch, files: dict) -> list:
    """Allow downloads and serve ``files`` (by file name) instead of the network."""
    calls = []

    def fake_urlopen(url, timeout=None):
        calls.append((url, timeout))
        return io.BytesIO(files[url.rsplit("/", 1)[-1]])

    monkeypatch.delenv("DLSBS_OFFLINE")
    monkeypatch.setattr(data.urllib.request, "urlopen", fake_urlopen)
    return calls


# --- constants and settings ----------------------------------------------------


def test_class_names():
    assert len(data.FASHION_CLASSES) == len(set(data.FASHION_CLASSES)) == 10
    assert data.FASHION_CLASSES[0] == "T-shirt/top" and data.FASHION_CLASSES[-1] == "Ankle boot"


def test_cache_dir_and_offline_flag(monkeypatch, tmp_path):
    assert data.cache_dir() == tmp_path / "data" / "fashion-mnist"
    monkeypatch.delenv("DLSBS_DATA_DIR")
    assert data.cache_dir() == Path.home() / ".cache" / "dlsbs" / "fashion-mnist"
    assert not data.downloads_allowed()
    monkeypatch.setenv("DLSBS_OFFLINE", "0")
    assert data.downloads_allowed()
    monkeypatch.delenv("DLSBS_OFFLINE")
    assert data.downloads_allowed()


# --- the real data -------------------------------------------------------------


@needs_real
@pytest.mark.parametrize("name", sorted(data.SHA256))
def test_real_files_match_sha256(name):
    assert sha256((REAL_DIR / name).read_bytes()) == data.SHA256[name]


@needs_real
@pytest.mark.parametrize("split, n", [("train", 60_000), ("test", 10_000)])
def test_load_real_split(split, n):
    images, labels = data.load_fashion_mnist(split)
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [n // 10] * 10  # Fashion-MNIST is balanced
    images[:] = 0  # the caller gets a copy: the cache is untouched
    assert data.load_fashion_mnist(split)[0].any()


def test_bad_split_name():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        data.load_fashion_mnist("validation")


@needs_real
def test_subset_shapes_and_stratification():
    x_train, y_train, x_test, y_test = data.fashion_mnist_subset(500, 100, seed=1)
    assert x_train.shape == (500, 28, 28) and x_test.shape == (100, 28, 28)
    assert x_train.dtype == x_test.dtype == np.uint8
    assert y_train.dtype == y_test.dtype == np.int64
    assert np.bincount(y_train, minlength=10).tolist() == [50] * 10
    assert np.bincount(y_test, minlength=10).tolist() == [10] * 10
    counts = np.bincount(data.fashion_mnist_subset(25, 7)[1], minlength=10)
    assert counts.sum() == 25 and counts.max() - counts.min() <= 1


@needs_real
def test_subset_is_deterministic_per_seed():
    a = data.fashion_mnist_subset(200, 50, seed=3)
    data._subset.cache_clear()  # recompute rather than hit the cache
    b = data.fashion_mnist_subset(200, 50, seed=3)
    c = data.fashion_mnist_subset(200, 50, seed=4)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[2], c[2])
    # the test subset does not depend on n_train
    assert np.array_equal(a[2], data.fashion_mnist_subset(100, 50, seed=3)[2])


@needs_real
def test_subset_none_means_whole_split():
    x_train, y_train, x_test, y_test = data.fashion_mnist_subset(None, None)
    assert np.array_equal(x_test, data.load_fashion_mnist("test")[0])
    assert len(y_train) == 60_000 and np.array_equal(y_test, data.load_fashion_mnist("test")[1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_train=0, n_test=10), "n_train must be between 1 and 60000"),
        (dict(n_train=60_001, n_test=10), "n_train must be between 1 and 60000"),
        (dict(n_train=10, n_test=10_001), "n_test must be between 1 and 10000"),
        (dict(n_train=1.5, n_test=10), "n_train must be a positive int"),
        (dict(n_train="10", n_test=10), "n_train must be a positive int"),
        (dict(n_train=True, n_test=10), "n_train must be a positive int"),
        (dict(n_train=10, n_test=10, seed=-1), "seed must be a non-negative int"),
        (dict(n_train=10, n_test=10, seed=0.5), "seed must be a non-negative int"),
    ],
)
def test_subset_argument_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.fashion_mnist_subset(**kwargs)


# --- sources: cache, Debian folder, download -----------------------------------


def test_missing_everywhere_offline(fake):
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_fashion_mnist("test")
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    for expected in [
        TEST_IMAGES,
        f"cache folder {fake.cache}: missing",
        f"Debian folder {fake.debian}: missing",
        "download: disabled",
        "sudo apt-get install dataset-fashion-mnist",
        "unset DLSBS_OFFLINE",
        "into the cache folder",
    ]:
        assert expected in message


def test_loads_fake_split_from_debian_folder(fake):
    write(fake.debian, fake.files)
    images, labels = data.load_fashion_mnist("test")
    assert np.array_equal(images, fake.images) and np.array_equal(labels, fake.labels)
    assert labels.dtype == np.int64


def test_corrupt_cache_file_is_skipped(fake):
    write(fake.cache, {TEST_IMAGES: b"not the real file"})
    write(fake.debian, fake.files)
    assert data._find_file(TEST_IMAGES) == fake.debian / TEST_IMAGES
    assert np.array_equal(data.load_fashion_mnist("test")[0], fake.images)
    assert (fake.cache / TEST_IMAGES).read_bytes() == b"not the real file"  # skipped, not deleted


def test_corrupt_everywhere_raises(fake):
    corrupt = {name: b"garbage" for name in fake.files}
    write(fake.cache, corrupt)
    write(fake.debian, corrupt)
    with pytest.raises(data.DatasetNotFoundError, match="corrupt") as info:
        data.load_fashion_mnist("test")
    assert "apt-get install dataset-fashion-mnist" in str(info.value)


def header(magic: bytes, dims: tuple) -> bytes:
    return magic + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize(
    "blob, reason",
    [
        (b"this is not gzip at all", "cannot decompress"),
        (gzip.compress(b"\x08\x03"), "bad magic number"),
        (gzip.compress(header(b"\x01\x02\x08\x03", (20, 28, 28))), "bad magic number"),
        (gzip.compress(header(b"\x00\x00\x0d\x03", (20, 28, 28))), "unsupported data type"),
        (gzip.compress(b"\x00\x00\x08\x03" + b"\x00" * 5), "truncated header"),
        (
            gzip.compress(header(b"\x00\x00\x08\x03", (20, 28, 28)) + b"\x00" * 100),
            "header says shape",
        ),
        (idx_gz(np.zeros((19, 28, 28))), "expected shape"),
    ],
)
def test_bad_idx_file_raises_clear_error(fake, monkeypatch, blob, reason):
    monkeypatch.setitem(data.SHA256, TEST_IMAGES, sha256(blob))  # passes the checksum
    write(fake.debian, {**fake.files, TEST_IMAGES: blob})
    with pytest.raises(data.DatasetNotFoundError, match=reason):
        data.load_fashion_mnist("test")


def test_download_lands_in_cache(fake, monkeypatch):
    calls = serve(monkeypatch, fake.files)
    images, labels = data.load_fashion_mnist("test")
    assert np.array_equal(images, fake.images) and np.array_equal(labels, fake.labels)
    urls = [data.DOWNLOAD_URL + name for name in (TEST_IMAGES, TEST_LABELS)]
    assert calls == [(url, data.DOWNLOAD_TIMEOUT_S) for url in urls]
    assert sorted(p.name for p in fake.cache.iterdir()) == sorted(fake.files)
    # Next time the cache is used: no download.
    clear_caches()
    calls.clear()
    data.load_fashion_mnist("test")
    assert calls == []


def test_bad_download_is_deleted(fake, monkeypatch):
    serve(monkeypatch, {**fake.files, TEST_IMAGES: b"tampered"})
    with pytest.raises(data.DatasetNotFoundError, match="SHA-256 mismatch"):
        data.load_fashion_mnist("test")
    assert not (fake.cache / TEST_IMAGES).exists()
    assert not list(fake.cache.glob("*.part"))


def test_failed_download_is_reported(fake, monkeypatch):
    def unreachable(url, timeout=None):
        raise urllib.error.URLError("no route to host")

    monkeypatch.delenv("DLSBS_OFFLINE")
    monkeypatch.setattr(data.urllib.request, "urlopen", unreachable)
    with pytest.raises(data.DatasetNotFoundError, match="failed.*no route to host") as info:
        data.load_fashion_mnist("test")
    assert "apt-get install dataset-fashion-mnist" in str(info.value)


# --- digits --------------------------------------------------------------------


def test_digits_images():
    images, labels = data.load_digits_images()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert set(labels.tolist()) == set(range(10))


def test_train_val_split_is_stratified_disjoint_and_seeded():
    y = np.repeat(np.arange(3), [50, 30, 20])
    x = np.arange(100) * 10
    x_tr, y_tr, x_val, y_val = data.train_val_split(x, y, val_fraction=0.2, seed=1)
    assert len(x_val) == 20 and len(x_tr) == 80
    assert np.bincount(y_val).tolist() == [10, 6, 4]  # each class keeps its share
    assert sorted(np.r_[x_tr, x_val].tolist()) == x.tolist()  # a partition of the data
    assert np.array_equal(y_val, y[x_val // 10])  # each example keeps its label
    again = data.train_val_split(x, y, val_fraction=0.2, seed=1)
    assert np.array_equal(again[2], x_val)
    other = data.train_val_split(x, y, val_fraction=0.2, seed=2)
    assert not np.array_equal(other[2], x_val)


def test_train_val_split_hands_out_the_rounding_remainder():
    y = np.repeat(np.arange(3), [5, 5, 5])
    *_, y_val = data.train_val_split(np.zeros((15, 2)), y, n_val=4)
    assert len(y_val) == 4 and set(np.bincount(y_val, minlength=3)) <= {1, 2}


def test_train_val_split_of_regression_targets_is_random():
    x, y = np.arange(10.0), np.linspace(0, 1, 10)
    x_tr, y_tr, x_val, y_val = data.train_val_split(x, y, n_val=3)
    assert len(x_val) == 3 and np.allclose(y_val, x_val / 9)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "exactly one"),
    ({"n_val": 2, "val_fraction": 0.5}, "exactly one"),
    ({"val_fraction": 1.0}, "val_fraction"),
    ({"n_val": 10}, "n_val"),
])
def test_train_val_split_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.train_val_split(np.zeros(10), np.zeros(10, dtype=int), **kwargs)


def test_keras_dataset_batches_in_order_or_seeded_shuffle():
    pytest.importorskip("tensorflow")
    x, y = np.arange(10, dtype="float32")[:, None], np.arange(10)
    batches = list(data.keras_dataset(x, y, batch_size=4).as_numpy_iterator())
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert np.concatenate([b[1] for b in batches]).tolist() == list(range(10))
    shuffled = data.keras_dataset(x, y, batch_size=10, shuffle=True, seed=3)
    first, second = (next(shuffled.as_numpy_iterator())[1] for _ in range(2))
    assert sorted(first) == list(range(10)) and first.tolist() != list(range(10))
    assert not shuffled.options().autotune.enabled
