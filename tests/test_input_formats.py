"""Dates, times and numbers inside <input> use the HTML standard's machine format in every
language (a browser's date input shows "2027/01/03" as empty, and saving the form erases it)."""

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from crm.models import Customer
from tests.factories import CustomerFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]
MOMENT = timezone.make_aware(datetime(2027, 1, 3, 9, 5))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders_machine_format_in_typed_inputs(language):
    with translation.override(language):
        assert forms.DateInput(attrs={"type": "date"}).format_value(date(2027, 1, 3)) == "2027-01-03"
        assert forms.DateTimeInput(attrs={"type": "datetime-local"}).format_value(MOMENT) == "2027-01-03T09:05"
        assert forms.TimeInput(attrs={"type": "time"}).format_value(time(9, 5)) == "09:05"
        for localize in (False, True):
            assert forms.IntegerField(localize=localize).widget.format_value(1234567) == "1234567"
            assert forms.DecimalField(localize=localize).widget.format_value(Decimal("12345.5")) == "12345.5"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_accepts_the_machine_format(language):
    with translation.override(language):
        assert forms.DateField().clean("2027-01-03") == date(2027, 1, 3)
        assert forms.DateTimeField().clean("2027-01-03T09:05") == MOMENT
        assert forms.TimeField().clean("09:05") == time(9, 5)
        assert forms.DecimalField().clean("12345.5") == Decimal("12345.5")


def _input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


@pytest.mark.django_db
def test_a_customer_edited_in_chinese_keeps_its_next_contact_date(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1, phone="13900001234", next_contact_on=date(2027, 1, 3))
    client = client_for(cast.sales1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse("crm:customer-edit", args=[customer.pk])
    page = client.get(url).content.decode()
    assert _input_value(page, "next_contact_on") == "2027-01-03"
    # What a browser sends back when nothing is touched (a date input holds only the machine format).
    data = {name: _input_value(page, name) for name in ("name", "company", "phone", "version", "next_contact_on")}
    data.update(type=customer.type, grade=customer.grade, source=customer.source, gender=customer.gender)
    assert client.post(url, data).status_code == 302
    assert Customer.objects.get(pk=customer.pk).next_contact_on == date(2027, 1, 3)


@pytest.mark.django_db
def test_the_followup_form_prefills_next_contact_and_time_in_chinese(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("crm:followup-create", args=[customer.pk])).content.decode()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", _input_value(page, "next_contact_on"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", _input_value(page, "occurred_at"))


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_extreme_dates_are_saved_or_refused_in_place_never_an_error_page(cast, client_for, day, language):
    from crm import services

    customer = CustomerFactory(owner=cast.sales1)
    topic = services.followup_create(customer=customer, subject="s", content="c", occurred_at=timezone.now(), by=cast.sales1)
    client = client_for(cast.sales1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    posts = [
        (reverse("crm:followup-create", args=[customer.pk]),
         {"subject": "s", "content": "c", "occurred_at": f"{day}T00:00", "next_contact_on": day}),
        (reverse("crm:followup-continue", args=[topic.pk]), {"notes": "n", "occurred_at": f"{day}T00:00", "next_contact_on": day}),
        (reverse("crm:followup-continue", args=[topic.pk]),
         {"notes": "n", "occurred_at": _minute_now(), "next_contact_on": day}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 302), (url, data)
        if response.status_code == 200:
            assert response.context["form"].errors
    page = client.get(reverse("crm:customer-edit", args=[customer.pk])).content.decode()
    assert re.fullmatch(r"|\d{4}-\d\d-\d\d", _input_value(page, "next_contact_on"))


def _minute_now():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")
