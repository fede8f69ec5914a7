"""Reading price list entries from CSV.

The first line names the columns, in any order and case: ``sku`` and
``amount`` are required, ``min_quantity`` (default 1) and ``currency``
(checked against the list's) are optional. The separator is a comma, a
semicolon or a tab, whichever the header uses. With a semicolon or a tab,
an amount may use a decimal comma (``189,90``), as spreadsheets set to
Portuguese write it; thousands separators are refused either way.

    sku,min_quantity,amount,currency
    DRILL-18V,1,189.90,BRL
    DRILL-18V,10,179.90,BRL

Errors name the line of the file (the header is line 1).
"""

import csv
import io
import re

from .error_codes import PriceListErrorCode
from .exceptions import PriceListError
from .management import EntryRow

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
_COLUMNS = {"sku", "min_quantity", "amount", "currency"}
_REQUIRED = {"sku", "amount"}
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _invalid(message, row=None):
    return PriceListError(message, code=PriceListErrorCode.INVALID_CSV, row=row)


def _detect_delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter, count = max(counts.items(), key=lambda item: item[1])
    return delimiter if count else ","


def parse_entries_csv(data: str | bytes) -> list[EntryRow]:
    """Return the rows of a CSV file; raise ``PriceListError`` if unreadable."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise _invalid(f"A CSV file may hold at most {MAX_BYTES} bytes.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _invalid("A CSV file must be encoded in UTF-8.") from None
    data = data.lstrip("\ufeff")
    if not data.strip():
        raise _invalid("The CSV file is empty.")

    header_line = data.splitlines()[0]
    delimiter = _detect_delimiter(header_line)
    reader = csv.reader(io.StringIO(data), delimiter=delimiter)
    header = [column.strip().lower() for column in next(reader)]
    unknown = set(header) - _COLUMNS
    if unknown:
        raise _invalid(f"Unknown columns: {', '.join(sorted(unknown))}.", row=1)
    missing = _REQUIRED - set(header)
    if missing:
        raise _invalid(f"Missing columns: {', '.join(sorted(missing))}.", row=1)
    if len(set(header)) != len(header):
        raise _invalid("A column is named twice.", row=1)

    rows = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            raise _invalid(
                f"Line {line} has {len(values)} values for {len(header)} columns.",
                row=line,
            )
        if len(rows) >= MAX_ROWS:
            raise _invalid(f"A CSV file may hold at most {MAX_ROWS} rows.", row=line)
        record = dict(zip(header, (value.strip() for value in values), strict=True))
        amount = record["amount"]
        if delimiter != "," and _DECIMAL_COMMA.match(amount):
            amount = amount.replace(",", ".")
        rows.append(
            EntryRow(
                row=line,
                sku=record["sku"],
                amount=amount,
                min_quantity=record.get("min_quantity") or 1,
                currency=record.get("currency") or None,
            )
        )
    return rows
