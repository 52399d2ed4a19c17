"""Small server-rendered SVG charts (no JavaScript, no CDN): horizontal bars and stacked daily columns."""

from __future__ import annotations

from html import escape

PALETTE = ("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63", "#9e9e9e")


def bars(rows: list[tuple[str, float]], unit: str = "", width: int = 560, title: str = "") -> str:
    """One horizontal bar per (label, value), largest first as given."""
    if not rows:
        return '<p class="empty">暂无数据</p>'
    bar_h, gap, label_w = 22, 8, 170
    height = len(rows) * (bar_h + gap) + gap
    top = max(v for _, v in rows) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = (width - label_w - 70) * value / top
        parts += [
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="13">{escape(label[:14])}</text>',
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{PALETTE[0]}"/>',
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="13">{_num(value)}{escape(unit)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def stacked_days(days: list[str], series: dict[str, list[int]], width: int = 760, title: str = "") -> str:
    """Columns per day stacked by series (e.g. topics), with a legend."""
    if not days or not any(sum(v) for v in series.values()):
        return '<p class="empty">暂无数据</p>'
    plot_h, left, bottom = 200, 34, 40
    legend_rows = (len(series) + 3) // 4
    height = plot_h + bottom + legend_rows * 20 + 10
    totals = [sum(v[i] for v in series.values()) for i in range(len(days))]
    top = max(totals) or 1
    step = (width - left - 10) / len(days)
    col_w = max(2.0, step * 0.7)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{plot_h}" x2="{width - 10}" y2="{plot_h}" stroke="#8a96a3"/>',
        f'<text x="{left - 4}" y="12" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{left - 4}" y="{plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, day in enumerate(days):
        x, y = left + i * step + (step - col_w) / 2, plot_h
        for j, values in enumerate(series.values()):
            h = plot_h * values[i] / top
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(day)} {values[i]}</title></rect>'
                )
        if len(days) <= 10 or i % max(1, len(days) // 8) == 0:
            parts.append(
                f'<text x="{x + col_w / 2:.1f}" y="{plot_h + 16}" text-anchor="middle" font-size="11">'
                f"{escape(day[5:])}</text>"
            )
    for j, name in enumerate(series):
        x, y = left + (j % 4) * 180, plot_h + bottom + (j // 4) * 20
        parts += [
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>',
            f'<text x="{x + 16}" y="{y}" font-size="12">{escape(name)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
