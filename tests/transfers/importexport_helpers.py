"""Helpers for the import and export tests: build workbooks and CSVs, upload them, read results."""

import csv
import io
import zipfile
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from transfers.models import ImportJob


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


def xlsx_bytes(rows) -> bytes:
    """A workbook as Excel writes it (shared strings), via openpyxl's normal writer."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, content: bytes, name="customers.xlsx", **data):
    """Upload a file; returns (response, the job it created or None)."""
    before = set(ImportJob.objects.values_list("pk", flat=True))
    response = client.post(reverse("transfers:customer-import"), {"file": SimpleUploadedFile(name, content), **data})
    job = ImportJob.objects.exclude(pk__in=before).first()
    return response, job


def confirm(client, job, *, on_duplicate="skip", all_or_nothing=True):
    data = {"on_duplicate": on_duplicate}
    if all_or_nothing:
        data["all_or_nothing"] = "on"
    response = client.post(reverse("transfers:customer-import-confirm", args=[job.pk]), data)
    job.refresh_from_db()
    return response


def read_xlsx(content: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_shared_bytes(rows) -> bytes:
    """A workbook whose text cells all point into the shared strings table, as Excel saves one:
    a string used in many cells is stored once (what a hostile file exploits)."""
    strings, cells_xml = {}, []
    for number, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{chr(65 + index)}{number}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'
                        for index, value in enumerate(row))
        cells_xml.append(f'<row r="{number}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sst = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{main}">{sst}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{"".join(cells_xml)}</sheetData></worksheet>')
    return out.getvalue()


def export(client, url, query=None, **extra):
    """Export a list as a person does: the export page's button posts the list's query string
    and the format (a GET only shows that page, issue 19.8)."""
    query = dict(query or {})
    fmt = query.pop("format", "xlsx")
    return client.post(url, {"params": urlencode(query, doseq=True), "format": fmt}, **extra)
