"""A small inline-SVG step chart (no dependencies, opens offline)."""
from __future__ import annotations

from html import escape

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf"]


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    step = max(1, round(raw / mag) * mag)
    t, out = (lo // step) * step, []
    while t <= hi + 1e-9:
        if t >= lo:
            out.append(t)
        t += step
    return out


def step_chart(lines: dict[str, list[tuple[float, float]]], title: str, xlabel: str,
               ylabel: str, marks: dict[str, float] | None = None,
               width: int = 680, height: int = 260) -> str:
    """One stepped polyline per name; `marks` draws labelled vertical lines at x values."""
    pts = [p for v in lines.values() for p in v]
    if not pts:
        return f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='40'>" \
               f"<text x='10' y='25'>{escape(title)}: no data</text></svg>"
    x0, x1 = 0.0, max(max(p[0] for p in pts), 1.0)
    y0, y1 = min(0.0, min(p[1] for p in pts)), max(max(p[1] for p in pts), 1.0)
    left, right, top, bottom = 50, 120, 28, 36
    w, h = width - left - right, height - top - bottom
    sx = lambda x: left + (x - x0) / (x1 - x0) * w
    sy = lambda y: top + h - (y - y0) / (y1 - y0) * h
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"font-family='sans-serif' font-size='11'>",
           f"<text x='{left}' y='16' font-size='13' font-weight='bold'>{escape(title)}</text>",
           f"<rect x='{left}' y='{top}' width='{w}' height='{h}' fill='none' stroke='#999'/>"]
    for t in _ticks(x0, x1):
        out.append(f"<line x1='{sx(t):.1f}' x2='{sx(t):.1f}' y1='{top + h}' y2='{top + h + 4}' stroke='#999'/>"
                   f"<text x='{sx(t):.1f}' y='{top + h + 15}' text-anchor='middle'>{t:g}</text>")
    for t in _ticks(y0, y1):
        out.append(f"<line x1='{left}' x2='{left + w}' y1='{sy(t):.1f}' y2='{sy(t):.1f}' stroke='#eee'/>"
                   f"<text x='{left - 5}' y='{sy(t) + 4:.1f}' text-anchor='end'>{t:g}</text>")
    out.append(f"<text x='{left + w / 2}' y='{height - 4}' text-anchor='middle'>{escape(xlabel)}</text>")
    out.append(f"<text x='12' y='{top + h / 2}' transform='rotate(-90 12 {top + h / 2})' "
               f"text-anchor='middle'>{escape(ylabel)}</text>")
    for label, x in (marks or {}).items():
        out.append(f"<line x1='{sx(x):.1f}' x2='{sx(x):.1f}' y1='{top}' y2='{top + h}' "
                   f"stroke='#aaa' stroke-dasharray='4 3'/><text x='{sx(x) + 3:.1f}' "
                   f"y='{top + 10}' fill='#666'>{escape(label)}</text>")
    for i, (name, series) in enumerate(lines.items()):
        c = COLORS[i % len(COLORS)]
        path, prev = [], None
        for x, y in series:
            if prev is not None:
                path.append(f"{sx(x):.1f},{sy(prev):.1f}")
            path.append(f"{sx(x):.1f},{sy(y):.1f}")
            prev = y
        if path:
            out.append(f"<polyline fill='none' stroke='{c}' stroke-width='{2 + (len(lines) - i) * 0.6:.1f}' "
                       f"stroke-opacity='0.8' points='{' '.join(path)}'/>")
        out.append(f"<line x1='{left + w + 10}' x2='{left + w + 28}' y1='{top + 8 + i * 16}' "
                   f"y2='{top + 8 + i * 16}' stroke='{c}' stroke-width='3'/>"
                   f"<text x='{left + w + 32}' y='{top + 12 + i * 16}'>{escape(name)}</text>")
    out.append("</svg>")
    return "".join(out)
