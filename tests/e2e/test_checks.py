"""The journeys' own checks must be able to fail: English left in a Chinese page is found,
while data, numbers and the allowed words are not flagged (no browser needed); what is too small
to tap is found, while a tick box with a roomy label is not (in the browser)."""

import pytest

from tests.e2e.conftest import DEVICES, MIN_TAP, TOO_SMALL_TO_TAP, english_runs


def test_it_flags_english_left_in_a_chinese_page():
    text = "客户管理系统\n首页 客户\nNo customers match.\n保存 Cancel"
    assert english_runs(text) == ["No customers match", "Cancel"]


def test_it_lets_data_numbers_and_allowed_words_through():
    text = "张三 · Group A\n编号 KH00000004\n电话 138 0013 8000\n等级 VIP\nCRM English\ncrm-20261123-122829"
    assert english_runs(text, allowed={"Group A"}) == []

TAP_PAGE = """<!doctype html><meta name="viewport" content="width=device-width">
<button id="tiny" style="height:20px">OK</button>
<input type="checkbox" id="bare" aria-label="bare">
<label style="display:inline-block;padding:14px"><input type="checkbox" name="wrapped"> a tick with room</label>
<a class="nav-link" style="display:block;line-height:16px">pill</a>
<input type="radio" id="labelled"><label for="labelled" style="display:inline-block;min-height:44px;min-width:44px">radio</label>"""


@pytest.mark.browser
def test_the_tap_check_flags_small_buttons_ticks_and_pills_but_not_roomy_labels(browser):
    context = browser.new_context(**DEVICES["phone"])
    page = context.new_page()
    page.set_content(TAP_PAGE)
    flagged = [name for _height, name in page.evaluate(TOO_SMALL_TO_TAP, MIN_TAP)]
    context.close()
    assert sorted(flagged) == sorted(["OK", "checkbox bare", "pill"])
