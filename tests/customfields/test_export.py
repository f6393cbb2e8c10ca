"""Custom fields in the customer export: a column each, only the fields the reader may see."""

import pytest
from django.urls import reverse

from customfields.models import FieldDefinition
from tests.customfields.helpers import Kind, define
from tests.factories import CustomerFactory
from tests.transfers.importexport_helpers import body, export, read_xlsx

pytestmark = pytest.mark.django_db
EXPORT = reverse("transfers:customer-export")


@pytest.mark.parametrize(("who", "sees_margin"), [("sales1", False), ("admin", True)])
def test_the_export_has_a_column_per_custom_field_the_reader_may_see(cast, client_for, who, sees_margin):
    define("wechat", label_en="WeChat ID")
    define("budget", Kind.MONEY, label_en="Budget")
    define("boss", Kind.PERSON, label_en="Decision maker")
    define("margin", label_en="Margin", see=FieldDefinition.Access.ADMINS)
    CustomerFactory(name="甲", owner=cast.sales1,
                    custom={"wechat": "=wx_jia", "budget": "900.00", "boss": cast.sup1.pk, "margin": "秘密"})
    rows = read_xlsx(body(export(client_for(getattr(cast, who)), EXPORT)))
    header, row = rows[0], dict(zip(rows[0], rows[1]))
    assert header[-3:] == (["WeChat ID", "Budget", "Decision maker", "Margin"][-3:] if sees_margin
                           else ["WeChat ID", "Budget", "Decision maker"])
    assert row["WeChat ID"] == "'=wx_jia"  # neutralised like every cell
    assert row["Budget"] == "¥900.00" and row["Decision maker"] == cast.sup1.display_name
    assert ("Margin" in header) is sees_margin
    assert ("秘密" in rows[1]) is sees_margin
