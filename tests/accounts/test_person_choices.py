"""Long lists of people (500 salespeople in an admin's filters) are read as plain values and
rendered in one pass: the same names, groups, selection and escaping as before."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from accounts.fields import PersonChoiceField, person_choices
from accounts.models import User
from tests.factories import SalesGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    group = SalesGroupFactory(name="华东 <2>")
    return [
        UserFactory(username="a_zhang", full_name="张三", sales_group=group),
        UserFactory(username="b_li", full_name="", first_name="Li", last_name="Si", sales_group=None),
        UserFactory(username="c_plain", full_name="", first_name="", last_name=""),
    ]


def test_choices_name_people_as_everywhere_else(people):
    queryset = User.objects.filter(pk__in=[p.pk for p in people]).order_by("username")
    assert person_choices(queryset) == [(p.pk, p.display_name) for p in people]
    assert [label for _, label in person_choices(queryset, with_group=True)] == ["张三 · 华东 <2>", "Li Si", "c_plain"]


def test_the_field_still_validates_against_its_queryset(people):
    field = PersonChoiceField(queryset=User.objects.filter(pk__in=[people[0].pk]), empty_label="Everyone")
    assert list(field.choices) == [("", "Everyone"), (people[0].pk, "张三")]
    assert field.clean(str(people[0].pk)) == people[0]
    with pytest.raises(ValidationError):
        field.clean(str(people[1].pk))


def test_options_select_the_current_value_and_escape_labels(people):
    rendered = Template("{% load crm_tags %}{% options choices current %}").render(Context({
        "choices": [("", "Everyone"), (7, "张三 · 华东 <2>"), (8, "Li")], "current": "7",
    }))
    assert rendered == ('<option value="">Everyone</option>'
                        '<option value="7" selected>张三 · 华东 &lt;2&gt;</option>'
                        '<option value="8">Li</option>')
