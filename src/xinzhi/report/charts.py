"""Report charts (matplotlib, Agg backend, offline) returned as SVG text.

Text is drawn with Noto Sans CJK SC (registered by file path, :func:`xinzhi.report.fonts.
setup_matplotlib`) and converted to paths, so the SVG renders the same everywhere.
Every function takes plain tables and draws them; nothing is computed here except layout.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from xinzhi.report.fonts import setup_matplotlib

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["history_chart", "obstacle_chart", "province_map", "radar_chart", "score_histogram"]

_BLUE = "#1f5fa8"
_ORANGE = "#e07b24"
_GREEN = "#2e8b57"
_GREY = "#8c8c8c"


def _figure(w: float, h: float, polar: bool = False) -> tuple[Figure, Any]:
    setup_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=100)
    ax = fig.add_subplot(111, polar=polar)
    return fig, ax


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def radar_chart(dimensions: pd.DataFrame, name: str) -> str:
    """能力雷达图: ``dimension, score, province_mean, benchmark_mean`` (benchmark may be NaN)."""
    labels = dimensions["dimension"].astype(str).tolist()
    n = len(labels)
    fig, ax = _figure(4.6, 4.2, polar=True)
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.append(ang, ang[0])
    series = [
        ("score", name, _BLUE, "-"),
        ("province_mean", "全省平均", _GREY, "--"),
        ("benchmark_mean", "标杆县平均", _ORANGE, "-."),
    ]
    top = 0.0
    for col, lab, color, ls in series:
        v = dimensions[col].to_numpy(dtype=float)
        if np.isnan(v).all():
            continue
        top = max(top, float(np.nanmax(v)))
        vv = np.append(v, v[0])
        ax.plot(closed, vv, ls, color=color, lw=1.8, label=lab)
        if col == "score":
            ax.fill(closed, vv, color=color, alpha=0.15)
    ax.set_xticks(ang)
    ax.set_xticklabels(labels, fontsize=10)
    ax.set_ylim(0, max(top * 1.15, 0.05))
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="upper right", bbox_to_anchor=(1.32, 1.12), fontsize=8, frameon=False)
    return _svg(fig)


def obstacle_chart(shortfalls: pd.DataFrame, top: pd.DataFrame) -> str:
    """Obstacle degree by shortfall (left) and the top obstacle indicators (right)."""
    setup_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.6, 2.9), dpi=100)
    a1 = fig.add_subplot(121)
    a2 = fig.add_subplot(122)
    sf = shortfalls.sort_values("share")
    a1.barh(sf["shortfall"].astype(str), sf["share"].to_numpy(dtype=float) * 100, color=_ORANGE)
    a1.set_xlabel("障碍度占比（%）", fontsize=9)
    a1.set_title("按短板汇总", fontsize=10)
    tp = top.sort_values("obstacle")
    a2.barh(tp["name"].astype(str), tp["obstacle"].to_numpy(dtype=float) * 100, color=_BLUE)
    a2.set_xlabel("障碍度（%）", fontsize=9)
    a2.set_title("障碍度最高的指标", fontsize=10)
    for a in (a1, a2):
        a.tick_params(labelsize=8)
        a.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _svg(fig)


def history_chart(history: pd.DataFrame) -> str:
    """Score and provincial rank by year."""
    fig, ax = _figure(4.2, 2.6)
    h = history.sort_values("year")
    x = h["year"].astype(str).to_numpy()
    ax.plot(x, h["score"].to_numpy(dtype=float), "o-", color=_BLUE, lw=2)
    for xi, yi in zip(x, h["score"].to_numpy(dtype=float), strict=True):
        ax.annotate(f"{yi:.4f}", (xi, yi), textcoords="offset points", xytext=(0, 6), fontsize=8)
    ax.set_ylabel("综合得分", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.25, y=0.3)
    return _svg(fig)


def score_histogram(scores: pd.Series, title: str = "") -> str:
    """Histogram of county scores (provincial summary)."""
    fig, ax = _figure(5.0, 2.6)
    ax.hist(scores.to_numpy(dtype=float), bins=20, color=_BLUE, alpha=0.85)
    ax.set_xlabel("综合得分", fontsize=9)
    ax.set_ylabel("县数", fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def province_map(polygons: Any, highlight: str | None = None, title: str = "") -> str:
    """Counties of a province coloured by score, ``highlight`` outlined in red.

    ``polygons``: GeoDataFrame ``code, name, score, geometry`` (lon/lat). Counties without a
    score are drawn grey. Boundaries are illustrative (no 审图号).
    """
    setup_matplotlib()
    from matplotlib import colormaps
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    gdf = polygons
    fig = Figure(figsize=(5.6, 4.6), dpi=100)
    ax = fig.add_subplot(111)
    geoms = gdf.geometry.simplify(0.01, preserve_topology=True)
    scores = gdf["score"].to_numpy(dtype=float)
    ok = np.isfinite(scores)
    norm = Normalize(
        vmin=float(np.nanmin(scores)) if ok.any() else 0,
        vmax=float(np.nanmax(scores)) if ok.any() else 1,
    )
    cmap = colormaps["YlGnBu"]
    patches = []
    colors = []
    hl_patch = None
    for code, geom, s in zip(gdf["code"], geoms, scores, strict=True):  # drawing, per polygon
        path = _geom_path(geom, MplPath)
        if path is None:
            continue
        patches.append(PathPatch(path))
        colors.append(cmap(norm(s)) if np.isfinite(s) else (0.85, 0.85, 0.85, 1.0))
        if code == highlight:
            hl_patch = PathPatch(path, facecolor="none", edgecolor="#d62728", lw=2.2, zorder=5)
    coll = PatchCollection(patches, facecolor=colors, edgecolor="white", linewidth=0.4)
    ax.add_collection(coll)
    if hl_patch is not None:
        ax.add_patch(hl_patch)
    minx, miny, maxx, maxy = gdf.total_bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1 / np.cos(np.deg2rad((miny + maxy) / 2)))
    ax.set_axis_off()
    if ok.any():
        from matplotlib.cm import ScalarMappable

        sm = ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.02)
        cb.set_label("综合得分", fontsize=8)
        cb.ax.tick_params(labelsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    ax.text(
        0.0,
        -0.04,
        "边界示意，无审图号",
        transform=ax.transAxes,
        fontsize=7,
        color=_GREY,
    )
    return _svg(fig)


def _geom_path(geom: Any, path_cls: Any) -> Any:
    """A matplotlib Path of a (Multi)Polygon with holes (even-odd via separate rings)."""
    if geom is None or geom.is_empty:
        return None
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), path_cls.LINETO, dtype=np.uint8)
            c[0] = path_cls.MOVETO
            c[-1] = path_cls.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return path_cls(np.concatenate(verts), np.concatenate(codes))
