import numpy as np

from dlsbs import glue as glue_module
from dlsbs.glue import GLUE_PREFIX, glue


def published(monkeypatch, name, value, **kwargs):
    """What glue() hands to IPython's display()."""
    outputs = []
    monkeypatch.setattr(glue_module, "ipython_display",
                        lambda data, raw, metadata: outputs.append((data, raw, metadata)))
    glue(name, value, **kwargs)
    return outputs


def test_glue_writes_myst_nb_records_with_plain_numbers(monkeypatch):
    [(data, raw, metadata)] = published(monkeypatch, "acc", np.float64(0.9125))
    assert raw and data == {GLUE_PREFIX + "text/plain": "0.9125"}  # NumPy scalar unwrapped
    assert metadata["scrapbook"] == {"name": "acc", "mime_prefix": GLUE_PREFIX}


def test_glue_can_display_the_value(monkeypatch):
    [(data, _, metadata)] = published(monkeypatch, "n", 20586, display=True)
    assert data == {"text/plain": "20586"} and metadata["scrapbook"]["mime_prefix"] == ""
