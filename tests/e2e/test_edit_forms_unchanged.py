"""Every edit form of the product, opened in a real browser and saved without touching anything,
leaves its record exactly as it was (issue 20: in Chinese the customer form showed its next
contact date as "2027/01/03", which a date input shows empty, and saving erased it).

The forms are found from the URL resolver: a new "-edit" page fails this test until it is covered.
"""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bulletin.models import Post, Reply, Suggestion, SuggestionReply
from companylists import seeds
from companylists import services as list_services
from companylists.models import Entry, Grade
from contacts.models import Contact
from crm import services
from crm.models import Customer, CustomerChange, FollowUp
from customfields.models import FieldDefinition, ValueChange
from deals import defaults as deal_defaults
from deals import services as deal_services
from deals.models import Deal, DealSettings, LostReason, Stage
from notifications.models import Preference, Webhook
from tests.e2e.steps import submit
from tests.security.resolver import url_patterns
from workplans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every edit form and who opens it. suggestion-reply has no "-edit" in its name but is one.
EDIT_FORMS = {
    "crm:customer-edit": "sales1", "crm:followup-edit": "sales1", "workplans:plan-edit": "sales1",
    "staff:user-edit": "admin", "staff:group-edit": "admin", "bulletin:post-edit": "admin",
    "bulletin:reply-edit": "admin", "bulletin:suggestion-reply": "admin",
    "deals:deal-edit": "sales1", "deals:stage-edit": "admin", "deals:reason-edit": "admin",
    "deals:settings-edit": "admin",
    "notifications:preference-edit": "sales1", "notifications:webhook-edit": "sales1",
    "notifications:group-webhook-edit": "admin", "contacts:contact-edit": "sales1",
    "companylists:grade-edit": "admin", "companylists:entry-edit": "admin",
    "customfields:field-edit": "admin",
}
# Edit forms of the person's own settings: no pk in the URL, both on the settings page.
OWN_SETTINGS = {"notifications:preference-edit", "notifications:webhook-edit", "deals:settings-edit"}
# Columns no person types: they move on every save (or never), whatever the form holds.
NOT_TYPED = {"updated_at", "last_login", "search_text"}


def _minute(moment):
    return moment.replace(second=0, microsecond=0)


def _records(cast):
    """One record per edit form, every field the form shows filled in, as people fill them."""
    now = _minute(timezone.now())
    customer = services.customer_create(data={
        "name": "林小雨", "company": "杭州雨林茶业", "job_title": "采购经理", "phone": "139 0571 2345",
        "address": "杭州市西湖区文三路 90 号", "type": Customer.Type.PROSPECT, "grade": Customer.Grade.VIP,
        "source": "referral", "industry": "茶叶", "gender": Customer.Gender.FEMALE,
        "next_contact_on": date(2027, 1, 3), "notes": "喜欢龙井，月底前报价。",
    }, owner=cast.sales1, by=cast.sales1)
    followup = services.followup_create(customer=customer, subject="电话报价", content="报价九五折，客户考虑中。",
                                        occurred_at=now - timedelta(hours=3), next_contact_on=date(2027, 1, 3),
                                        by=cast.sales1)
    plan = Plan.objects.create(author=cast.sales1, subject="拜访林小雨", start_at=now + timedelta(days=1),
                               end_at=now + timedelta(days=1, hours=1, minutes=30), content="带样品", remarks="提前确认")
    plan.customers.add(customer)
    person = cast.sales1b
    User.objects.filter(pk=person.pk).update(hire_date=date(2024, 3, 15), phone="13812345678", email="zhao@example.com",
                                             wechat="zhaoliu", address="上海市静安区", notes="擅长大客户")
    post = Post.objects.create(title="本周例会改到周四", emoticon="idea", content="下午两点，三楼会议室。", author=cast.sup1)
    reply = Reply.objects.create(post=post, content="收到，准时参加。", author=cast.sales1)
    suggestion = Suggestion.objects.create(title="希望增加培训", content="新人需要产品培训。", author=cast.sales1)
    SuggestionReply.objects.create(suggestion=suggestion, content="下月安排。", author=cast.sup1)
    deal_defaults.install(Stage, LostReason)  # emptied by the transactional test before
    deal = deal_services.deal_create(customer=customer, by=cast.sales1, title="龙井年度采购", amount=Decimal("88000.50"),
                                     stage=deal_services.default_stage(), probability=35, expected_close_on=date(2027, 1, 3),
                                     source="referral", notes="明前龙井 200 斤。")
    company_deals = DealSettings.objects.update_or_create(pk=1, defaults={"a_class_becomes_vip": True})[0]
    preference = Preference.objects.create(user=cast.sales1, language="zh-hans", quiet_from=time(22, 0),
                                           quiet_until=time(7, 30), digest_at=time(8, 15), feed_phones=True)
    robot = Webhook.objects.create(user=cast.sales1, provider=Webhook.Provider.DINGTALK,
                                   url="https://8.8.8.8/robot/send?access_token=abc123", secret="SEC0123456789")
    group_robot = Webhook.objects.create(sales_group=cast.group1, provider=Webhook.Provider.FEISHU,
                                         url="https://8.8.8.8/open-apis/bot/v2/hook/abc", secret="SECgroup")
    preference.plan_lead_minutes = 25
    preference.save()
    contact = Contact.objects.create(customer=customer, name="林经理", title="采购总监", role=Contact.Role.DECISION_MAKER,
                                     mobile="13912345678", landline="021-62345678", wechat="lin_buyer",
                                     email="lin@example.com", birthday=date(1980, 5, 20), notes="周三下午方便",
                                     is_primary=True, created_by=cast.sales1)
    seeds.install(Grade)  # emptied by the transactional test before
    grade = Grade.objects.get(key="vip")
    # The customer's and the deal's source retired since, and its industry typed before the company
    # listed industries: both stay on an unchanged save.
    seeds.install_entries(Entry)
    source = Entry.objects.get(list="source", key="referral")
    list_services.entry_set_active(source, active=False, by=cast.admin)
    list_services.entry_save(Entry(list="industry", key="mfg", label_zh_hans="制造业", label_en="Manufacturing"),
                             by=cast.admin)
    field = FieldDefinition.objects.create(
        target="customer", key="segment", label_zh_hans="行业细分", label_en="Segment", kind="choice", group="基本信息",
        choices=[{"key": "retail", "zh_hans": "零售", "en": "Retail"}], searchable=True, list_column=True)
    Customer.objects.filter(pk=customer.pk).update(custom={"segment": "retail"})
    # The company's own follow-up and deal fields: a date, money and a multiple choice (issue 23).
    FieldDefinition.objects.create(target="followup", key="visit_on", label_zh_hans="拜访日", label_en="Visit day",
                                   kind="date")
    FieldDefinition.objects.create(target="followup", key="topics", label_zh_hans="话题", label_en="Topics",
                                   kind="multi_choice", choices=[{"key": "price", "zh_hans": "价格", "en": "Price"},
                                                                 {"key": "term", "zh_hans": "账期", "en": "Terms"}])
    FieldDefinition.objects.create(target="deal", key="budget", label_zh_hans="预算", label_en="Budget", kind="money")
    FollowUp.objects.filter(pk=followup.pk).update(custom={"visit_on": "2027-01-03", "topics": ["price", "term"]})
    Deal.objects.filter(pk=deal.pk).update(custom={"budget": "12345.60"})
    return {
        "companylists:grade-edit": (grade, list(Grade.objects.all())),
        "companylists:entry-edit": (source, list(Entry.objects.all())),
        "contacts:contact-edit": (contact, [contact, customer]),
        "customfields:field-edit": (field, [field, customer]),
        # url name: (the record, the records whose every field must stay)
        "notifications:group-webhook-edit": (cast.group1, [group_robot]),
        "notifications:preference-edit": (preference, [preference]),
        "notifications:webhook-edit": (robot, [robot]),
        "crm:customer-edit": (customer, [customer]),
        "crm:followup-edit": (followup, [followup, customer]),
        "workplans:plan-edit": (plan, [plan]),
        "staff:user-edit": (person, [person]),
        "staff:group-edit": (cast.group1, [cast.group1]),
        "bulletin:post-edit": (post, [post]),
        "bulletin:reply-edit": (reply, [reply, post]),
        "bulletin:suggestion-reply": (suggestion, [suggestion]),
        "deals:deal-edit": (deal, [deal, customer]),
        "deals:stage-edit": (Stage.objects.order_by("order").first(), list(Stage.objects.all())),
        "deals:reason-edit": (LostReason.objects.order_by("order").first(), list(LostReason.objects.all())),
        "deals:settings-edit": (company_deals, [company_deals]),
    }


def _state(record) -> dict:
    """Every column of `record` a person could change, and its many-to-many links, as stored now."""
    record = type(record).objects.get(pk=record.pk)
    state = {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields
             if field.name not in NOT_TYPED}
    for field in record._meta.many_to_many:
        state[field.name] = sorted(getattr(record, field.name).values_list("pk", flat=True))
    return state


def _counts():
    return (Customer.objects.count(), CustomerChange.objects.count(), SuggestionReply.objects.count(), Reply.objects.count(),
            ValueChange.objects.count())


def test_every_edit_form_is_covered():
    found = {name for name, _args in url_patterns() if name.endswith("-edit")} | {"bulletin:suggestion-reply"}
    assert found == set(EDIT_FORMS), f"edit forms without an unchanged-save check here: {sorted(found - set(EDIT_FORMS))}"


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("desktop", "zh-hans"), ("phone", "en"), ("phone", "zh-hans")])
def test_saving_every_edit_form_untouched_changes_nothing(cast, journey, device, language):
    records = _records(cast)
    assert set(records) == set(EDIT_FORMS)
    names = {value for pair in User.objects.values_list("username", "full_name") for value in pair}
    data = {"zhao@example.com", "zhaoliu", "idea", "Webhook", "Outlook"}  # the robots' and the calendar app's own names
    people = {who: journey(f"20-edit-unchanged-{who}", getattr(cast, who), device=device, language=language,
                           allowed=names | data) for who in ("sales1", "admin")}
    for url_name, (record, watched) in records.items():
        me = people[EDIT_FORMS[url_name]]
        url = (reverse(url_name) if url_name in OWN_SETTINGS else
               reverse(url_name, args=[record.list, record.pk]) if url_name == "companylists:entry-edit" else
               reverse(url_name, args=[record.pk]))
        before, counts = [_state(r) for r in watched], _counts()
        opened = {"bulletin:suggestion-reply": lambda: record.get_absolute_url(),
                  "notifications:webhook-edit": lambda: reverse("notifications:preference-edit")}
        page = me.go(opened.get(url_name, lambda: url)())
        me.shot(url_name.replace(":", "-"))
        form = f"main form[method=post]:not([action]), main form[action='{url}']"
        if url_name == "bulletin:suggestion-reply":  # opens empty: the browser asks for the reply, nothing is sent
            page.locator(form).locator("button[type=submit]").click()
            assert page.locator(form).locator("textarea").evaluate("el => el.validity.valueMissing")
        else:
            submit(page, form)
            assert page.locator("main .is-invalid, main .alert-danger").count() == 0, f"{url_name}: {page.url}"
        after = [_state(r) for r in watched]
        for was, now in zip(before, after):
            changed = {name: (was[name], now[name]) for name in was if was[name] != now[name]}
            assert not changed, f"{url_name} saved untouched ({language}, {device}) changed {changed}"
        assert _counts() == counts, url_name
