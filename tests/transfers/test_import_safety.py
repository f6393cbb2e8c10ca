"""Limits and hostile files (SPEC §1.C): size, rows, XLSX bombs, DTDs, garbage — a message, never a 500."""

import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from crm.models import Customer
from tests.transfers.importexport_helpers import (  # noqa: F401
    body,
    confirm,
    csv_bytes,
    private_files,
    read_xlsx,
    upload,
    xlsx_bytes,
    xlsx_shared_bytes,
)
from transfers import classify, reader
from transfers import columns as spreadsheet
from transfers.models import ImportJob, ImportRow

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
    monkeypatch.setattr(classify, "RowCleaner", None)  # reading a row would crash: it must not get there
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
    monkeypatch.setattr(reader, "_iter_elements", None)  # parsing would crash: it must not get there
    content = xlsx_bytes([["Name"], ["甲"]])
    # 40 MB of one repeated row compresses to ~40 KB: a small bomb, refused by its declared size ratio.
    bomb_sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  + b"<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>" * 800_000 + b"</sheetData></worksheet>")
    bomb = _replace_part(content, "xl/worksheets/sheet1.xml", bomb_sheet)
    assert len(bomb) < 500_000
    assert "zip bomb" in _failed(client_for(cast.sales1), bomb)


def test_it_refuses_a_workbook_that_unpacks_beyond_the_limit(cast, client_for, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 50_000  # unpacked at most 20 x: 1 MB
    monkeypatch.setattr(reader, "_iter_elements", None)
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
    assert reverse("transfers:customer-import-confirm", args=[job.pk]) not in page
    client.post(reverse("transfers:customer-import-confirm", args=[job.pk]), {"on_duplicate": "skip"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and not Customer.objects.exists()


def test_a_huge_cell_repeated_in_every_row_costs_the_preview_a_few_characters_a_row(cast, client_for):
    """One 100 KB shared string in the type, grade and notes of every row (issue 19 item 2): the
    preview and the error workbook hold a bounded part of each cell, never the cell itself."""
    huge = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(100_000))  # 100,000 CJK characters
    rows = [["客户名称", "客户类型", "客户等级", "备注", "其他"]] + [[f"客户{i}", huge, huge, huge, huge] for i in range(300)]
    content = xlsx_shared_bytes(rows)
    assert len(content) < 300_000  # the string is stored once
    client = client_for(cast.sales1)
    _response, job = upload(client, content)
    assert job.status == ImportJob.Status.PREVIEW and job.counts["invalid"] == 300, job.message
    page = client.get(job.get_absolute_url(), {"label": "invalid", "per_page": 100})
    text = page.content.decode()
    assert len(text) < 400_000  # 100 rows of 3 huge cells would be 90 MB
    assert "At most 20 characters" in text and "At most 10 characters" in text and "At most 20000 characters" in text
    assert huge[:spreadsheet.PREVIEW_CHARS + 1] not in text and huge[:spreadsheet.PREVIEW_CHARS] in text
    stored = ImportRow.objects.filter(job=job)
    assert stored.count() == 300
    assert max(len(row.reason) + len(json.dumps(row.cells, ensure_ascii=False)) for row in stored) < 1_000

    confirm(client, job, all_or_nothing=False)
    assert job.status == ImportJob.Status.DONE and job.rejected_count == 300
    assert not ImportRow.objects.filter(job=job).exists()  # the preview has served
    workbook = read_xlsx(body(client.get(reverse("transfers:customer-import-errors", args=[job.pk]))))
    assert len(workbook) == 301
    assert [len(cell or "") for cell in workbook[1][:5]] == [3, 20, 10, 20_000, spreadsheet.IGNORED_CELL_CHARS]


def test_an_error_message_quotes_at_most_fifty_characters_of_a_cell(cast, client_for):
    long_date = "明年" + "春天" * 24  # 50 characters: not a date, within the column's length
    client = client_for(cast.sales1)
    _response, job = upload(client, csv_bytes([["客户名称", "下次联系日期", "性别"], ["甲", long_date, "男" * 9]]), name="a.csv")
    reason = ImportRow.objects.get(job=job).reason
    assert f"“{long_date}” is not a date" in reason and "“男男男男男男男男男” is not one of" in reason
    assert spreadsheet.quoted("x" * 500) == "x" * 50 + "…"


def test_a_nul_byte_in_a_cell_is_refused_with_a_reason(cast, client_for):
    client = client_for(cast.sales1)
    _response, job = upload(client, csv_bytes([["客户名称", "公司名称"], ["甲\x00乙", "公司\x00"], ["丙", "好公司"]]), name="nul.csv")
    assert job.counts["invalid"] == 1 and job.counts["new"] == 1
    assert "Null characters are not allowed." in ImportRow.objects.get(job=job, number=2).reason
    confirm(client, job, all_or_nothing=False)
    assert list(Customer.objects.values_list("name", flat=True)) == ["丙"]


def test_a_file_of_exactly_the_row_limit_is_accepted(cast, client_for, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = xlsx_shared_bytes([["客户名称"]] + [[f"客户{i}"] for i in range(3)])  # no dimension: counted while read
    _response, job = upload(client_for(cast.sales1), content)
    assert job.status == ImportJob.Status.PREVIEW and job.counts["new"] == 3, job.message
