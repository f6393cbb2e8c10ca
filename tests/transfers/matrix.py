"""Authorization-matrix rows for the customer import and export (SPEC §1.C, §1.D).

Jobs belong to their creator alone: sales1's jobs are a 404 for everyone else, supervisor and
admin included. The backup operator gets 404 everywhere; anonymous visitors go to log in.
"""

import io

from django.core import signing

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, everyone, staff
from transfers import exports
from transfers import services as import_services
from transfers.exports import export_source
from transfers.jobs import new_private_file
from transfers.models import ColumnMapping, ExportJob
from transfers.views import record_imports

CSV = "客户名称,电话\n矩阵导入,13822220000\n".encode()
BAD_CSV = "客户名称,电话\n矩阵导入,12\n".encode()


def _import_job(user, content):
    job = import_services.import_job_create(upload=SimpleUploadedFile("m.csv", content), owner=user, to_pool=False, by=user)
    return import_services.import_analyse(job=job)


def build(world):
    sales1 = world.cast.sales1
    world.import_preview = _import_job(sales1, CSV)
    world.import_failed = _import_job(sales1, BAD_CSV)
    import_services.import_confirm(job=world.import_failed, on_duplicate="skip", all_or_nothing=True, by=sales1)
    import_services.import_run(job=world.import_failed)
    world.column_mapping = ColumnMapping.objects.create(owner=sales1, name="矩阵列", columns={"客户名称": "name"})
    job = exports.export_job_create(params=QueryDict("").urlencode(), fmt=ExportJob.Format.XLSX, by=sales1)
    resource, queryset = export_source(job.kind, sales1, "")
    world.export_job = exports.export_job_run(job=job, resource=resource, queryset=queryset)
    relative, path = new_private_file("imports", ".csv")
    path.write_bytes("客户编号,联系人姓名\nC1,矩阵联系人\n".encode())
    world.contact_ticket = signing.dumps({"path": relative, "name": "m.csv", "by": sales1.pk}, salt=record_imports.SALT)
    world.deal_ticket = signing.dumps({"path": relative, "name": "m.csv", "by": sales1.pk, "kind": "deals"},
                                      salt=record_imports.SALT)
    world.target_ticket = signing.dumps({"path": relative, "name": "m.csv", "by": world.cast.sup1.pk, "kind": "targets"},
                                        salt=record_imports.SALT)
    world.payment_ticket = signing.dumps({"path": relative, "name": "m.csv", "by": sales1.pk, "kind": "payments"},
                                         salt=record_imports.SALT)


def creator_only(ok):
    """sales1's job: theirs alone."""
    return {"anonymous": LOGIN, "salesperson": ok, "supervisor": NOT_FOUND, "admin": NOT_FOUND, "backup": NOT_FOUND}


def preview_job(world, relation):
    return {"pk": world.import_preview.pk}


def failed_job(world, relation):
    return {"pk": world.import_failed.pk}


def column_mapping(world, relation):
    return {"pk": world.column_mapping.pk}


def export_job(world, relation):
    return {"pk": world.export_job.pk}


def upload(world, relation):
    return {"file": SimpleUploadedFile("matrix.csv", io.BytesIO(CSV).read())}


ROWS = [
    Row("transfers:customer-import", "GET", staff(OK)),
    Row("transfers:customer-import", "POST", staff(REDIRECT), data=upload),
    Row("transfers:customer-import-template", "GET", staff(OK)),
    Row("transfers:customer-import-template", "POST", everyone(NOT_ALLOWED)),
    Row("transfers:customer-import-preview", "GET", creator_only(OK), kwargs=preview_job),
    Row("transfers:customer-import-preview", "POST", everyone(NOT_ALLOWED), kwargs=preview_job),
    Row("transfers:customer-import-confirm", "POST", creator_only(REDIRECT), kwargs=preview_job,
        data={"on_duplicate": "skip", "all_or_nothing": "on"}),
    Row("transfers:customer-import-confirm", "GET", everyone(NOT_ALLOWED), kwargs=preview_job),
    Row("transfers:customer-import-columns", "POST", creator_only(REDIRECT), kwargs=preview_job,
        data={"col0": "name", "col1": "phone", "save_as": "矩阵"}),
    Row("transfers:customer-import-columns", "GET", everyone(NOT_ALLOWED), kwargs=preview_job),
    Row("transfers:column-mapping-delete", "POST", creator_only(REDIRECT), kwargs=column_mapping),
    Row("transfers:column-mapping-delete", "GET", everyone(NOT_ALLOWED), kwargs=column_mapping),
    Row("transfers:customer-import-status", "GET", creator_only(OK), kwargs=preview_job),
    Row("transfers:customer-import-status", "POST", everyone(NOT_ALLOWED), kwargs=preview_job),
    Row("transfers:customer-import-errors", "GET", creator_only(OK), kwargs=failed_job),
    Row("transfers:customer-import-errors", "POST", everyone(NOT_ALLOWED), kwargs=failed_job),
    Row("transfers:customer-export", "GET", staff(OK)),
    # GET shows the export page and writes nothing; the POST (CSRF) exports: a small list at once.
    Row("transfers:customer-export", "POST", staff(OK), data={"params": "q=李", "format": "csv"}),
    Row("transfers:export-status", "GET", creator_only(OK), kwargs=export_job),
    Row("transfers:export-status", "POST", everyone(NOT_ALLOWED), kwargs=export_job),
    Row("transfers:export-download", "GET", creator_only(OK), kwargs=export_job),
    Row("transfers:export-download", "POST", everyone(NOT_ALLOWED), kwargs=export_job),
]
ROWS += [
    Row("transfers:followup-export", "GET", staff(OK)),
    Row("transfers:followup-export", "POST", staff(OK), data={"params": "window=week", "format": "xlsx"}),
    Row("transfers:plan-export", "GET", staff(OK)),
    Row("transfers:plan-export", "POST", staff(OK), data={"params": "when=any", "format": "csv"}),
]



def record_kind(kind):
    return lambda world, relation: {"kind": kind}


for _kind, _params in [("contacts", "q=李"), ("deals", "state=open"), ("payments", "")]:
    ROWS += [
        Row("transfers:record-export", "GET", staff(OK), kwargs=record_kind(_kind)),
        Row("transfers:record-export", "POST", staff(OK), kwargs=record_kind(_kind),
            data={"params": _params, "format": "xlsx"}),
    ]


def contact_ticket(world, relation):
    return {"token": world.contact_ticket, "action": "check", "col0": "customer_number", "col1": "name"}


ROWS += [
    Row("transfers:contact-import", "GET", staff(OK)),
    Row("transfers:contact-import", "POST", staff(OK), data=upload),  # the preview page: nothing written
    # The preview's ticket is its uploader's alone: anyone else's POST is the 404 of a forged one.
    Row("transfers:contact-import-confirm", "POST", creator_only(OK), data=contact_ticket),
    Row("transfers:contact-import-confirm", "GET", everyone(NOT_ALLOWED)),
]


def ticket_of(kind):
    return lambda world, relation: {"token": getattr(world, f"{kind}_ticket"), "action": "check", "col0": "", "col1": ""}


for _name in ("deal", "payment"):
    ROWS += [
        Row(f"transfers:{_name}-import", "GET", staff(OK)),
        Row(f"transfers:{_name}-import", "POST", staff(OK), data=upload),
        Row(f"transfers:{_name}-import-confirm", "POST", creator_only(OK), data=ticket_of(_name)),
        Row(f"transfers:{_name}-import-confirm", "GET", everyone(NOT_ALLOWED)),
    ]

ROWS += [
    Row("transfers:record-export", "GET", {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": OK,
                                           "backup": NOT_FOUND}, kwargs=record_kind("targets")),
    Row("transfers:record-export", "POST", {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": OK,
                                            "backup": NOT_FOUND}, kwargs=record_kind("targets"),
        data={"params": "", "format": "csv"}),
]

# The targets import (issue 22): supervisors and admins (deals.policies.may_set_targets); the
# ticket is sup1's, so anyone else's POST is the 404 of a forged one.
MANAGEMENT_ONLY = {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": OK, "backup": NOT_FOUND}
ROWS += [
    Row("transfers:target-import", "GET", MANAGEMENT_ONLY),
    Row("transfers:target-import", "POST", MANAGEMENT_ONLY, data=upload),  # the preview: nothing written
    Row("transfers:target-import-confirm", "POST",
        {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": NOT_FOUND, "backup": NOT_FOUND},
        data=ticket_of("target")),
    Row("transfers:target-import-confirm", "GET", everyone(NOT_ALLOWED)),
]
