"""Reading uploaded customer files safely (SPEC §1.C): .xlsx and CSV (UTF-8 or GBK).

openpyxl's read-only reader parses about 2,400 rows/s on our machines; the sheet and shared
strings are streamed here with the C XML parser (12,000+ rows/s), after the archive's declared
sizes and row count were checked (openpyxl does not guard against XLSX bombs) and any DTD
refused. Small workbook parts go through defusedxml.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import XMLPullParser

from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from transfers.columns import MAX_CELL_CHARS


class ImportFileError(Exception):
    """The file cannot be read; the message is safe and useful to show."""


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_ZIP_MEMBERS = 500
MAX_COMPRESSION_RATIO = 200  # real sheets compress 5-30x; bombs 1,000x and more
CHUNK = 8 * 1024  # small feeds keep few elements alive at once: 5x faster than 256 KB here


def max_uncompressed_bytes() -> int:
    return settings.IMPORT_MAX_BYTES * 20


@dataclass
class Table:
    """A parsed file: header cells, then (spreadsheet row number, cells) for each non-empty row."""

    headers: list
    rows: object  # iterator of (number, list)
    declared_rows: int = 0


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        )


def open_table(path, name: str, sheet_names=()) -> Table:
    """Open an uploaded .xlsx or .csv (UTF-8 or GBK/GB18030) after the safety checks: the first
    sheet, or the sheet named one of `sheet_names` (compared in lower case) when there is one."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        handle.seek(0, io.SEEK_END)
        check_size(handle.tell())
    lowered = name.lower()
    if head.startswith(b"PK") or lowered.endswith((".xlsx", ".xlsm")):
        return _open_xlsx(path, sheet_names)
    if lowered.endswith((".csv", ".txt")):
        return _open_csv(path)
    if lowered.endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old .xls workbooks cannot be read: save the sheet as .xlsx or CSV in Excel and upload that."))
    raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file."))


def has_sheet(path, name: str, sheet_names) -> bool:
    """True when the file is an .xlsx with a sheet named one of `sheet_names` (lower case)."""
    with open(path, "rb") as handle:
        if handle.read(2) != b"PK" and not name.lower().endswith((".xlsx", ".xlsm")):
            return False
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive)
            workbook = _read_part(archive, "xl/workbook.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, SyntaxError, ImportFileError):
        return False
    return workbook is not None and any((sheet.get("name") or "").strip().lower() in sheet_names
                                        for sheet in workbook.iterfind(f"{NS}sheets/{NS}sheet"))


def _row_limit_error():
    return ImportFileError(
        _("The file has more than %(limit)s rows: split it into smaller files.") % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
    )


def _limited(rows):
    for count, row in enumerate(rows, start=1):
        if count > settings.IMPORT_MAX_ROWS + 1:  # the header row, then at most IMPORT_MAX_ROWS rows
            raise _row_limit_error()
        yield row


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Excel in China saves)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text: save it again as “CSV UTF-8” in Excel."))


def _open_csv(path) -> Table:
    with open(path, "rb") as handle:
        text = decode_text(handle.read())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, [])
    except csv.Error:
        raise ImportFileError(_("The CSV file is malformed.")) from None
    data_lines = text.count("\n")
    if data_lines > settings.IMPORT_MAX_ROWS + 1:
        raise _row_limit_error()

    def rows():
        try:
            for number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error as error:
            raise ImportFileError(_("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}) from error

    return Table(headers=headers, rows=_limited(rows()), declared_rows=max(0, data_lines - 1))


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose declared sizes betray a decompression bomb, before reading it."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(_("The workbook has too many parts to be a customer sheet."))
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes():
        raise ImportFileError(_("The workbook would unpack to more than %(limit)s: refused.") % {
            "limit": filesizeformat(max_uncompressed_bytes())})
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ImportFileError(_("The workbook is compressed suspiciously well (a “zip bomb”?): refused."))


def _read_part(archive, name, limit=8 * 1024 * 1024):
    """A small workbook part, parsed by defusedxml (no DTDs, no entities)."""
    try:
        with archive.open(name) as handle:
            data = handle.read(limit + 1)
    except KeyError:
        return None
    if len(data) > limit:
        raise ImportFileError(_("The workbook is malformed."))
    return safe_fromstring(data)


def _prolog_is_safe(data: bytes) -> bool | None:
    """True when the XML before the root element holds only an XML declaration, processing
    instructions, comments and whitespace; False on anything else (a DOCTYPE, where entities
    would be declared); None when `data` ends before the root element starts."""
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(data) and data[position:position + 1] in (b" ", b"\t", b"\r", b"\n"):
            position += 1
        rest = data[position:]
        if len(rest) < 2 or (rest.startswith(b"<!") and len(rest) < 4):
            return None
        if rest.startswith(b"<?") or rest.startswith(b"<!--"):
            closing = b"?>" if rest.startswith(b"<?") else b"-->"
            end = rest.find(closing)
            if end < 0:
                return None
            position += end + len(closing)
            continue
        return rest[:1] == b"<" and (rest[1:2].isalpha() or rest[1:2] == b"_")


def _safe_stream(handle):
    """Yield the bytes of an XML part, refusing a DOCTYPE (the only place entities can be declared)
    so the fast C parser cannot be led into entity expansion or external fetches."""
    prolog = b""
    while prolog is not None:
        chunk = handle.read(CHUNK)
        prolog += chunk
        verdict = _prolog_is_safe(prolog)
        if verdict is None and chunk and len(prolog) < 64 * 1024:
            continue
        if not verdict:
            raise ImportFileError(_("The workbook is malformed."))
        yield prolog
        prolog = None
    while chunk := handle.read(CHUNK):
        yield chunk


def _iter_elements(handle, tags):
    """Stream the given elements (complete, at their end) with the C XML parser. Each is taken
    out of its parent once the caller is done with it, so the tree never grows with the file
    (100,000 rows left hanging in it made every garbage collection walk them all)."""
    parser = XMLPullParser(events=("start", "end"))
    open_elements = []

    def wanted():
        for event, element in parser.read_events():
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if element.tag in tags:
                yield element
                element.clear()
                if open_elements:
                    open_elements[-1].remove(element)

    for chunk in _safe_stream(handle):
        parser.feed(chunk)
        yield from wanted()
    parser.close()
    yield from wanted()


def _text_of(element) -> str:
    return "".join(node.text or "" for node in element.iter(NS + "t"))


def _date_styles(archive) -> set:
    """Indexes of cell styles whose number format is a date."""
    styles = _read_part(archive, "xl/styles.xml")
    if styles is None:
        return set()
    custom = {int(fmt.get("numFmtId")): fmt.get("formatCode", "") for fmt in styles.iter(NS + "numFmt")}
    cell_xfs = styles.find(NS + "cellXfs")
    dates = set()
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", 0))
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _first_sheet_path(archive, sheet_names=()) -> str:
    workbook = _read_part(archive, "xl/workbook.xml")
    rels = _read_part(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx)."))
    sheet = workbook.find(f"{NS}sheets/{NS}sheet")
    for named in workbook.iterfind(f"{NS}sheets/{NS}sheet"):
        if (named.get("name") or "").strip().lower() in sheet_names:
            sheet = named
            break
    if sheet is None:
        raise ImportFileError(_("The workbook has no sheet."))
    rel_id = sheet.get(REL_NS + "id")
    for rel in rels.iter(PKG_REL_NS + "Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else "xl/" + target
    raise ImportFileError(_("The workbook is malformed."))


def _declared_rows(archive, sheet_path) -> int:
    """The row count the sheet declares (<dimension ref="A1:P100001"/>), read from its first bytes."""
    with archive.open(sheet_path) as handle:
        head = handle.read(64 * 1024)
    match = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(match.group(1)) if match else 0


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else text


def _open_xlsx(path, sheet_names=()) -> Table:
    try:
        archive = zipfile.ZipFile(path)
        _check_archive(archive)
        sheet_path = _first_sheet_path(archive, sheet_names)
        declared = _declared_rows(archive, sheet_path)
        if declared > settings.IMPORT_MAX_ROWS + 1:
            raise _row_limit_error()
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as handle:
                for element in _iter_elements(handle, {NS + "si"}):
                    # Cut once here: a cell that repeats a huge shared string then costs one pointer.
                    shared.append(_text_of(element)[:MAX_CELL_CHARS])
        date_styles = _date_styles(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, SyntaxError):
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx).")) from None

    def cells_of(row_element):
        cells = []
        for cell in row_element:
            if cell.tag != NS + "c":
                continue
            ref, kind = cell.get("r"), cell.get("t")
            if ref:
                position = _column_index(ref)
                if position > 1000:
                    continue
                cells.extend([None] * (position - len(cells)))
            if kind == "inlineStr":
                value = _text_of(cell)[:MAX_CELL_CHARS]
            else:
                raw = cell.findtext(NS + "v")
                if raw is None:
                    value = None
                elif kind == "s":
                    value = shared[int(raw)]
                elif kind in ("str", "e"):
                    value = raw[:MAX_CELL_CHARS]  # a formula's cached result, never the formula
                elif kind == "b":
                    value = "TRUE" if raw == "1" else "FALSE"
                elif cell.get("s") and int(cell.get("s")) in date_styles:
                    value = from_excel(float(raw))
                else:
                    value = _number(raw)
            cells.append(value)
        return cells

    def rows():
        try:
            with archive.open(sheet_path) as handle:
                for element in _iter_elements(handle, {NS + "row"}):
                    number = int(element.get("r") or 0)
                    yield number, cells_of(element)
        except (zipfile.BadZipFile, KeyError, ValueError, IndexError, EOFError, SyntaxError, OverflowError):
            raise ImportFileError(_("The workbook is malformed.")) from None
        finally:
            archive.close()

    stream = _limited(rows())
    headers = []
    for number, cells in stream:
        if any(cell not in (None, "") for cell in cells):
            headers = cells
            break
    body = ((number, cells) for number, cells in stream if any(cell not in (None, "") for cell in cells))
    return Table(headers=headers, rows=body, declared_rows=max(0, declared - 1))
