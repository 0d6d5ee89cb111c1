"""Charts as SVG text, drawn here in Python: no script library, no web font, nothing fetched.

Labels are Chinese; the font list names the CJK fonts found on Windows, macOS
and Linux desktops, so an intranet browser draws them with what it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = (
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif"
)
BAR = "#3f51b5"
ROW, LABEL_W, BAR_W, PAD = 26, 190, 360, 12
COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#9e9e9e", "blue": "#1565c0"}


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="13" role="img">'
    )
    caption = (
        f"<title>{escape(title)}</title>"
        f'<text x="{PAD}" y="20" font-size="15" font-weight="bold">{escape(title)}</text>'
    )
    return "".join([head, caption, *body, "</svg>\n"])


def _clip(label: str, limit: int = 13) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def rate_bars(title: str, bars: Sequence[tuple[str, float | None]]) -> str:
    """Horizontal bars of rates in [0, 1], one row per unit; a unit without problems shows “—”."""
    height = 36 + ROW * len(bars) + PAD
    body: list[str] = []
    for i, (label, rate) in enumerate(bars):
        y = 36 + i * ROW
        body.append(f'<text x="{PAD}" y="{y + 17}">{escape(_clip(label))}</text>')
        body.append(f'<rect x="{LABEL_W}" y="{y + 4}" width="{BAR_W}" height="16" fill="#eeeeee"/>')
        if rate is not None:
            body.append(
                f'<rect x="{LABEL_W}" y="{y + 4}" width="{BAR_W * rate:.1f}" height="16" fill="{BAR}"/>'
            )
        text = "—" if rate is None else f"{100 * rate:.1f}%"
        body.append(f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 17}">{text}</text>')
    return _svg(LABEL_W + BAR_W + 70, height, title, body)


def columns(title: str, values: Sequence[tuple[str, int]], colour: str = "red", unit: str = "个") -> str:
    """Vertical columns of counts (e.g. overdue problems by age), the count printed above each."""
    top = max((v for _, v in values), default=0) or 1
    width, chart_h, col_w = PAD * 2 + 110 * len(values), 160, 70
    body: list[str] = []
    for i, (label, value) in enumerate(values):
        x = PAD + i * 110 + 20
        h = chart_h * value / top
        y = 40 + chart_h - h
        body.append(f'<rect x="{x}" y="{y:.1f}" width="{col_w}" height="{h:.1f}" fill="{COLOURS[colour]}"/>')
        body.append(f'<text x="{x + col_w / 2}" y="{y - 4:.1f}" text-anchor="middle">{value}{unit}</text>')
        body.append(
            f'<text x="{x + col_w / 2}" y="{40 + chart_h + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(max(width, 240), 40 + chart_h + 30, title, body)


def line(title: str, points: Sequence[tuple[str, float]], y_label: str = "") -> str:
    """A line over time (labels are months, values e.g. the cumulative completed share in [0, 1])."""
    width, height, left, top, plot_h = 620, 240, 50, 36, 160
    step = (width - left - PAD * 2) / max(len(points) - 1, 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - PAD}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 5}" text-anchor="end">100%</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    coords = [(left + i * step, top + plot_h * (1 - v)) for i, (_, v) in enumerate(points)]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    every = max(1, len(points) // 8)
    for i, ((label, _), (x, _)) in enumerate(zip(points, coords, strict=True)):
        if i % every == 0 or i == len(points) - 1:
            body.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(label)}</text>'
            )
    if y_label:
        body.append(
            f'<text x="{width - PAD}" y="{top - 8}" text-anchor="end" fill="#555">{escape(y_label)}</text>'
        )
    return _svg(width, height, title, body)
