"""A spreadsheet file (CSV in any common encoding, XLSX, old Excel XLS) read into sheets of
rows (#12, #15).

Text typed with the legacy Vietnamese fonts (TCVN3/ABC, VNI) is found and turned into
Unicode before anything else reads it (bot.intake.legacy_fonts); the workbook says which
encoding it was, for the preview. An XLS is read by xlrd in the same child process and
within the same bounds as an XLSX (sheets, rows, columns, characters per cell; the file's
size; bot.intake.isolated's time and memory).

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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.text import normalize
from bot.intake import legacy_fonts
from bot.intake.tabular import (
    MAX_BYTES,
    MAX_CELL_CHARS,
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


@dataclass
class Workbook:
    """A file as read: its kind ("csv", "xlsx", "xls"), its sheets' rows, and the legacy
    Vietnamese encoding its text was turned from (legacy_fonts.TCVN3/VNI), if any."""

    kind: str
    sheets: list[list[Row]]
    encoding: str | None = None


# Distinct texts scored to judge a file's encoding: a roster has far fewer.
DETECT_SAMPLE = 2_000


def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    """The text of a CSV file, and the legacy Vietnamese encoding it holds (or None)."""
    # BOMs first: Excel's "CSV UTF-8" writes one, "Unicode text" is UTF-16 with a BOM.
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), None
    # UTF-16 without a BOM betrays itself by a NUL in every other byte of ASCII text.
    sample = data[:2000]
    if sample and sample.count(0) * 3 > len(sample):
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        text = data.decode(codec, errors="replace")
        return text, _detect(text.splitlines())
    try:
        text = data.decode("utf-8")
        return text, _detect(text.splitlines())  # a file converted by a tool that kept the font
    except UnicodeDecodeError:
        pass
    # #15: single bytes typed with the .VnTime (TCVN3) or VNI-Times fonts: each byte is
    # its Latin-1 character here, turned into Vietnamese cell by cell.
    latin = data.decode("latin-1")
    encoding = _detect(latin.splitlines())
    if encoding is not None:
        return latin, encoding
    # Old Vietnamese Windows ("CSV" from Excel on a Vietnamese Windows) is cp1258; its
    # tones are combining marks, which normalize() composes (L5).
    try:
        return data.decode("cp1258"), None
    except UnicodeDecodeError:
        raise ImportFileError("unreadable_file", {"name": name}) from None


def _detect(texts: list[str]) -> str | None:
    sample = [t[:MAX_CELL_CHARS] for t in texts if legacy_fonts.suspicious(t)]
    return legacy_fonts.detect(sample[:DETECT_SAMPLE])


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


def _read_csv(data: bytes, name: str) -> tuple[list[Row], str | None]:
    text, encoding = _decode(data, name)
    text = text.replace("\x00", "")
    clean = Texts(encoding)
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
    return rows, encoding


def _cleaned(kind: str, sheets: list[list[list[Any]]]) -> Workbook:
    """Sheets of raw cells (texts already cut to MAX_CELL_CHARS) with each text turned
    from the file's legacy encoding, if any, and normalised once (L5)."""
    texts = {v for rows in sheets for row in rows for v in row if isinstance(v, str)}
    encoding = _detect(list(texts))
    clean = Texts(encoding)
    cleaned = [
        [[clean(v) if isinstance(v, str) else v for v in row] for row in rows] for rows in sheets
    ]
    for rows in cleaned:
        for i, row in enumerate(rows):
            if row and all(v is None for v in row):
                rows[i] = []
    return Workbook(kind, cleaned, encoding)


def _read_xlsx(data: bytes, name: str) -> Workbook:
    from openpyxl import load_workbook  # imported lazily: only XLSX needs it

    try:
        wb: Any = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # bot.intake.isolated's limit: the file is too large, not damaged
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors)
        raise ImportFileError("unreadable_file", {"name": name}) from None
    sheets: list[list[list[Any]]] = []
    try:
        for ws in wb.worksheets[:MAX_SHEETS]:
            if not hasattr(ws, "iter_rows"):  # chart sheets
                continue
            ws.reset_dimensions()  # some writers store wrong sizes; read what is there
            rows: list[list[Any]] = []
            # max_col keeps 40 columns of a wider row (the XML is still parsed: its size
            # is bounded by MAX_UNPACKED); a blank row is stored as [] (a gap of a million
            # rows costs no memory before MAX_SCAN_ROWS stops it).
            for values in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                row = [_xlsx_cell(v) for v in values]
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
    return _cleaned("xlsx", sheets)


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, int | float | date):
        return value
    text = value if isinstance(value, str) else str(value)  # times, errors ("#N/A")
    return text[:MAX_CELL_CHARS] or None


def _read_xls(data: bytes, name: str) -> Workbook:
    """#15: an Excel 97-2003 workbook (BIFF), read by xlrd within the same bounds."""
    import xlrd  # imported lazily: only XLS needs it

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
    except MemoryError:
        raise
    except Exception:  # xlrd raises XLRDError, CompDocError, struct and index errors
        raise ImportFileError("unreadable_file", {"name": name}) from None
    sheets: list[list[list[Any]]] = []
    try:
        for index in range(min(book.nsheets, MAX_SHEETS)):
            sheet = book.sheet_by_index(index)
            rows: list[list[Any]] = []
            for r in range(min(sheet.nrows, MAX_SCAN_ROWS + 1)):
                width = min(sheet.row_len(r), MAX_COLUMNS)
                row = [_xls_cell(sheet.cell(r, c), book.datemode) for c in range(width)]
                rows.append(row if any(v is not None for v in row) else [])
            sheets.append(rows)
            book.unload_sheet(index)
    except MemoryError:
        raise
    except Exception:
        raise ImportFileError("unreadable_file", {"name": name}) from None
    finally:
        book.release_resources()
    return _cleaned("xls", sheets)


def _xls_cell(cell: Any, datemode: int) -> Cell:
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            day: datetime = xlrd.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(value)  # not a real date: bot.intake.roster_layout refuses it
        return day
    if kind == xlrd.XL_CELL_NUMBER:
        return float(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return int(value)
    return str(value)[:MAX_CELL_CHARS] or None


def read_sheets(file_name: str, data: bytes) -> tuple[str, list[list[Row]]]:
    """The kind and the sheets of read_workbook()."""
    book = read_workbook(file_name, data)
    return book.kind, book.sheets


def read_workbook(file_name: str, data: bytes) -> Workbook:
    """The rows of each sheet of a CSV, XLSX or XLS file, the kind read and the legacy
    Vietnamese encoding found (#15).

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
        return _read_xlsx(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0") and not lowered.endswith((".doc", ".ppt", ".msg")):
        return _read_xls(data, name)  # an OLE2 compound file: an old Excel workbook
    if lowered.endswith((".xls", ".ods", ".numbers", ".pdf", ".doc", ".docx")) or (
        data.startswith(b"\xd0\xcf\x11\xe0") or data.startswith(b"%PDF")
    ):
        raise ImportFileError("unsupported_file", {"name": name})
    rows, encoding = _read_csv(data, name)
    return Workbook("csv", [rows], encoding)


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
