"""Plumbing for the course "Deep Learning, Side by Side".

Data loaders (:mod:`dlsbs.data`), plots (:mod:`dlsbs.plots`), slider widgets
(:mod:`dlsbs.sliders`), glue (:mod:`dlsbs.glue`) and the book's Sphinx extension
(:mod:`dlsbs.sphinx_ext`). Models and training loops never live here: they stay
visible in the chapters.
"""

__version__ = "0.1.0"
