"""Linking a plan to customers: only customers its author may see (issue 6)."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CustomerFactory
from tests.workplans.plans import make_plan
from workplans import services
from workplans.models import Plan

pytestmark = pytest.mark.django_db


def _form(**extra):
    start = timezone.localtime() + timedelta(days=1)
    return {
        "subject": "拜访客户",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def _picker(client, text="", chosen=(), plan=None):
    """What the plan form's customer picker offers when the person types `text` (as read: the
    marks around the typed text left out)."""
    url = reverse("workplans:plan-edit-customer-search", args=[plan.pk]) if plan else reverse("workplans:plan-customer-search")
    return re.sub(r"</?mark[^>]*>", "", client.get(url, {"q": text, "customers": list(chosen)}).content.decode())


def test_salesperson_can_link_a_plan_to_their_customers(cast, client_for):
    mine = [CustomerFactory(owner=cast.sales1, name="王总"), CustomerFactory(owner=cast.sales1, name="刘经理")]
    client = client_for(cast.sales1)
    form_page = client.get(reverse("workplans:plan-create")).content.decode()
    assert reverse("workplans:plan-customer-search") in form_page and "Hold Ctrl" not in form_page
    assert "王总" in _picker(client, "王") and "刘经理" not in _picker(client, "王")
    response = client.post(reverse("workplans:plan-create"), _form(customers=[c.pk for c in mine]))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert set(plan.customers.all()) == set(mine)
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "王总" in detail and mine[0].get_absolute_url() in detail
    edit_page = client.get(reverse("workplans:plan-edit", args=[plan.pk])).content.decode()
    assert edit_page.count('name="customers"') == 2 and edit_page.count(" checked") == 2  # both shown ticked


def test_the_picker_offers_own_customers_due_soonest_and_leaves_out_the_chosen(cast, client_for):
    today = timezone.localdate()
    later = CustomerFactory(owner=cast.sales1, name="下月拜访", next_contact_on=today + timedelta(days=30))
    soon = CustomerFactory(owner=cast.sales1, name="明天拜访", next_contact_on=today + timedelta(days=1))
    CustomerFactory(owner=cast.sales1, name="不用拜访")
    client = client_for(cast.sales1)
    offered = _picker(client)
    assert offered.index("明天拜访") < offered.index("下月拜访") < offered.index("不用拜访")
    assert "明天拜访" not in _picker(client, chosen=[soon.pk])
    assert "下月拜访" in _picker(client, "拜访", chosen=[soon.pk])
    assert f'value="{later.pk}"' not in _picker(client, "拜访", chosen=[soon.pk, later.pk])


def test_the_picker_marks_what_was_typed_and_escapes_names(cast, client_for):
    CustomerFactory(owner=cast.sales1, name="<b>李</b>总", company="李氏")
    offered = client_for(cast.sales1).get(reverse("workplans:plan-customer-search"), {"q": "李"}).content.decode()
    assert "<b>" not in offered and '&lt;b&gt;<mark class="search-hit">李</mark>&lt;/b&gt;总' in offered


def test_salesperson_is_not_offered_a_colleagues_customers(cast, client_for):
    CustomerFactory(owner=cast.sales1b, name="同事的客户")
    CustomerFactory(owner=cast.sales1, name="我的客户")
    offered = _picker(client_for(cast.sales1), "的客户")
    assert "我的客户" in offered and "同事的客户" not in offered


@pytest.mark.parametrize("owner", ["sales1b", "sales2", None])
def test_salesperson_cannot_link_a_customer_they_may_not_see(cast, client_for, owner):
    other = CustomerFactory(owner=getattr(cast, owner) if owner else None, name="别人的客户")
    response = client_for(cast.sales1).post(reverse("workplans:plan-create"), _form(customers=[other.pk]))
    assert response.status_code == 200
    assert "A plan can only be linked to customers its salesperson may see." in response.content.decode()
    assert not Plan.objects.exists()


def test_supervisor_editing_links_customers_of_the_plans_author(cast, client_for):
    theirs = CustomerFactory(owner=cast.sales1, name="张三的客户")
    not_theirs = CustomerFactory(owner=cast.sales1b, name="赵六的客户")
    plan = make_plan(cast.sales1)
    client = client_for(cast.sup1)
    url = reverse("workplans:plan-edit", args=[plan.pk])
    assert reverse("workplans:plan-edit-customer-search", args=[plan.pk]) in client.get(url).content.decode()
    offered = _picker(client, "的客户", plan=plan)
    assert "张三的客户" in offered and "赵六的客户" not in offered  # the author's customers, not the supervisor's
    assert client.post(url, _form(customers=[not_theirs.pk])).status_code == 200
    assert not plan.customers.exists()
    assert client.post(url, _form(customers=[theirs.pk])).status_code == 302
    assert list(plan.customers.all()) == [theirs]


def test_a_posted_id_never_reveals_a_customers_name(cast, client_for):
    hidden = CustomerFactory(owner=cast.sales2, name="别组的秘密客户")
    client = client_for(cast.sales1)
    refused = client.post(reverse("workplans:plan-create"), _form(customers=[hidden.pk])).content.decode()
    started = client.get(reverse("workplans:plan-create"), {"customer": hidden.pk}).content.decode()
    assert "别组的秘密客户" not in refused and "别组的秘密客户" not in started


def test_a_plan_started_from_a_customers_page_is_about_that_customer(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1, name="韩梅梅")
    client = client_for(cast.sales1)
    detail = client.get(customer.get_absolute_url()).content.decode()
    start_url = f"{reverse('workplans:plan-create')}?customer={customer.pk}"
    assert start_url in detail
    page = client.get(start_url).content.decode()
    assert f'value="{customer.pk}" id="id_customers_0" checked' in page
    assert 'value="Visit 韩梅梅"' in page
    for bad in ("abc", "-1", "99999999999999999999", "1٣"):
        assert client.get(reverse("workplans:plan-create"), {"customer": bad}).status_code == 200


def test_the_pickers_of_other_people_and_bad_input(cast, client_for):
    CustomerFactory(owner=cast.sales2, name="李四的客户")
    plan = make_plan(cast.sales2)
    assert client_for(cast.sales1).get(reverse("workplans:plan-edit-customer-search", args=[plan.pk])).status_code == 404
    assert client_for(cast.sup1).get(reverse("workplans:plan-edit-customer-search", args=[plan.pk])).status_code == 404
    client = client_for(cast.sales1)
    for text in ("x" * 100_000, "李\x00", "%", "<script>"):
        response = client.get(reverse("workplans:plan-customer-search"), {"q": text, "customers": ["x", "1" * 40]})
        assert response.status_code == 200 and "李四的客户" not in response.content.decode()


def test_it_refuses_an_unseen_customer_even_past_the_form(cast):
    from django.core.exceptions import ValidationError

    other = CustomerFactory(owner=cast.sales2)
    start = timezone.now()
    with pytest.raises(ValidationError):
        services.plan_create(by=cast.sales1, subject="x", start_at=start, end_at=start + timedelta(hours=1),
                             customers=[other])
    assert not Plan.objects.exists()


def test_it_hides_a_linked_customer_that_has_changed_hands(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1, name="已转走的客户")
    plan = make_plan(cast.sales1)
    plan.customers.add(customer)
    customer.owner = cast.sales2
    customer.save()
    page = client_for(cast.sales1).get(plan.get_absolute_url()).content.decode()
    assert "已转走的客户" not in page
    assert "and 1 customer you can no longer see" in page


def test_a_pool_customers_page_offers_no_plan(cast, client_for):
    """A plan links only customers its author may see in their list; the pool is not one of them."""
    pooled = CustomerFactory(owner=None, created_by=cast.sales2, name="公海客户")
    page = client_for(cast.sales1).get(pooled.get_absolute_url()).content.decode()
    assert f"?customer={pooled.pk}" not in page


class _EditForm(HTMLParser):
    """The plan edit form's fields as the browser sends them: every ticked box, every field."""

    def __init__(self, html):
        super().__init__()
        self.data, self._textarea, self._in_form = [], None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and not attrs.get("action"):
            self._in_form = True
        if not self._in_form or not attrs.get("name"):
            return
        if tag == "input" and (attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs):
            self.data.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


@pytest.mark.parametrize("editor", ["sales1", "sup1"])
def test_saving_a_plan_unchanged_changes_nothing(cast, client_for, editor):
    linked = [CustomerFactory(owner=cast.sales1, name="王总"), CustomerFactory(owner=cast.sales1, name="刘经理")]
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=2)  # as the form writes it
    plan = make_plan(cast.sales1, subject="拜访王总", content="带样品\n谈价格", remarks="下午", start=start)
    plan.customers.set(linked)
    before = Plan.objects.values().get(pk=plan.pk)
    client = client_for(getattr(cast, editor))
    url = reverse("workplans:plan-edit", args=[plan.pk])
    sent = _EditForm(client.get(url).content.decode()).data
    response = client.post(url, urlencode(sent), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    after = Plan.objects.values().get(pk=plan.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {k: v for k, v in before.items() if k != "updated_at"}
    assert set(plan.customers.all()) == set(linked)
