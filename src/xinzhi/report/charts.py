"""Report charts written directly as SVG text (no plotting library, offline).

Every function takes plain tables and returns one ``<svg>`` element; nothing is computed here
except layout. Text stays text (``font-family`` Noto Sans CJK SC): Typst lays it out with the
fonts it embeds in the PDF, a browser with its own CJK font. Sizes are in points (the ``pt``
width and height of the element; Typst scales the chart to the width the template gives it).

Why not matplotlib: importing it and drawing the first figure cost about a second in a new
process, a third of the time budget of a county report (docs/report.md, "性能").

The province map projects longitude/latitude with an equirectangular projection scaled by the
cosine of the mean latitude and colours counties on the ColorBrewer *YlGnBu* ramp (Brewer,
Harrower & Penn State, colorbrewer2.org; nine-class anchor colours interpolated linearly).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from xinzhi.report.fonts import CJK_FAMILY

__all__ = [
    "history_chart",
    "nice_ticks",
    "obstacle_chart",
    "province_map",
    "radar_chart",
    "rank_interval_chart",
    "score_histogram",
    "text_width",
]

BLUE = "#1f5fa8"
ORANGE = "#e07b24"
GREY = "#8c8c8c"
INK = "#222222"
AXIS = "#555555"
GRID = "#d9d9d9"
MISSING = "#d9d9d9"
HIGHLIGHT = "#d62728"

_YLGNBU = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)


def text_width(s: str, size: float) -> float:
    """Approximate advance width (pt) of ``s`` at ``size`` pt: CJK and full-width characters
    one em, others 0.56 em (Noto Sans CJK's Latin digits and letters average about that)."""
    return size * sum(1.0 if ord(c) >= 0x2E80 else 0.56 for c in s)


def nice_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    """Round tick values covering ``[lo, hi]`` with about ``n`` intervals (steps 1, 2, 2.5, 5
    × 10^k; Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return np.array([0.0, 1.0])
    if hi <= lo:
        hi = lo + (abs(lo) if lo else 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = mag * next(m for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * mag >= raw * (1 - 1e-9))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    return np.round(np.arange(start, stop + step / 2, step), 12)


def _tick_label(v: float, ticks: np.ndarray) -> str:
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    scaled = step * 10**decimals
    if abs(scaled - round(scaled)) > 1e-6:  # 2.5 × 10^k needs one more decimal
        decimals += 1
    return f"{v:.{decimals}f}"


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else f"{v:.0f}"


class _Svg:
    """A list of SVG elements with the few shapes the charts need."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.parts: list[str] = []

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float = 8,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
        rotate: float = 0,
        halo: bool = False,
    ) -> None:
        """Text with its baseline at ``y`` (``anchor``: start, middle or end); ``halo`` draws a
        white outline under the glyphs so the text stays legible over lines."""
        extra = ' font-weight="bold"' if bold else ""
        if halo:
            extra += (
                ' stroke="#ffffff" stroke-width="2.4" stroke-linejoin="round" paint-order="stroke"'
            )
        if rotate:
            extra += f' transform="rotate({_f(rotate)} {_f(x)} {_f(y)})"'
        self.parts.append(
            f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(s)}</text>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS, w: float = 0.6
    ) -> None:
        self.parts.append(
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" '
            f'stroke="{stroke}" stroke-width="{_f(w)}"/>'
        )

    def rect(self, x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> None:
        self.parts.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(w, 0))}" height="{_f(max(h, 0))}" '
            f'fill="{fill}"{extra}/>'
        )

    def poly(
        self,
        xy: np.ndarray,
        *,
        closed: bool,
        stroke: str,
        width: float = 1.5,
        fill: str = "none",
        fill_opacity: float = 1.0,
        dash: str = "",
    ) -> None:
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in xy)
        tag = "polygon" if closed else "polyline"
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        if fill != "none" and fill_opacity < 1:
            extra += f' fill-opacity="{fill_opacity:g}"'
        self.parts.append(
            f'<{tag} points="{pts}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{_f(width)}" stroke-linejoin="round"{extra}/>'
        )

    def circle(self, x: float, y: float, r: float, fill: str) -> None:
        self.parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{fill}"/>')

    def raw(self, element: str) -> None:
        self.parts.append(element)

    def render(self) -> str:
        w, h = _f(self.width), _f(self.height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
            f'viewBox="0 0 {w} {h}" font-family="{CJK_FAMILY}, sans-serif">'
            + "".join(self.parts)
            + "</svg>"
        )


def _legend(svg: _Svg, x: float, y: float, items: Sequence[tuple[str, str, str]]) -> None:
    """Legend rows (label, colour, dash) starting at the top-left corner ``(x, y)``."""
    for i, (label, color, dash) in enumerate(items):
        yy = y + 12 * i + 4
        svg.poly(np.array([[x, yy], [x + 18, yy]]), closed=False, stroke=color, dash=dash)
        svg.text(x + 22, yy + 3, label, size=8)


def _y_axis(
    svg: _Svg, ticks: np.ndarray, y_of: Any, x0: float, x1: float, grid: bool = True
) -> None:
    """Left axis with tick labels at ``x0`` and optional grid lines to ``x1``."""
    for v in ticks:
        y = float(y_of(v))
        if grid:
            svg.line(x0, y, x1, y, stroke=GRID, w=0.5)
        svg.text(x0 - 3, y + 2.5, _tick_label(float(v), ticks), size=7, anchor="end", fill=AXIS)
    svg.line(x0, float(y_of(ticks[0])), x0, float(y_of(ticks[-1])))


def radar_chart(dimensions: pd.DataFrame, name: str) -> str:
    """能力雷达图: ``dimension, score, province_mean, benchmark_mean`` (benchmark may be NaN).

    Axes start at the top and run clockwise; rings at round values up to 1.15 × the largest
    value shown."""
    labels = dimensions["dimension"].astype(str).tolist()
    n = len(labels)
    series = [
        ("score", name, BLUE, ""),
        ("province_mean", "全省平均", GREY, "4 3"),
        ("benchmark_mean", "标杆县平均", ORANGE, "6 2 1.5 2"),
    ]
    shown = [
        (dimensions[c].to_numpy(dtype=float), lab, color, dash)
        for c, lab, color, dash in series
        if c in dimensions.columns and not np.isnan(dimensions[c].to_numpy(dtype=float)).all()
    ]
    top = max([float(np.nanmax(v)) for v, *_ in shown] + [0.0])
    ticks = nice_ticks(0.0, max(top * 1.15, 0.05), 4)
    rmax_v = float(ticks[-1])
    pad_x = max([text_width(s, 9) for s in labels] + [40]) + 8
    r = 110.0
    ang = -np.pi / 2 + 2 * np.pi * np.arange(n) / max(n, 1)
    ux, uy = np.cos(ang), np.sin(ang)
    cx, cy = pad_x + r, 30 + r
    svg = _Svg(2 * (pad_x + r) + 10, cy + r * max(float(uy.max(initial=0.0)), 0.0) + 30)
    for t in ticks[1:]:  # rings
        rr = r * float(t) / rmax_v
        svg.poly(np.c_[cx + rr * ux, cy + rr * uy], closed=True, stroke=GRID, width=0.6)
    for i, lab in enumerate(labels):  # spokes and labels
        svg.line(cx, cy, cx + r * ux[i], cy + r * uy[i], stroke=GRID, w=0.6)
        lx, ly = cx + (r + 8) * ux[i], cy + (r + 8) * uy[i] + 3
        anchor = "start" if ux[i] > 0.2 else "end" if ux[i] < -0.2 else "middle"
        ly += 6 if uy[i] > 0.5 else -2 if uy[i] < -0.5 else 0
        svg.text(lx, ly, lab, size=9, anchor=anchor)
    for k, (v, _lab, color, dash) in enumerate(shown):
        rr = r * np.nan_to_num(v, nan=0.0) / rmax_v
        xy = np.c_[cx + rr * ux, cy + rr * uy]
        fill, op = (color, 0.15) if k == 0 else ("none", 1.0)
        svg.poly(xy, closed=True, stroke=color, width=1.8, fill=fill, fill_opacity=op, dash=dash)
    for t in ticks[1:]:  # ring values just inside along the top spoke, over the series
        rr = r * float(t) / rmax_v
        svg.text(cx + 3, cy - rr + 8, _tick_label(float(t), ticks), size=6.5, fill=AXIS, halo=True)
    _legend(svg, svg.width - 95, 6, [(lab, color, dash) for _, lab, color, dash in shown])
    return svg.render()


def _hbar_panel(
    svg: _Svg,
    box: tuple[float, float, float],
    labels: list[str],
    values: np.ndarray,
    title: str,
    color: str,
) -> None:
    """Horizontal bars (largest on top) of percentages with labels left of the axis."""
    x, y, w = box
    order = np.argsort(-values, kind="stable")
    labels = [labels[i] for i in order]
    values = values[order]
    left = max([text_width(s, 7.5) for s in labels] + [20]) + 6
    row = 18.0
    x0, x1 = x + left, x + w - 30
    ticks = nice_ticks(0.0, float(np.nanmax(values)) if len(values) else 1.0, 4)
    scale = (x1 - x0) / float(ticks[-1])
    svg.text((x0 + x1) / 2, y + 10, title, size=9.5, anchor="middle", bold=True)
    top = y + 20
    bottom = top + row * len(labels)
    for t in ticks:
        xt = x0 + float(t) * scale
        svg.line(xt, top, xt, bottom, stroke=GRID, w=0.5)
        svg.text(xt, bottom + 10, _tick_label(float(t), ticks), size=7, anchor="middle", fill=AXIS)
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        yy = top + row * i
        svg.rect(x0, yy + 3, float(v) * scale, row - 6, fill=color)
        svg.text(x0 - 4, yy + row / 2 + 2.5, lab, size=7.5, anchor="end")
        svg.text(x0 + float(v) * scale + 3, yy + row / 2 + 2.5, f"{v:.1f}", size=7, fill=AXIS)
    svg.line(x0, top, x0, bottom)


def obstacle_chart(shortfalls: pd.DataFrame, top: pd.DataFrame) -> str:
    """Obstacle degree (%) by shortfall (left, ``shortfall, share``) and the top obstacle
    indicators (right, ``name, obstacle``)."""
    rows = max(len(shortfalls), len(top))
    svg = _Svg(560, 20 + 18 * rows + 34)
    left_w = 220.0
    _hbar_panel(
        svg,
        (0, 0, left_w),
        shortfalls["shortfall"].astype(str).tolist(),
        shortfalls["share"].to_numpy(dtype=float) * 100,
        "按短板汇总（障碍度占比，%）",
        ORANGE,
    )
    _hbar_panel(
        svg,
        (left_w + 10, 0, svg.width - left_w - 10),
        top["name"].astype(str).tolist(),
        top["obstacle"].to_numpy(dtype=float) * 100,
        "障碍度最高的指标（障碍度，%）",
        BLUE,
    )
    return svg.render()


def history_chart(history: pd.DataFrame) -> str:
    """Score by year (``year, score``), each point labelled with its value."""
    h = history.sort_values("year")
    years = h["year"].astype(int).astype(str).tolist()
    v = h["score"].to_numpy(dtype=float)
    svg = _Svg(320, 190)
    x0, x1, y0, y1 = 48.0, 300.0, 20.0, 160.0
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    span = hi - lo if hi > lo else max(abs(hi), 0.01)
    ticks = nice_ticks(lo - 0.3 * span, hi + 0.3 * span, 4)

    def y_of(val: Any) -> Any:
        return y1 - (np.asarray(val, dtype=float) - ticks[0]) / (ticks[-1] - ticks[0]) * (y1 - y0)

    _y_axis(svg, ticks, y_of, x0, x1)
    n = len(years)
    xs = x0 + (x1 - x0) * (np.arange(n) + 0.5) / max(n, 1)
    svg.line(x0, y1, x1, y1)
    for x, yr in zip(xs, years, strict=True):
        svg.text(float(x), y1 + 12, yr, size=8, anchor="middle", fill=AXIS)
    ok = np.isfinite(v)
    ys = y_of(v)
    svg.poly(np.c_[xs[ok], ys[ok]], closed=False, stroke=BLUE, width=2)
    for x, y, val in zip(xs[ok], ys[ok], v[ok], strict=True):
        svg.circle(float(x), float(y), 3, BLUE)
        svg.text(float(x), float(y) - 7, f"{val:.4f}", size=8, anchor="middle")
    svg.text(12, (y0 + y1) / 2, "综合得分", size=8.5, anchor="middle", rotate=-90)
    return svg.render()


def rank_interval_chart(intervals: pd.DataFrame) -> str:
    """Rank intervals of the audit's Monte Carlo (section 指数稳健性; the chart of the page 排名,
    ``web/audit_view.py``): one row per county (``name, rank, rank_median, rank_p05, rank_p95,
    own``, in the order given), a bar from the 5 % to the 95 % rank quantile, the median (dot) and
    the reference rank (red tick); the county itself (``own``) in bold with an orange bar."""
    rows = intervals.reset_index(drop=True)
    names = rows["name"].astype(str).tolist()
    left = max([text_width(n, 7.5) for n in names] + [30]) + 8
    row_h = 14.0
    top = 22.0
    svg = _Svg(560, top + row_h * len(rows) + 40)
    x0, x1 = left, svg.width - 12
    hi = float(max(rows["rank_p95"].max(), rows["rank"].max(), 2.0))
    ticks = nice_ticks(1.0, hi, 5)
    lo_t, hi_t = float(ticks[0]), float(ticks[-1])

    def x_of(r: float) -> float:
        return x0 + (x1 - x0) * (r - lo_t) / max(hi_t - lo_t, 1.0)

    bottom = top + row_h * len(rows)
    for t in ticks:
        xt = x_of(float(t))
        svg.line(xt, top, xt, bottom, stroke=GRID, w=0.5)
        svg.text(xt, bottom + 10, _tick_label(float(t), ticks), size=7, anchor="middle", fill=AXIS)
    svg.text(
        (x0 + x1) / 2, bottom + 21, "全国排名（1 = 最好）", size=7.5, anchor="middle", fill=AXIS
    )
    cols = {
        c: rows[c].to_numpy(dtype=float) for c in ("rank", "rank_median", "rank_p05", "rank_p95")
    }
    owns = rows["own"].to_numpy(dtype=bool)
    for i, name in enumerate(names):
        y = top + row_h * i + row_h / 2
        own = bool(owns[i])
        color = ORANGE if own else BLUE
        svg.text(x0 - 4, y + 2.5, name, size=7.5, anchor="end", bold=own)
        x_lo, x_hi = x_of(cols["rank_p05"][i]), x_of(cols["rank_p95"][i])
        svg.line(x_lo, y, x_hi, y, stroke=color, w=3)
        svg.circle(x_of(cols["rank_median"][i]), y, 2.6, fill=INK)
        xr = x_of(cols["rank"][i])
        svg.line(xr, y - 4.5, xr, y + 4.5, stroke=HIGHLIGHT, w=1.2)
    _legend_marks(svg, x0, 4)
    svg.line(x0, top, x0, bottom)
    return svg.render()


def _legend_marks(svg: _Svg, x: float, y: float) -> None:
    """Legend of the rank-interval chart: 90 % interval, median, reference rank."""
    svg.line(x, y + 6, x + 18, y + 6, stroke=BLUE, w=3)
    svg.text(x + 22, y + 9, "90% 区间", size=8)
    svg.circle(x + 84, y + 6, 2.6, fill=INK)
    svg.text(x + 90, y + 9, "排名中位数", size=8)
    svg.line(x + 160, y + 1.5, x + 160, y + 10.5, stroke=HIGHLIGHT, w=1.2)
    svg.text(x + 166, y + 9, "基准排名", size=8)


def score_histogram(scores: pd.Series, title: str = "") -> str:
    """Histogram of county scores in 20 equal bins (provincial summary)."""
    v = scores.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    counts, edges = np.histogram(v, bins=20) if len(v) else (np.zeros(20), np.linspace(0, 1, 21))
    svg = _Svg(380, 200)
    x0, x1, y0, y1 = 44.0, 370.0, 26.0, 165.0
    yt = nice_ticks(0.0, float(max(counts.max(), 1)), 4)
    xt = nice_ticks(float(edges[0]), float(edges[-1]), 5)
    xt = xt[(xt >= edges[0] - 1e-12) & (xt <= edges[-1] + 1e-12)]

    def x_of(val: Any) -> Any:
        return x0 + (np.asarray(val, dtype=float) - edges[0]) / (edges[-1] - edges[0]) * (x1 - x0)

    def y_of(val: Any) -> Any:
        return y1 - np.asarray(val, dtype=float) / yt[-1] * (y1 - y0)

    _y_axis(svg, yt, y_of, x0, x1)
    xl = x_of(edges)
    for c, a, b in zip(counts, xl[:-1], xl[1:], strict=True):
        if c:
            svg.rect(float(a) + 0.5, float(y_of(c)), float(b - a) - 1, float(y1 - y_of(c)), BLUE)
    svg.line(x0, y1, x1, y1)
    for t in xt:
        svg.text(float(x_of(t)), y1 + 11, _tick_label(float(t), xt), size=7, anchor="middle")
    svg.text((x0 + x1) / 2, y1 + 26, "综合得分", size=8.5, anchor="middle")
    svg.text(12, (y0 + y1) / 2, "县数", size=8.5, anchor="middle", rotate=-90)
    if title:
        svg.text((x0 + x1) / 2, 14, title, size=10, anchor="middle", bold=True)
    return svg.render()


def ramp(values: np.ndarray, lo: float, hi: float) -> list[str]:
    """Hex colours of ``values`` on the YlGnBu ramp between ``lo`` and ``hi`` (NaN → grey)."""
    anchors = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in _YLGNBU], dtype=float)
    t = (values - lo) / (hi - lo) if hi > lo else np.full(len(values), 0.5)
    pos = np.clip(np.nan_to_num(t, nan=0.0), 0, 1) * (len(anchors) - 1)
    i = np.minimum(pos.astype(int), len(anchors) - 2)
    frac = (pos - i)[:, None]
    rgb = np.rint(anchors[i] * (1 - frac) + anchors[i + 1] * frac).astype(int)
    return [
        "#{:02x}{:02x}{:02x}".format(*c) if np.isfinite(x) else MISSING
        for c, x in zip(rgb, values, strict=True)
    ]


def _ring_paths(geoms: Any, project: Any) -> list[str]:
    """SVG path data (``M … Z`` per ring, even-odd holes) of each (Multi)Polygon."""
    import shapely

    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, point_of = shapely.get_coordinates(rings, return_index=True)
    px, py = project(xy[:, 0], xy[:, 1])
    pts = np.char.add(np.char.add(np.round(px, 1).astype(str), ","), np.round(py, 1).astype(str))
    bounds = np.searchsorted(point_of, np.arange(len(rings) + 1))
    ring_d = ["M" + " ".join(pts[a:b]) + "Z" for a, b in pairwise(bounds)]
    geom_of_ring = part_of[ring_of]
    out = [""] * len(geoms)
    for g, d in zip(geom_of_ring, ring_d, strict=True):
        out[g] += d
    return out


def province_map(polygons: Any, highlight: str | None = None, title: str = "") -> str:
    """Counties of a province coloured by score, ``highlight`` outlined in red.

    ``polygons``: GeoDataFrame ``code, name, score, geometry`` (lon/lat). Counties without a
    score are drawn grey. Boundaries are illustrative (no 审图号).
    """
    gdf = polygons[polygons.geometry.notna() & ~polygons.geometry.is_empty]
    geoms = gdf.geometry.simplify(0.01, preserve_topology=True).to_numpy()
    scores = gdf["score"].to_numpy(dtype=float)
    ok = np.isfinite(scores)
    lo = float(np.nanmin(scores)) if ok.any() else 0.0
    hi = float(np.nanmax(scores)) if ok.any() else 1.0
    minx, miny, maxx, maxy = (float(b) for b in gdf.total_bounds)
    kx = math.cos(math.radians((miny + maxy) / 2))
    box_w, box_h = 330.0, 290.0
    top = 24.0 if title else 6.0
    scale = min(box_w / max((maxx - minx) * kx, 1e-9), box_h / max(maxy - miny, 1e-9))

    def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return 6 + (lon - minx) * kx * scale, top + (maxy - lat) * scale

    w = (maxx - minx) * kx * scale
    h = (maxy - miny) * scale
    svg = _Svg(w + 80, top + h + 22)
    if title:
        svg.text(svg.width / 2, 15, title, size=10, anchor="middle", bold=True)
    paths = _ring_paths(geoms, project)
    colors = ramp(scores, lo, hi)
    codes = gdf["code"].astype(str).to_numpy()
    for d, c in zip(paths, colors, strict=True):
        if d:
            svg.raw(
                f'<path d="{d}" fill="{c}" fill-rule="evenodd" stroke="#ffffff" '
                'stroke-width="0.4"/>'
            )
    for d, code in zip(paths, codes, strict=True):
        if d and code == highlight:
            svg.raw(
                f'<path d="{d}" fill="none" fill-rule="evenodd" stroke="{HIGHLIGHT}" '
                'stroke-width="2" stroke-linejoin="round"/>'
            )
    if ok.any():  # colour bar
        bx, by, bh = w + 22, top + h * 0.2, h * 0.6
        stops = "".join(
            f'<stop offset="{k / (len(_YLGNBU) - 1):.3f}" stop-color="{c}"/>'
            for k, c in enumerate(reversed(_YLGNBU))
        )
        svg.raw(
            '<defs><linearGradient id="xinzhi-score-ramp" x1="0" y1="0" x2="0" y2="1">'
            f"{stops}</linearGradient></defs>"
        )
        svg.rect(bx, by, 10, bh, "url(#xinzhi-score-ramp)", ' stroke="#999999" stroke-width="0.4"')
        ticks = nice_ticks(lo, hi, 4)
        ticks = ticks[(ticks >= lo - 1e-12) & (ticks <= hi + 1e-12)]
        for t in ticks:
            ty = by + bh - (float(t) - lo) / (hi - lo if hi > lo else 1) * bh
            svg.line(bx + 10, ty, bx + 13, ty)
            svg.text(bx + 15, ty + 2.5, _tick_label(float(t), ticks), size=7, fill=AXIS)
        svg.text(bx + 5, by - 6, "综合得分", size=7.5, anchor="middle")
    svg.text(6, top + h + 15, "边界示意，无审图号", size=7, fill=GREY)
    return svg.render()
