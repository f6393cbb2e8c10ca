"""Custom fields of follow-ups and deals (issue 23): in their forms (validated by kind, required
honoured, see/edit permission), on their pages, kept on an unchanged save, changes in the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services as crm_services
from crm.models import FollowUp
from customfields import services as field_services
from customfields.models import FieldDefinition, ValueChange
from deals import defaults
from deals.models import Deal, LostReason, Stage
from tests.customfields.helpers import INDUSTRY_CHOICES, Kind, define
from tests.deals.deals_helpers import make_deal, stage
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
Access = FieldDefinition.Access
FOLLOWUP, DEAL = "followup", "deal"


@pytest.fixture(autouse=True)
def default_stages(db):
    defaults.install(Stage, LostReason)


def _when():
    return timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _new_followup(**custom):
    return {"subject": "电话", "content": "聊了预算", "occurred_at": _when(), "next_contact_on": "", **custom}


def _new_deal(**custom):
    return {"title": "年度采购", "amount": "12000", "stage": stage().pk, "probability": "", "expected_close_on": "",
            "source": "self", "notes": "", **custom}


def _filled(client, url):
    """The form as the browser would send it back untouched."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_a_followup_keeps_its_custom_values_and_shows_them(cast, client_for):
    define("channel", Kind.CHOICE, target=FOLLOWUP, choices=INDUSTRY_CHOICES, label_en="Channel")
    define("minutes", Kind.NUMBER, target=FOLLOWUP, required=True, label_en="Minutes")
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    url = reverse("crm:followup-create", args=[customer.pk])
    response = client.post(url, _new_followup(cf_channel="retail", cf_minutes="25"))
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert followup.custom == {"channel": "retail", "minutes": "25"}
    page = client.get(followup.get_absolute_url()).content.decode()
    assert "Channel" in page and "Retail" in page and "Minutes" in page


@pytest.mark.parametrize("data,field", [({"cf_minutes": "abc"}, "cf_minutes"), ({}, "cf_minutes"),
                                        ({"cf_minutes": "3", "cf_channel": "nope"}, "cf_channel")])
def test_a_followup_with_a_bad_or_missing_value_saves_nothing(cast, client_for, data, field):
    define("channel", Kind.CHOICE, target=FOLLOWUP, choices=INDUSTRY_CHOICES)
    define("minutes", Kind.NUMBER, target=FOLLOWUP, required=True)
    customer = CustomerFactory(owner=cast.sales1)
    response = client_for(cast.sales1).post(reverse("crm:followup-create", args=[customer.pk]), _new_followup(**data))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not FollowUp.objects.exists()


def test_correcting_a_followup_records_the_change_and_an_unchanged_save_changes_nothing(cast, client_for):
    define("minutes", Kind.NUMBER, target=FOLLOWUP, label_en="Minutes")
    define("secret", target=FOLLOWUP, see=Access.ADMINS, edit=Access.ADMINS, label_en="Secret note")
    define("old", target=FOLLOWUP, hidden=True)
    customer = CustomerFactory(owner=cast.sales1)
    followup = crm_services.followup_create(customer=customer, subject="s", content="c", by=cast.sales1,
                                            occurred_at=timezone.now() - timedelta(hours=1))
    FollowUp.objects.filter(pk=followup.pk).update(custom={"minutes": "10", "secret": "x", "old": "o"})
    client = client_for(cast.sales1)
    url = reverse("crm:followup-edit", args=[followup.pk])
    unchanged = _filled(client, url)
    assert "cf_secret" not in unchanged
    assert client.post(url, unchanged).status_code == 302
    followup.refresh_from_db()
    assert followup.custom == {"minutes": "10", "secret": "x", "old": "o"}
    assert not ValueChange.objects.exists() and not followup.revisions.exists()

    assert client.post(url, {**unchanged, "cf_minutes": "12", "cf_secret": "forged"}).status_code == 302
    followup.refresh_from_db()
    assert followup.custom == {"minutes": "12", "secret": "x", "old": "o"}
    change = ValueChange.objects.get()
    assert (change.target, change.record_id, change.key, change.old_value, change.new_value) == (
        FOLLOWUP, followup.pk, "minutes", "10", "12")
    page = client.get(followup.get_absolute_url()).content.decode()
    assert "custom-history" in page and "Minutes" in page and "Secret note" not in page and "forged" not in page


def test_a_deal_keeps_its_custom_values_with_their_history(cast, client_for):
    define("budget", Kind.MONEY, target=DEAL, required=True, label_en="Budget")
    define("margin", Kind.NUMBER, target=DEAL, see=Access.MANAGEMENT, edit=Access.MANAGEMENT, label_en="Margin")
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    create = reverse("deals:deal-create", args=[customer.pk])
    response = client.post(create, _new_deal())
    assert response.status_code == 200 and "cf_budget" in response.context["form"].errors
    assert not Deal.objects.exists()
    assert client.post(create, _new_deal(cf_budget="5000", cf_margin="9")).status_code == 302
    deal = Deal.objects.get()
    assert deal.custom == {"budget": "5000.00"}  # a salesperson may not set the supervisors' field
    Deal.objects.filter(pk=deal.pk).update(custom={"budget": "5000.00", "margin": "30"})

    edit = reverse("deals:deal-edit", args=[deal.pk])
    assert client.post(edit, _filled(client, edit)).status_code == 302
    deal.refresh_from_db()
    assert deal.custom == {"budget": "5000.00", "margin": "30"} and not ValueChange.objects.exists()

    assert client.post(edit, {**_filled(client, edit), "cf_budget": "6000"}).status_code == 302
    deal.refresh_from_db()
    assert deal.custom == {"budget": "6000.00", "margin": "30"}
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "¥6,000.00" in page and "¥5,000.00" in page and "Margin" not in page
    manager_page = client_for(cast.sup1).get(deal.get_absolute_url()).content.decode()
    assert "Margin" in manager_page


def test_deleting_a_deal_field_keeps_its_values_in_the_history(cast):
    definition = define("budget", Kind.MONEY, target=DEAL)
    deal = make_deal(cast.sales1, custom_values={"budget": "100"})
    assert deal.custom == {"budget": "100.00"}
    field_services.delete_definition(definition, by=cast.admin)
    deal.refresh_from_db()
    assert deal.custom == {}
    assert ValueChange.objects.get(record_id=deal.pk).old_value == "100.00"
