import numpy as np
from IPython.core.interactiveshell import InteractiveShell

from dlsbs.glue import GLUE_PREFIX, glue


def published(monkeypatch, name, value, **kwargs):
    """What glue() hands to IPython's display machinery."""
    shell = InteractiveShell.instance()
    outputs = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, metadata=None, **_: outputs.append((data, metadata)))
    try:
        glue(name, value, **kwargs)
    finally:
        InteractiveShell.clear_instance()  # other tests expect no running shell
    return outputs


def test_glue_writes_myst_nb_records_with_plain_numbers(monkeypatch):
    [(data, metadata)] = published(monkeypatch, "acc", np.float64(0.9125))
    assert data == {GLUE_PREFIX + "text/plain": "0.9125"}  # a NumPy scalar is unwrapped for formatting
    assert metadata["scrapbook"] == {"name": "acc", "mime_prefix": GLUE_PREFIX}


def test_glue_can_display_the_value(monkeypatch):
    [(data, metadata)] = published(monkeypatch, "n", 20586, display=True)
    assert data == {"text/plain": "20586"} and metadata["scrapbook"]["mime_prefix"] == ""
