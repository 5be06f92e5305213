"""The one way report writers draw and save a figure: matplotlib's Agg backend (no display
needed, imported only when a figure is drawn) and an atomic PNG write without the
matplotlib version stamp, so a figure is never half-written and regenerates byte-identical."""

from __future__ import annotations

from pathlib import Path


def pyplot():
    """matplotlib.pyplot on the Agg backend (imported here, lazily: the CLI stays fast)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig, path: str | Path, dpi: int = 110) -> Path:
    """Write `fig` to `path` through a temporary sibling, close it, return the path."""
    plt = pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    tmp.replace(path)
    return path
