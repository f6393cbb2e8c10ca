"""Sources are the company's list: admins edit them on a settings page; customers and deals store
a source's key; a retired source stays on old records (and on an unchanged save) but is not
offered for new choices; a source in use is never deleted."""

import pytest
from django.urls import reverse
from django.utils import translation

from companylists import lists, services
from companylists.models import Entry
from crm.filters import PoolFilterSet
from crm.forms import CustomerForm
from crm.models import Customer
from deals.forms import DealForm
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "companylists:entries"


def _source(admin, key="fair", zh="展会", en="Trade fair"):
    return services.entry_save(Entry(list="source", key=key, label_zh_hans=zh, label_en=en), by=admin)


def _unchanged_post(client, url):
    """Open the edit form and save it as it came (what a person does pressing Save)."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, False) or name == "photo" or field.disabled:
            continue
        data[name] = "on" if value is True else value
    return client.post(url, data)


def test_the_seeded_sources_are_todays_keys_so_no_customer_changes(cast):
    assert [(e.key, e.label_en) for e in lists.entries("source")] == [
        ("self", "Self-contacted"), ("advertising", "Advertising media"), ("referral", "Referral by a friend")]
    assert list(Entry.objects.filter(list="source").values_list("key", flat=True)) == ["self", "advertising", "referral"]
    customer = CustomerFactory(owner=cast.sales1, source="referral")
    with translation.override("zh-hans"):
        assert customer.get_source_display() == "朋友介绍"
    assert customer.get_source_display() == "Referral by a friend"


def test_an_admin_adds_a_source_and_a_salesperson_picks_it(cast, client_for):
    response = client_for(cast.admin).post(reverse("companylists:entry-create", args=["source"]),
                                           {"key": "fair", "label_zh_hans": "展会", "label_en": "Trade fair"})
    assert response.status_code == 302
    assert "fair" in dict(CustomerForm(user=cast.sales1).fields["source"].choices)
    customer = CustomerFactory(owner=cast.sales1, source="fair")
    page = client_for(cast.sales1).get(customer.get_absolute_url()).content.decode()
    assert "Trade fair" in page


def test_retiring_a_source_keeps_it_on_old_records_and_out_of_new_choices(cast, client_for):
    entry = _source(cast.admin)
    old = CustomerFactory(owner=cast.sales1, source="fair")
    admin = client_for(cast.admin)
    assert admin.post(reverse("companylists:entry-active", args=["source", entry.pk]), {"active": "0"}).status_code == 302
    assert "fair" not in dict(CustomerForm(user=cast.sales1).fields["source"].choices)
    assert CustomerForm({"source": "fair"}, user=cast.sales1).has_error("source")
    assert dict(CustomerForm(instance=old, user=cast.sales1).fields["source"].choices)["fair"] == "Trade fair"
    assert "fair" not in dict(DealForm(user=cast.sales1).fields["source"].choices)
    assert "Trade fair (retired)" in dict(PoolFilterSet({}, Customer.objects.all(), user=cast.sales1)
                                          .form.fields["source"].choices).values()
    assert "Trade fair" in client_for(cast.sales1).get(old.get_absolute_url()).content.decode()
    # Saved unchanged, the customer keeps the retired source.
    response = _unchanged_post(client_for(cast.sales1), reverse("crm:customer-edit", args=[old.pk]))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.source == "fair"
    admin.post(reverse("companylists:entry-active", args=["source", entry.pk]), {"active": "1"})
    assert "fair" in dict(CustomerForm(user=cast.sales1).fields["source"].choices)


def test_a_source_in_use_is_not_deleted_and_the_page_says_how_many_use_it(cast, client_for):
    entry = _source(cast.admin)
    CustomerFactory(owner=cast.sales1, source="fair")
    CustomerFactory(owner=cast.sales2, source="fair")
    admin = client_for(cast.admin)
    page = admin.get(reverse("companylists:entry-edit", args=["source", entry.pk])).content.decode()
    assert "2 records have this entry." in page and "Delete this unused entry" not in page
    response = admin.post(reverse("companylists:entry-delete", args=["source", entry.pk]), follow=True)
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert "2 records have Trade fair: it cannot be deleted, retire it instead." in response.content.decode()
    unused = _source(cast.admin, key="web", zh="网站", en="Website")
    admin.post(reverse("companylists:entry-delete", args=["source", unused.pk]))
    assert not Entry.objects.filter(pk=unused.pk).exists()


def test_a_deal_storing_a_source_counts_as_a_use(cast, client_for):
    from deals import defaults
    from deals.models import LostReason, Stage
    from tests.deals.deals_helpers import make_deal

    defaults.install(Stage, LostReason)  # a transactional test may have emptied the tables
    entry = _source(cast.admin)
    deal = make_deal(cast.sales1, source="fair")
    assert deal.customer.source == "self" and deal.get_source_display() == "Trade fair"
    client_for(cast.admin).post(reverse("companylists:entry-delete", args=["source", entry.pk]))
    assert Entry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("change, field", [
    ({"key": "self"}, "key"),
    ({"key": "Not a key!"}, "key"),
    ({"key": "x" * 21}, "key"),
    ({"label_en": "x" * 100_000}, "label_en"),
    ({"label_zh_hans": "甲\x00乙"}, "label_zh_hans"),
    ({"label_zh_hans": ""}, "label_zh_hans"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(cast, client_for, change, field):
    before = list(Entry.objects.values_list("list", "key", "label_en", "label_zh_hans"))
    response = client_for(cast.admin).post(reverse("companylists:entry-create", args=["source"]),
                                           {"key": "fair", "label_zh_hans": "展会", "label_en": "Trade fair", **change})
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert list(Entry.objects.values_list("list", "key", "label_en", "label_zh_hans")) == before


def test_the_same_key_may_be_in_two_lists(cast, client_for):
    client_for(cast.admin).post(reverse("companylists:entry-create", args=["industry"]),
                                {"key": "self", "label_zh_hans": "自营", "label_en": "Own business"})
    assert Entry.objects.filter(key="self").count() == 2


def test_saving_an_entry_unchanged_changes_nothing(cast, client_for):
    entry = Entry.objects.get(list="source", key="self")
    response = _unchanged_post(client_for(cast.admin), reverse("companylists:entry-edit", args=["source", entry.pk]))
    assert response.status_code == 302
    assert Entry.objects.get(pk=entry.pk).__dict__ | {"_state": None} == entry.__dict__ | {"_state": None}


def test_reordering_moves_the_entry_in_the_forms(cast, client_for):
    referral = Entry.objects.get(list="source", key="referral")
    client_for(cast.admin).post(reverse("companylists:entry-move", args=["source", referral.pk]), {"up": "1"})
    assert [key for key, _label in CustomerForm(user=cast.sales1).fields["source"].choices] == \
        ["self", "referral", "advertising"]


def test_an_unknown_list_or_an_entry_of_another_list_is_a_404(cast, client_for):
    admin = client_for(cast.admin)
    entry = Entry.objects.get(list="source", key="self")
    assert admin.get(reverse(URL, args=["colours"])).status_code == 404
    assert admin.get(reverse("companylists:entry-edit", args=["give-up", entry.pk])).status_code == 404


def test_the_pages_in_chinese(cast, client_for):
    _source(cast.admin)
    client = client_for(cast.admin)
    client.cookies["crm_language"] = "zh-hans"
    page = client.get(reverse(URL, args=["source"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "展会" in page and "自己联系" in page and "新条目" in page
    index = client.get(reverse("companylists:lists"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "客户来源" in index and "等级" in index and "放弃原因" in index


def test_import_takes_a_source_by_key_or_label_and_refuses_a_retired_one_export_writes_its_label(cast):
    from transfers.columns import ChoiceLabelWidget

    entry = _source(cast.admin)
    assert ChoiceLabelWidget("source").clean("展会") == "fair"
    assert ChoiceLabelWidget("source").clean("TRADE FAIR") == "fair"
    assert ChoiceLabelWidget("source").clean("fair") == "fair"
    assert ChoiceLabelWidget("source").clean("朋友介绍") == "referral"
    assert ChoiceLabelWidget("source").clean("") == "self"
    services.entry_set_active(entry, active=False, by=cast.admin)
    with pytest.raises(ValueError, match="is not one of: Self-contacted, Advertising media, Referral by a friend"):
        ChoiceLabelWidget("source").clean("展会")
    with translation.override("zh-hans"):
        assert ChoiceLabelWidget("source").render("fair") == "展会"
    assert ChoiceLabelWidget("source").render("fair") == "Trade fair"


def test_the_customers_by_source_report_labels_a_listed_source(cast):
    from reports.sections import _label_of

    _source(cast.admin)
    field = Customer._meta.get_field("source")
    assert _label_of(field, "fair") == "Trade fair"
    with translation.override("zh-hans"):
        assert _label_of(field, "advertising") == "广告媒体"


def test_the_customers_by_source_report_keeps_the_companys_order_with_a_retired_source(cast, client_for):
    entry = _source(cast.admin)
    CustomerFactory(owner=cast.sales1, source="fair")
    CustomerFactory(owner=cast.sales1, source="fair")
    CustomerFactory(owner=cast.sales1, source="advertising")
    CustomerFactory(owner=cast.sales1, source="web")  # a key outside the list (older data)
    services.entry_set_active(entry, active=False, by=cast.admin)
    response = client_for(cast.admin).get(reverse("reports:customers"))
    section = next(s for s in response.context["sections"] if s.title == "Customers by source")
    assert [(row[0], row[1]) for row in section.rows] == [
        ("Self-contacted", 0), ("Advertising media", 1), ("Referral by a friend", 0), ("Trade fair", 2), ("web", 1)]


def test_the_pool_shows_sources_from_the_cached_list_not_a_query_per_row(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _source(cast.admin)
    client = client_for(cast.sales1)
    CustomerFactory(owner=None, created_by=cast.sales2, source="fair")
    client.get(reverse("crm:pool-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("crm:pool-list"))
    for _ in range(5):
        CustomerFactory(owner=None, created_by=cast.sales2, source="fair")
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("crm:pool-list"))
    assert response.content.decode().count("Trade fair") >= 6
    assert len(six) == len(one)
