"""Tables out as CSV (semicolons and a BOM, as Finnish spreadsheet programs expect) and XLSX."""

import csv
import io
import re
from decimal import Decimal

from kalliola.reports.base import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    # Spreadsheet programs run cells that start like a formula.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text != "–":
        text = "'" + text
    return text


def table_lines(table: Table) -> list[list]:
    """Header, rows and the total row, as plain values."""
    lines = [[str(c) for c in table.columns]]
    lines += [[_cell(v) for v in row] for row in table.rows]
    if table.total:
        lines.append([_cell(v) for v in table.total])
    return lines


def table_csv(table: Table) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    for line in table_lines(table):
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else v for v in line])
    return out.getvalue()


def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" {n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def tables_xlsx(tables: list[Table], heading: str = "") -> bytes:
    """One sheet per table: title, header, rows, total. Money cells formatted with two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(str(table.title), taken))
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True)
        if heading:
            sheet.append([heading])
        for index, line in enumerate(table_lines(table)):
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in line])
            row = sheet.max_row
            if index == 0:
                for cell in sheet[row]:
                    cell.font = Font(bold=True)
            for position, value in enumerate(line):
                if isinstance(value, Decimal):
                    sheet.cell(row=row, column=position + 1).number_format = "#,##0.00"
        sheet.column_dimensions["A"].width = 44
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
