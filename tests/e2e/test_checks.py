"""The journeys' own checks must be able to fail: English left in a Chinese page is found,
while data, numbers and the allowed words are not flagged (no browser needed); what is too small
to tap is found, while a tick box with a roomy label is not (in the browser)."""

import pytest

from tests.e2e.conftest import DEVICES, MIN_TAP, TOO_SMALL_TO_TAP, english_runs, machine_format_errors


def test_it_flags_english_left_in_a_chinese_page():
    text = "客户管理系统\n首页 客户\nNo customers match.\n保存 Cancel"
    assert english_runs(text) == ["No customers match", "Cancel"]


def test_it_lets_data_numbers_and_allowed_words_through():
    text = "张三 · Group A\n编号 KH00000004\n电话 138 0013 8000\n等级 VIP\nCRM English\ncrm-20261123-122829"
    assert english_runs(text, allowed={"Group A"}) == []


def test_it_flags_inputs_that_are_not_in_the_machine_format():
    inputs = [
        ("date", "next_contact_on", "2027/01/03"), ("date", "hire_date", "2027年1月3日"),
        ("datetime-local", "start_at", "2027/01/03 09:05"), ("time", "at", "9:05 AM"),
        ("number", "last_n", "1,234"), ("number", "amount", "12,5"), ("month", "month", "2027/01"),
    ]
    assert len(machine_format_errors(inputs)) == len(inputs)


def test_it_lets_machine_formats_and_empty_values_through():
    inputs = [
        ("date", "a", "2027-01-03"), ("date", "b", ""), ("date", "c", "9999-12-31"), ("datetime-local", "d", "2027-01-03T09:05"),
        ("time", "e", "09:05"), ("number", "f", "1234.5"), ("number", "g", "-3"), ("month", "h", "2027-01"),
        ("text", "i", "2027/01/03"),  # not a typed input: anything goes
    ]
    assert machine_format_errors(inputs) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_with_a_localised_date_input_fails_the_journey_check(cast, journey):
    """The check runs in the browser on every shot(), and fails the journey (not only the helper)."""
    me = journey("0-check", cast.sales1, language="en")
    me.page.set_content('<form><input type="date" name="next_contact_on" value="2027/01/03"></form>')
    with pytest.raises(AssertionError, match="next_contact_on='2027/01/03'"):
        me.shot("localised-date")
    me.page.set_content('<form><input type="date" name="next_contact_on" value="2027-01-03"></form>')
    me.shot("machine-date")


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
