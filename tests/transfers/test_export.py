"""Customer export (SPEC §1.D): exactly what the person may see, neutralised, audited; round trip."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from crm.models import Customer
from tests.factories import CustomerFactory
from tests.transfers.importexport_helpers import body, confirm, export, private_files, read_xlsx, upload  # noqa: F401
from transfers.models import ExportJob

pytestmark = pytest.mark.django_db
EXPORT = reverse("transfers:customer-export")


def _names(response) -> set:
    rows = read_xlsx(body(response))
    return {row[1] for row in rows[1:]}


@pytest.mark.parametrize("who, expected", [
    ("sales1", {"own"}),
    ("sup1", {"own", "same_group"}),
    ("admin", {"own", "same_group", "other_group"}),
    ("sales2", {"other_group"}),
])
def test_each_role_exports_only_the_customers_they_may_see(cast, client_for, customers, who, expected):
    response = export(client_for(getattr(cast, who)), EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert _names(response) == {getattr(customers, relation).name for relation in expected}


def test_backup_operator_cannot_export(cast, client_for, customers):
    assert export(client_for(cast.backup), EXPORT).status_code == 404


def test_export_follows_the_list_search_and_filters(cast, client_for, customers):
    client = client_for(cast.admin)
    assert _names(export(client, EXPORT, {"q": "李"})) == {customers.own.name, customers.other_group.name}
    assert _names(export(client, EXPORT, {"q": "李", "owner": cast.sales2.pk})) == {customers.other_group.name}


def test_the_export_headers_follow_the_language(cast, client_for, customers):
    client = client_for(cast.sales1)
    assert read_xlsx(body(export(client, EXPORT)))[0][:3] == ["Customer number", "Name", "Company"]
    rows = read_xlsx(body(export(client, EXPORT, HTTP_ACCEPT_LANGUAGE="zh-hans")))
    assert rows[0][:3] == ["客户编号", "名称", "公司"]
    assert rows[1][6] == "意向客户"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "'=", "''+"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_neutralises_cells_that_a_spreadsheet_would_run(cast, client_for, start, fmt):
    dangerous = f"{start}HYPERLINK(\"http://evil.example\",\"x\")"
    CustomerFactory(name="公式", company=dangerous, notes=dangerous, owner=cast.sales1)
    content = body(export(client_for(cast.sales1), EXPORT, {"format": fmt}))
    if fmt == "xlsx":
        row = read_xlsx(content)[1]
        assert row[2] == "'" + dangerous and row[11] == "'" + dangerous
    else:
        text = content.decode("utf-8-sig")
        assert ("'" + dangerous.replace('"', '""')) in text
        assert f",{dangerous}" not in text and f',"{dangerous.replace(chr(34), chr(34) * 2)}"' not in text


def test_a_csv_export_opens_in_excel_with_chinese_intact(cast, client_for, customers):
    content = body(export(client_for(cast.sales1), EXPORT, {"format": "csv"}))
    assert content.startswith(b"\xef\xbb\xbf")
    assert customers.own.name in content.decode("utf-8-sig")


def test_every_export_is_recorded_in_the_audit_trail(cast, client_for, customers):
    export(client_for(cast.sup1), EXPORT)
    event = AuditEvent.objects.get(action="customers.export")
    assert (event.actor, event.count) == (cast.sup1, 2)


def test_opening_an_export_link_exports_nothing(cast, client_for, customers):
    """Issue 19.8: a GET (a link, a bookmark, an <img> on another site) used to write the file
    and an audit row saying this person exported the list."""
    page = client_for(cast.sup1).get(EXPORT, {"q": "李", "format": "csv"})
    assert page.status_code == 200 and "text/html" in page["Content-Type"]
    text = page.content.decode()
    assert 'method="post"' in text and 'name="params" value="q=%E6%9D%8E"' in text
    assert "This list has 1 row." in text
    assert not AuditEvent.objects.exists() and not ExportJob.objects.exists()


def test_an_export_is_a_post_that_needs_the_csrf_token(cast, customers):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.sup1)
    assert client.post(EXPORT, {"params": "", "format": "csv"}).status_code == 403  # another site's form
    assert not AuditEvent.objects.exists()
    page = client.get(EXPORT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(EXPORT, {"params": "", "format": "csv", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.get(action="customers.export").actor == cast.sup1


def test_a_large_export_is_prepared_in_the_background(cast, client_for, customers, settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 1
    client = client_for(cast.sup1)
    page = client.get(EXPORT, {"format": "csv"})
    assert page.status_code == 200 and "This list has 2 rows" in page.content.decode()
    assert not ExportJob.objects.exists()  # nothing starts until asked
    response = client.post(EXPORT, {"params": "q=", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ExportJob.Status.DONE and job.total_rows == 2
    status = client.get(job.get_absolute_url()).content.decode()
    assert reverse("transfers:export-download", args=[job.pk]) in status
    download = client.get(reverse("transfers:export-download", args=[job.pk]))
    assert _names(download) == {customers.own.name, customers.same_group.name}
    for other in (cast.sales1, cast.admin, cast.sup2):
        assert client_for(other).get(reverse("transfers:export-download", args=[job.pk])).status_code == 404
        assert client_for(other).get(job.get_absolute_url()).status_code == 404


def test_the_background_export_keeps_the_list_filters(cast, client_for, customers, settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    client = client_for(cast.admin)
    client.post(EXPORT, {"params": f"q=李&owner={cast.sales2.pk}&page=3", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert _names(client.get(reverse("transfers:export-download", args=[job.pk]))) == {customers.other_group.name}


FIELDS = ["name", "company", "job_title", "phone", "address", "type", "grade", "source", "industry", "gender",
          "notes", "last_contact_at", "next_contact_on"]


def test_exporting_and_importing_again_gives_identical_customers(cast, client_for):
    contacted = timezone.make_aware(datetime(2026, 3, 4, 9, 30, 15))
    CustomerFactory(name="李华", company="上海华信科技有限公司", job_title="总经理", phone="+86 138-0013-8000",
                    address="上海市浦东新区人民路12号", type="prospect", grade="vip", source="referral", industry="制造业",
                    gender="female", notes="=SUM(A1)\n第二行 -5% 折扣", last_contact_at=contacted,
                    next_contact_on=date(2026, 12, 1), owner=cast.sales1)
    CustomerFactory(name="王伟", company="", job_title="", phone="", address="", type="suspended", grade="normal",
                    source="self", industry="", gender="", notes="", next_contact_on=date(2027, 1, 2), owner=cast.sales1)
    client = client_for(cast.sales1)
    for fmt in ("xlsx", "csv"):
        before = list(Customer.objects.order_by("name").values(*FIELDS))
        exported = body(export(client, EXPORT, {"format": fmt}))
        Customer.objects.all().delete()
        _response, job = upload(client, exported, name=f"export.{fmt}")
        assert job.counts["new"] == 2, client.get(job.get_absolute_url(), {"label": "invalid"}).content.decode()
        confirm(client, job)
        assert list(Customer.objects.order_by("name").values(*FIELDS)) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_values_that_start_like_a_formula_or_an_apostrophe_come_back_exactly(cast, client_for, fmt):
    # Each value must read back as itself: an apostrophe the user typed is kept, the one the export
    # added before a (fullwidth) formula character is removed, and no other.
    values = ["'=1+1", "＝SUM(A1)", "''@x", "'plain", "－5 折", "＠张三", "=A1", "'"]
    for index, value in enumerate(values):
        CustomerFactory(name=f"客户{index}", company=value, job_title=value, notes=value, owner=cast.sales1)
    client = client_for(cast.sales1)
    before = list(Customer.objects.order_by("name").values("name", "company", "job_title", "notes"))
    exported = body(export(client, EXPORT, {"format": fmt}))
    Customer.objects.all().delete()
    _response, job = upload(client, exported, name=f"export.{fmt}")
    confirm(client, job)
    assert list(Customer.objects.order_by("name").values("name", "company", "job_title", "notes")) == before
