"""A spreadsheet file (CSV in any common encoding, XLSX) read into sheets of rows (#12).

An XLSX is a ZIP archive whose parts may unpack to a thousand times their size, so its
directory is checked (parts, unpacked size, packing ratio) before openpyxl opens it;
sheets, rows, columns and characters per cell are bounded while reading (the limits in
bot.intake.tabular), and each distinct text is cut and normalised once. No Telegram, no
database; bot.intake.isolated adds a hard time limit.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import date
from typing import Any

from bot.domain.text import normalize
from bot.intake.tabular import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_PARTS,
    MAX_RATIO,
    MAX_SCAN_ROWS,
    MAX_SHEETS,
    MAX_UNPACKED,
    MB,
    RATIO_FLOOR,
    SNIFF_CHARS,
    Cell,
    ImportFileError,
    Row,
    Texts,
)


def _decode(data: bytes, name: str) -> str:
    # BOMs first: Excel's "CSV UTF-8" writes one, "Unicode text" is UTF-16 with a BOM.
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    # UTF-16 without a BOM betrays itself by a NUL in every other byte of ASCII text.
    sample = data[:2000]
    if sample and sample.count(0) * 3 > len(sample):
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Old Vietnamese Windows ("CSV" from Excel on a Vietnamese Windows) is cp1258; its
    # tones are combining marks, which normalize() composes (L5).
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise ImportFileError("unreadable_file", {"name": name}) from None


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same number (> 1) of fields."""
    lines = [ln for ln in text[:SNIFF_CHARS].splitlines() if ln.strip()][:50]
    best, best_score = ";", (0, 0)
    for delimiter in (";", ",", "\t"):
        counts = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1)
        if counts:
            width, lines_with_width = counts.most_common(1)[0]
            score = (lines_with_width, width)
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, name: str) -> list[Row]:
    text = _decode(data, name).replace("\x00", "")
    clean = Texts()
    try:
        delimiter = _sniff_delimiter(text)
        # newline="" lets the csv module handle CRLF, LF and CR, even mixed, and
        # line breaks inside quoted cells.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[Row] = []
        for record in reader:
            row: Row = [clean(v) for v in record[:MAX_COLUMNS]]
            rows.append(row if any(v is not None for v in row) else [])
            if len(rows) > MAX_SCAN_ROWS:
                break
    except csv.Error as exc:
        # The csv module refuses a field over csv.field_size_limit() (128 kB): usually an
        # unclosed quotation mark that joined the rest of the file into one cell.
        if "field limit" in str(exc):
            limit = str(csv.field_size_limit() // 1024)
            raise ImportFileError("cell_too_long", {"limit": limit}) from None
        raise ImportFileError("unreadable_file", {"name": name}) from None
    return rows


def _read_xlsx(data: bytes, name: str) -> list[list[Row]]:
    from openpyxl import load_workbook  # imported lazily: only XLSX needs it

    try:
        wb: Any = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # bot.intake.isolated's limit: the file is too large, not damaged
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors)
        raise ImportFileError("unreadable_file", {"name": name}) from None
    sheets: list[list[Row]] = []
    clean = Texts()
    try:
        for ws in wb.worksheets[:MAX_SHEETS]:
            if not hasattr(ws, "iter_rows"):  # chart sheets
                continue
            ws.reset_dimensions()  # some writers store wrong sizes; read what is there
            rows: list[Row] = []
            # max_col keeps 40 columns of a wider row (the XML is still parsed: its size
            # is bounded by MAX_UNPACKED); a blank row is stored as [] (a gap of a million
            # rows costs no memory before MAX_SCAN_ROWS stops it).
            for values in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                row = [_xlsx_cell(v, clean) for v in values]
                rows.append(row if any(v is not None for v in row) else [])
                if len(rows) > MAX_SCAN_ROWS:
                    break
            sheets.append(rows)
    except MemoryError:
        raise
    except Exception:
        raise ImportFileError("unreadable_file", {"name": name}) from None
    finally:
        wb.close()
    return sheets


def _xlsx_cell(value: object, clean: Texts) -> Cell:
    if value is None or isinstance(value, int | float | date):
        return value
    return clean(value if isinstance(value, str) else str(value))  # times, errors ("#N/A")


def read_sheets(file_name: str, data: bytes) -> tuple[str, list[list[Row]]]:
    """The rows of each sheet of a CSV or XLSX file, and the kind read ("csv"/"xlsx").

    Rows are physical: index i is row i + 1 of the file, so row numbers in messages
    match what the secretary sees in Excel. Raises ImportFileError.
    """
    name = normalize(file_name)
    lowered = name.lower()
    if not data.strip():
        raise ImportFileError("empty_file")
    if len(data) > MAX_BYTES:
        raise ImportFileError("file_too_large", {"limit": str(MAX_BYTES // MB)})
    is_zip = data.startswith(b"PK\x03\x04")
    if lowered.endswith((".xlsx", ".xlsm")) or (is_zip and not lowered.endswith(".csv")):
        if is_zip:
            check_archive(data)  # before anything is unpacked
        if not is_zip or not _looks_like_xlsx(data):
            code = "unsupported_file" if is_zip else "unreadable_file"
            raise ImportFileError(code, {"name": name})
        return "xlsx", _read_xlsx(data, name)
    if lowered.endswith((".xls", ".ods", ".numbers", ".pdf", ".doc", ".docx")) or (
        data.startswith(b"\xd0\xcf\x11\xe0") or data.startswith(b"%PDF")
    ):
        raise ImportFileError("unsupported_file", {"name": name})
    return "csv", [_read_csv(data, name)]


def _looks_like_xlsx(data: bytes) -> bool:
    """A .docx or .ods is a ZIP too: an XLSX has the workbook part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def check_archive(data: bytes) -> None:
    """Refuse a ZIP bomb from its directory alone, before anything is unpacked (#12).

    openpyxl unpacks whole parts into memory (sharedStrings.xml at once), and a 32 kB
    file can hold a 30 MB cell. The sizes checked are the ones the directory declares;
    zipfile never unpacks more than that (a part that lies fails its CRC check).
    """
    too_large = ImportFileError("file_too_large_unpacked", {"limit": str(MAX_UNPACKED // MB)})
    # Directory entries, counted before zipfile builds an object for each of 100,000.
    if data.count(b"PK\x01\x02") > MAX_PARTS:
        raise too_large
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        return  # not an archive: read_sheets says so
    whole = (sum(p.file_size for p in parts), sum(p.compress_size for p in parts))
    if len(parts) > MAX_PARTS or whole[0] > MAX_UNPACKED:
        raise too_large
    # Real parts pack 2-30 times (measured); a large part packed more is made to explode,
    # and so are many small ones (the archive as a whole).
    sizes = [(p.file_size, p.compress_size) for p in parts]
    if any(u > RATIO_FLOOR and u > MAX_RATIO * max(c, 1) for u, c in [whole, *sizes]):
        raise ImportFileError("file_overpacked", {"ratio": str(MAX_RATIO)})
