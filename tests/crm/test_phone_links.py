"""The phone in their hand (issue 20): a phone number is a link that dials it (and texts it, on a
touch screen), an address opens a map search, phone inputs bring up the dial pad; everywhere a
phone or an address is shown."""

import re

import pytest
from django.urls import reverse

from crm.templatetags.crm_tags import dial_uri
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ADDRESS = "上海市浦东新区世纪大道100号"
MAP = "https://uri.amap.com/search?keyword=%E4%B8%8A%E6%B5%B7%E5%B8%82%E6%B5%A6%E4%B8%9C%E6%96%B0%E5%8C%BA%E4%B8%96%E7%BA%AA%E5%A4%A7%E9%81%93100%E5%8F%B7"


@pytest.mark.parametrize("phone,tel,sms", [
    ("138 0013 8000", "tel:13800138000", "sms:13800138000"),
    ("+86 138-0013-8000", "tel:+8613800138000", "sms:+8613800138000"),
    ("(021) 6234-5678 转 801", "tel:02162345678,801", "sms:02162345678"),
    ("021-62345678 ext. 9", "tel:02162345678,9", "sms:02162345678"),
    ("", "", ""),
    ("—", "", ""),
])
def test_it_dials_a_number_as_people_write_it(phone, tel, sms):
    assert (dial_uri(phone, "tel"), dial_uri(phone, "sms")) == (tel, sms)


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_customers_page_calls_texts_and_maps(cast, client_for):
    customer = CustomerFactory(name="李雷", phone="138 0013 8000", address=ADDRESS, owner=cast.sales1)
    page = _page(client_for(cast.sales1), customer.get_absolute_url())
    assert page.count('href="tel:13800138000"') == 2  # the Call button and the number itself
    assert re.search(r'class="[^"]*touch-only[^"]*" href="sms:13800138000"', page)
    assert f'href="{MAP}" target="_blank" rel="noopener noreferrer"' in page
    assert f'{reverse("workplans:plan-create")}?customer={customer.pk}' in page


def test_nothing_loads_from_another_host(cast, client_for):
    customer = CustomerFactory(name="李雷", phone="138 0013 8000", address=ADDRESS, owner=cast.sales1)
    page = _page(client_for(cast.sales1), customer.get_absolute_url())
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', page)


def test_the_map_search_is_a_setting(cast, client_for, settings):
    settings.CRM_MAP_SEARCH_URL = "https://map.baidu.com/search/{query}"
    customer = CustomerFactory(name="李雷", address="北京 朝阳", owner=cast.sales1)
    assert 'href="https://map.baidu.com/search/%E5%8C%97%E4%BA%AC%20%E6%9C%9D%E9%98%B3"' in _page(
        client_for(cast.sales1), customer.get_absolute_url())


def test_a_customer_without_phone_or_address_has_no_dead_links(cast, client_for):
    customer = CustomerFactory(name="李雷", phone="", address="", owner=cast.sales1)
    page = _page(client_for(cast.sales1), customer.get_absolute_url())
    assert 'href="tel:' not in page and 'href="sms:' not in page and "uri.amap.com" not in page


def test_lists_dial_their_phones(cast, client_for):
    CustomerFactory(name="李雷", phone="13800138000", owner=cast.sales1)
    CustomerFactory(name="韩梅梅", phone="13912340000", address=ADDRESS, owner=None, created_by=cast.sales1)
    client = client_for(cast.sales1)
    assert 'href="tel:13800138000"' in _page(client, reverse("crm:customer-list"))
    pool = _page(client, reverse("crm:pool-list"))
    assert 'href="tel:13912340000"' in pool and f'href="{MAP}"' in pool


def test_staff_pages_dial_their_phones(cast, client_for):
    cast.sales1.phone, cast.sales1.address = "139 1234 5678", ADDRESS
    cast.sales1.save()
    client = client_for(cast.admin)
    assert 'href="tel:13912345678"' in _page(client, reverse("staff:user-list"))
    profile = _page(client, reverse("staff:user-detail", args=[cast.sales1.pk]))
    assert 'href="tel:13912345678"' in profile and f'href="{MAP}"' in profile


@pytest.mark.parametrize("url", ["crm:customer-create", "staff:user-create"])
def test_phone_inputs_bring_up_the_dial_pad(cast, client_for, url):
    page = _page(client_for(cast.admin), reverse(url))
    phone = re.search(r'<input[^>]+name="phone"[^>]*>', page).group(0)
    assert 'type="tel"' in phone and 'inputmode="tel"' in phone
