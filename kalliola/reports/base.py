"""The reporting period and the table every statistic is delivered in."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included, in Helsinki time."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        )

    @property
    def starts_at(self) -> datetime.datetime:
        """The first moment of the period (local midnight)."""
        return _midnight(self.start)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period (local midnight after the last day)."""
        return _midnight(self.end + datetime.timedelta(days=1))

    def days(self, field_name: str) -> dict:
        """Filter keyword arguments: a date field within the period."""
        return {f"{field_name}__gte": self.start, f"{field_name}__lte": self.end}

    def moments(self, field_name: str) -> dict:
        """Filter keyword arguments: a date-time field within the period, in local time."""
        return {f"{field_name}__gte": self.starts_at, f"{field_name}__lt": self.ends_before}

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months

    @property
    def slug(self) -> str:
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"

    def query_string(self) -> str:
        if self.is_calendar_year:
            return f"year={self.start.year}"
        return f"start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


@dataclass
class Table:
    """One table of the report: the same numbers feed the chart, the page and the exports.

    `chart` names the column drawn as bars (by index into `columns`), with the first column as
    the bars' labels; None when a chart would not help (a table of mixed measures).
    """

    key: str
    title: str
    columns: list
    rows: list[list]
    chart: int | None = None
    note: str = ""
    total: list | None = field(default=None)

    @property
    def is_empty(self) -> bool:
        return not self.rows
