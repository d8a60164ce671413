"""The one writer of every CSV and XLSX file the site hands out.

Payments, statistics, the households', children's, sessions' and groups' lists, the support
meetings' statistics and a person's access log all go through here, so every file is guarded
the same way against formula injection (a name typed into a public form must never become a
formula in a coordinator's spreadsheet):

- CSV: semicolons and a BOM, as Finnish spreadsheet programs expect; the csv module quotes a
  value holding the separator, a quote or a line break, so one value is always one cell; a text
  value starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe, and so
  does such a start after a comma, semicolon, tab or line break inside the value (a program
  that splits our file at commas must not find a formula in the middle of a name either).
- XLSX: every text cell is written as a text cell (never a formula, whatever it starts with) and
  marked with Excel's quote prefix, so editing it does not turn it into a formula either; the
  same apostrophe rule as CSV, because people save the sheet as CSV and open it again.
- Words, not codes: a yes/no value is written as "kyllä"/"ei" (in the reader's language), and
  CSV money has the decimal separator of the reader's language (a comma in Finnish and
  Swedish), as the spreadsheet program of that language reads a number.
- Characters a worksheet cannot hold (NUL and the other control characters) are dropped, so an
  odd value makes a file, never a 500.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from kalliola.reports.base import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula start at the beginning, or after a character that a program set to another
# separator (a comma locale opening our semicolon file) or a careless parser would split at.
_FORMULA = re.compile(r"(^|[,;\t\r\n])(?=[=+\-@\t\r])")
# What an XLSX worksheet refuses (openpyxl raises on them); CSV drops them too, for one rule.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_cell(value) -> str:
    """A text value made safe for a spreadsheet: no control characters, never a formula."""
    return _FORMULA.sub(r"\1'", _CONTROL.sub("", str(value)))


def _value(value):
    """A cell's value: numbers stay numbers, dates become ISO text, everything else safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return text_cell(value)


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """Header and rows as CSV text (BOM, semicolons, money with two decimals and the decimal
    separator of the current language)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    separator = formats.get_format("DECIMAL_SEPARATOR")
    for line in _lines(header, rows):
        writer.writerow(
            [f"{v:.2f}".replace(".", separator) if isinstance(v, Decimal) else v for v in line]
        )
    return out.getvalue()


def _lines(header, rows):
    yield [_value(v) for v in header]
    for row in rows:
        yield [_value(v) for v in row]


def download(content, content_type: str, filename: str) -> HttpResponse:
    """A file to save: never cached, never shown inline."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    return download(csv_text(header, rows), CSV_TYPE, filename)


@dataclass
class Sheet:
    """One worksheet: optional title lines (bold), a header (bold) and rows."""

    title: str
    header: list
    rows: Iterable[Iterable]
    headings: list[str] = field(default_factory=list)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook with one worksheet per sheet; text cells are text, money has two decimals."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for sheet_data in sheets:
        sheet = workbook.create_sheet(_sheet_title(str(sheet_data.title), taken))
        lines = [([heading], True) for heading in sheet_data.headings]
        lines.append((sheet_data.header, True))
        lines += [(row, False) for row in sheet_data.rows]
        for number, (values, bold) in enumerate(lines, start=1):
            _write_row(sheet, number, values, bold)
        sheet.column_dimensions["A"].width = 44
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_row(sheet, row: int, values, bold: bool) -> None:
    for column, raw in enumerate(values, start=1):
        value = _value(raw)
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = value
            # Whatever the text starts with, the cell stays text.
            cell.data_type = "s"
            cell.quotePrefix = True
        elif isinstance(value, Decimal):
            cell.value = float(value)
            cell.number_format = "#,##0.00"
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    return download(xlsx_bytes(sheets), XLSX_TYPE, filename)


def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", _CONTROL.sub("", text)).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" {n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


# -- the statistics' tables ------------------------------------------------------------------


def _table_rows(table: Table) -> list[list]:
    rows = list(table.rows)
    if table.total:
        rows.append(table.total)
    return rows


def table_csv(table: Table) -> str:
    """One table of the report: header, rows and the total row."""
    return csv_text([str(c) for c in table.columns], _table_rows(table))


def tables_xlsx(tables: list[Table], heading: str = "") -> bytes:
    """One sheet per table: title, header, rows, total. Money cells formatted with two decimals."""
    return xlsx_bytes(
        Sheet(
            title=str(table.title),
            headings=[str(table.title)] + ([heading] if heading else []),
            header=[str(c) for c in table.columns],
            rows=_table_rows(table),
        )
        for table in tables
    )
