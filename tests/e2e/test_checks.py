"""The journeys' own checks must be able to fail: English left in a Chinese page is found,
while data, numbers and the allowed words are not flagged. (No browser needed.)"""

from tests.e2e.conftest import english_runs


def test_it_flags_english_left_in_a_chinese_page():
    text = "客户管理系统\n首页 客户\nNo customers match.\n保存 Cancel"
    assert english_runs(text) == ["No customers match", "Cancel"]


def test_it_lets_data_numbers_and_allowed_words_through():
    text = "张三 · Group A\n编号 KH00000004\n电话 138 0013 8000\n等级 VIP\nCRM English\ncrm-20261123-122829"
    assert english_runs(text, allowed={"Group A"}) == []
