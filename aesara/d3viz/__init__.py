"""Interactive views of graphs: :func:`d3viz` writes a self-contained HTML page."""

from aesara.d3viz.d3viz import d3viz, d3write, escape_quotes, replace_patterns
from aesara.d3viz.formatting import PyDotFormatter

__all__ = ["PyDotFormatter", "d3viz", "d3write", "escape_quotes", "replace_patterns"]
