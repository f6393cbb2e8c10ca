"""Complaint notifications with a controllable clock: the owner on a new complaint, the
supervisor when the response deadline is near and when it passed, the admin when the resolution
deadline passed; a job run twice tells once."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from complaints import services
from notifications import kinds
from notifications.complaints import escalate
from notifications.models import Notification
from tests.complaints.helpers import at, log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


def test_the_owner_is_told_of_a_complaint_a_colleague_logged(cast):
    customer = CustomerFactory(owner=cast.sales1, name="华强电子")
    log(customer=customer, by=cast.sup1, now=at("2026-12-01 09:00"))
    [told] = _told(cast.sales1, "complaint_new")
    assert kinds.text(told).title == "华强电子 complained: respond by 2026-12-02 09:00"
    log(customer=customer, by=cast.sales1)  # their own entry: no message to themselves
    assert len(_told(cast.sales1, "complaint_new")) == 1


def test_escalation_tells_the_supervisor_then_the_admin_once_each(cast, settings):
    settings.NOTIFY_COMPLAINT_WARN_HOURS = 4
    start = at("2026-12-01 09:00")
    complaint = log(cast.sales1, now=start)  # respond by 12-02 09:00, resolve by 12-04 09:00
    assert escalate(now=start + timedelta(hours=19)) == {"response_near": 0, "response_passed": 0, "resolution_passed": 0}
    escalate(now=start + timedelta(hours=21))
    escalate(now=start + timedelta(hours=21))  # run twice: told once
    [near] = _told(cast.sup1, "complaint_late")
    assert "Due soon" in kinds.text(near).title and not _told(cast.sup2, "complaint_late")
    escalate(now=start + timedelta(hours=25))
    assert ["Due soon" in kinds.text(n).title for n in _told(cast.sup1, "complaint_late")] == [True, False]
    services.complaint_move(complaint=complaint, to_state="responded", by=cast.sales1, now=start + timedelta(hours=26))
    assert not _told(cast.admin, "complaint_overdue")
    told = escalate(now=start + timedelta(hours=73))
    assert told == {"response_near": 0, "response_passed": 0, "resolution_passed": 1}
    assert escalate(now=start + timedelta(hours=74))["resolution_passed"] == 0
    [overdue] = _told(cast.admin, "complaint_overdue")
    assert overdue.url == complaint.get_absolute_url()


def test_the_command_runs_the_escalation(cast, capsys):
    log(cast.sales1, now=at("2020-01-01 09:00"))
    call_command("notify_complaints")
    out = capsys.readouterr().out
    assert "response_passed 1" in out and "resolution_passed 1" in out
