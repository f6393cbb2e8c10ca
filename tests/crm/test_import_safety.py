"""Limits and hostile files (SPEC §1.C): size, rows, XLSX bombs, DTDs, garbage — a message, never a 500."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from crm import importexport
from crm.job_models import ImportJob
from crm.models import Customer
from tests.crm.importexport_helpers import csv_bytes, private_files, upload, xlsx_bytes  # noqa: F401

pytestmark = pytest.mark.django_db


def _replace_part(content: bytes, name: str, data: bytes, compress=zipfile.ZIP_DEFLATED) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compress) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item.filename, source.read(item.filename))
        target.writestr(name, data)
    return out.getvalue()


def _failed(client, content, name="customers.xlsx"):
    response, job = upload(client, content, name=name)
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    return job.message


def test_it_refuses_a_file_over_the_size_limit(cast, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response, job = upload(client_for(cast.sales1), xlsx_bytes([["Name"], ["甲" * 2000]]))
    assert job is None and "The file is too large: at most 1000" in response.content.decode()


def test_it_refuses_a_workbook_declaring_too_many_rows_before_reading_them(cast, client_for, settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 3
    monkeypatch.setattr(importexport, "RowCleaner", None)  # reading a row would crash: it must not get there
    message = _failed(client_for(cast.sales1), xlsx_bytes([["Name"]] + [[f"客户{i}"] for i in range(5)]))
    assert "more than 3 rows" in message


def test_it_stops_at_the_row_limit_when_a_sheet_declares_nothing(cast, client_for, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = xlsx_bytes([["Name"]] + [[f"客户{i}"] for i in range(5)])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    undeclared = _replace_part(content, "xl/worksheets/sheet1.xml", re.sub(rb"<dimension[^>]*>", b"", sheet))
    assert b"dimension" not in zipfile.ZipFile(io.BytesIO(undeclared)).read("xl/worksheets/sheet1.xml")
    assert "more than 3 rows" in _failed(client_for(cast.sales1), undeclared)
    assert not Customer.objects.exists()


def test_it_refuses_a_csv_with_too_many_rows(cast, client_for, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = csv_bytes([["客户名称"]] + [[f"客户{i}"] for i in range(5)])
    assert "more than 3 rows" in _failed(client_for(cast.sales1), content, name="a.csv")


def test_it_refuses_an_xlsx_bomb_without_unpacking_it(cast, client_for, monkeypatch):
    monkeypatch.setattr(importexport, "_iter_elements", None)  # parsing would crash: it must not get there
    content = xlsx_bytes([["Name"], ["甲"]])
    # 40 MB of one repeated row compresses to ~40 KB: a small bomb, refused by its declared size ratio.
    bomb_sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  + b"<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>" * 800_000 + b"</sheetData></worksheet>")
    bomb = _replace_part(content, "xl/worksheets/sheet1.xml", bomb_sheet)
    assert len(bomb) < 500_000
    assert "zip bomb" in _failed(client_for(cast.sales1), bomb)


def test_it_refuses_a_workbook_that_unpacks_beyond_the_limit(cast, client_for, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 50_000  # unpacked at most 20 x: 1 MB
    monkeypatch.setattr(importexport, "_iter_elements", None)
    content = xlsx_bytes([["Name"], ["甲"]])
    stored = _replace_part(content, "docProps/big.xml", b"<a/>" + b" " * 1_100_000)
    zipped = _replace_part(stored, "docProps/big.xml", b"<a/>" + b" " * 1_100_000)
    assert "would unpack to more than" in _failed(client_for(cast.sales1), zipped)


def test_it_refuses_entity_expansion(cast, client_for):
    content = xlsx_bytes([["Name"], ["甲"]])
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si><si><t>x</t></si></sst>')
    message = _failed(client_for(cast.sales1), _replace_part(content, "xl/sharedStrings.xml", laughs))
    assert "malformed" in message and not Customer.objects.exists()


@pytest.mark.parametrize("content, name, expected", [
    (b"this is not a workbook", "customers.xlsx", "not a readable Excel workbook"),
    (b"PK\x03\x04broken", "customers.xlsx", "not a readable Excel workbook"),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", None),
    (b"\xff\xfe\x00\x00\x81", "bad.csv", "neither UTF-8 nor GBK"),
])
def test_it_explains_a_malformed_file(cast, client_for, content, name, expected):
    client = client_for(cast.sales1)
    if name.endswith(".xls"):
        response, job = upload(client, content, name=name)
        assert response.status_code == 200 and job is None and "Upload an Excel workbook" in response.content.decode()
        return
    assert expected in _failed(client, content, name=name)


def test_a_zip_that_is_not_a_workbook_is_explained(cast, client_for):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not an Excel workbook" in _failed(client_for(cast.sales1), out.getvalue())


def test_it_refuses_a_doctype_hidden_behind_a_comment(cast, client_for):
    content = xlsx_bytes([["Name"], ["甲"]])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    sneaky = sheet.replace(b"<worksheet", b'<!-- <a --><!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet', 1)
    assert "malformed" in _failed(client_for(cast.sales1), _replace_part(content, "xl/worksheets/sheet1.xml", sneaky))


def test_a_file_without_a_name_column_asks_for_one_and_cannot_be_imported(cast, client_for):
    client = client_for(cast.sales1)
    response, job = upload(client, b"Phone\n13800138000\n", name="no-name.csv")
    assert job.status == ImportJob.Status.PREVIEW and job.columns == ["phone"]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "No column holds the customers' names" in page
    assert reverse("crm:customer-import-confirm", args=[job.pk]) not in page
    client.post(reverse("crm:customer-import-confirm", args=[job.pk]), {"on_duplicate": "skip"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and not Customer.objects.exists()
