"""Bar charts laid out on the server: the template only draws what is computed here.

Horizontal bars, one per row, with the row's label above the bar and the number after it, so the
chart reads without colour and the same numbers are in the table next to it.
"""

from dataclasses import dataclass
from decimal import Decimal

from kalliola.reports.base import Table

WIDTH = 640
BAR_MAX = 520
ROW = 44
LABEL_Y = 16
BAR_Y = 22
BAR_HEIGHT = 16
TOP = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: object
    y: int
    label_y: int
    bar_y: int
    width: int
    text_x: int


@dataclass(frozen=True)
class Chart:
    title: str
    measure: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT


def _number(value) -> float:
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return 0.0


def chart_for(table: Table) -> Chart | None:
    """The bars of a table's chart column, scaled to the largest value; None without a chart."""
    if table.chart is None or not table.rows:
        return None
    values = [_number(row[table.chart]) for row in table.rows]
    largest = max(values) or 1.0
    bars = []
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        y = TOP + index * ROW
        width = round(BAR_MAX * value / largest)
        if value > 0:
            width = max(width, 2)  # a small number is still visible
        bars.append(
            Bar(
                label=str(row[0]),
                value=row[table.chart],
                y=y,
                label_y=y + LABEL_Y,
                bar_y=y + BAR_Y,
                width=width,
                text_x=width + 6,
            )
        )
    return Chart(
        title=str(table.title),
        measure=str(table.columns[table.chart]),
        bars=bars,
        height=TOP + len(bars) * ROW + 4,
    )
