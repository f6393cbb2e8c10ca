"""The leak test: a customer of sales2 and everything about it (follow-ups, a correction, a
custody note, a work plan, a signed suggestion, a saved search, import and export jobs and the
export file, a contact, a complaint and the file on it, its name and bytes) carry one marker string. Every GET URL of the project, with every id of those
objects in every id slot (and list pages with search and filter parameters), is requested as
every person who must not see them; the marker never appears in a page, a download (CSV or
the text inside an .xlsx) or an error page."""

import io
import itertools
import zipfile
from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bulletin.models import Suggestion
from contacts.models import Contact
from crm.models import Custody, CustomerChange, FollowUp, SavedSearch
from tests.attachments.helpers import stored
from tests.complaints.helpers import log
from tests.factories import CustomerFactory
from tests.security.resolver import url_patterns
from transfers.models import ExportJob, ImportJob
from workplans.models import Plan

pytestmark = pytest.mark.django_db
MARK = "Zq7LEAKxW"  # unique: never produced by a template or a translation
SEARCH = MARK[:6]  # searched for on list pages: an echo in the search box is not a leak, a result is


def seed(cast, private_root):
    owner = cast.sales2
    now = timezone.now()
    customer = CustomerFactory(
        name=f"客户{MARK}", company=f"公司{MARK}", notes=f"notes {MARK}", address=f"地址{MARK}", owner=owner,
        industry=f"ind{MARK}", job_title=f"job{MARK}", next_contact_on=timezone.localdate(), last_contact_at=now,
    )
    followup = FollowUp.objects.create(customer=customer, author=owner, subject=f"subject {MARK}",
                                       content=f"said {MARK}", occurred_at=now - timedelta(hours=1))
    CustomerChange.objects.create(customer=customer, field="notes", old_value=f"old {MARK}", new_value=f"new {MARK}",
                                  by=owner, created_at=now)
    Custody.objects.create(customer=customer, to_owner=owner, actor=owner, reason=Custody.Reason.CREATED,
                           note=f"note {MARK}", created_at=now)
    plan = Plan.objects.create(author=owner, subject=f"plan {MARK}", content=f"visit {MARK}", remarks=MARK,
                               start_at=now, end_at=now + timedelta(hours=2))
    plan.customers.add(customer)
    suggestion = Suggestion.objects.create(author=owner, title=f"idea {MARK}", content=f"please {MARK}")
    search = SavedSearch.objects.create(owner=owner, name=f"s{MARK}"[:50], query=MARK)
    export_file = private_root / "exports" / "leak.csv"
    export_file.parent.mkdir(parents=True, exist_ok=True)
    export_file.write_text(f"name\n客户{MARK}\n", encoding="utf-8")
    export = ExportJob.objects.create(created_by=owner, status=ExportJob.Status.DONE, format=ExportJob.Format.CSV,
                                      params=f"q={MARK}", result_path="exports/leak.csv", filename="leak.csv",
                                      message=MARK)
    upload = private_root / "imports" / "leak.csv"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text(f"姓名,电话\n客户{MARK},13800000000\n", encoding="utf-8")
    errors = private_root / "import-errors" / "leak.xlsx"
    errors.parent.mkdir(parents=True, exist_ok=True)
    errors.write_bytes(upload.read_bytes())
    imported = ImportJob.objects.create(created_by=owner, owner=owner, original_name=f"{MARK}.csv",
                                        upload_path="imports/leak.csv", errors_path="import-errors/leak.xlsx",
                                        status=ImportJob.Status.FAILED, message=f"failed {MARK}")
    contact = Contact.objects.create(customer=customer, name=f"联{MARK}", title=f"t{MARK}", wechat=f"wx{MARK}",
                                     notes=f"notes {MARK}", mobile="13944445555", created_by=owner)
    complaint = log(customer=customer, description=f"complained {MARK}")
    complaint_file = stored("complaint", complaint, content=f"%PDF-1.4 {MARK}".encode(), name=f"{MARK}.pdf",
                            content_type="application/pdf")
    objects = [customer, followup, plan, suggestion, search, export, imported, contact, complaint, complaint_file]
    # Every object's id, repeats kept: the number of requests does not depend on the sequences.
    return customer, [obj.pk for obj in objects], [owner.pk, cast.sales1.pk]


def body_text(response) -> str:
    """What a person would receive: the page, or the downloaded file (the strings inside an .xlsx)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":  # an .xlsx is a zip of XML parts
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return raw.decode("utf-8", "replace")


def requests_to_make(object_ids, user_ids):
    """Every GET URL with every marked id in every id slot; list pages also searched and filtered."""
    filters = f"?q={SEARCH}&owner={user_ids[0]}&author={user_ids[0]}&person=李四&window=&label=&format=csv&page=1"
    for name, kwargs in url_patterns():
        if not kwargs:
            yield reverse(name)
            yield reverse(name) + filters
            continue
        pools = [user_ids if kwarg == "user_pk" else object_ids for kwarg in kwargs]
        for values in itertools.product(*pools):
            try:
                yield reverse(name, kwargs=dict(zip(kwargs, values)))
            except NoReverseMatch:
                continue


def test_the_marker_never_reaches_anyone_who_must_not_see_it(cast, client_for, settings, tmp_path, capsys):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    customer, object_ids, user_ids = seed(cast, settings.PRIVATE_FILES_ROOT)
    # Sanity: the people who may see it do, so a marker that never renders cannot pass the test.
    assert MARK in body_text(client_for(cast.sup2).get(customer.get_absolute_url()))
    assert MARK in body_text(client_for(cast.sup2).get(reverse("attachments:attachment-download", args=[object_ids[-1]])))
    assert MARK in body_text(client_for(cast.admin).post(reverse("transfers:customer-export"), {"params": "", "format": "csv"}))

    outsiders = {"anonymous": None, "sales1": cast.sales1, "sales1b": cast.sales1b, "sales2b": cast.sales2b,
                 "sup1": cast.sup1, "backup": cast.backup}
    urls = list(requests_to_make(object_ids, user_ids))
    leaks, requests = [], 0
    for who, person in outsiders.items():
        client = client_for(person)
        client.raise_request_exception = False  # an error page is checked like any other page
        for url in urls:
            response = client.get(url)
            requests += 1
            if response.status_code >= 500 or MARK in body_text(response):
                leaks.append(f"{who} GET {url}: {response.status_code}")
    with capsys.disabled():
        print(f"\nleak test: {requests} requests ({len(urls)} URLs x {len(outsiders)} people), {len(leaks)} leaks")
    assert not leaks, "\n".join(leaks)
