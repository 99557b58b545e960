"""Glue values into the book's prose, without needing myst-nb in the kernel.

Writes the same output as ``myst_nb.glue`` (a display with ``scrapbook``
metadata), so ``{glue}`name``` roles in the book resolve to it, while Colab,
which has no myst-nb, simply shows nothing.
"""

import numpy as np
from IPython.core.formatters import format_display_data
from IPython.display import display as ipython_display

GLUE_PREFIX = "application/papermill.record/"


def glue(name, value, display=False):
    """Store ``value`` under ``name`` for ``{glue}`` roles; show it only if ``display``."""
    if isinstance(value, np.generic):
        value = value.item()  # np.float64(0.5) -> 0.5, so that {glue:text}`name:.2f` can format it
    mimebundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipython_display({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
