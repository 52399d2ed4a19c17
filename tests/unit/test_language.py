"""The spaCy language pipeline: vocabulary entities with canonical values, quantities, personal numbers
found and masked however they are typed."""

from datetime import date

import pytest

from nlu.language import entities, mask_pii

TODAY = date(2025, 5, 20)


def _spans(text):
    return [(e["entity"], text[e["start"] : e["end"]], e["value"]) for e in entities(text, TODAY)]


def test_one_message_with_every_kind_of_entity():
    text = (
        "我2023年6月在朝阳的工地入职，月薪8千，干了两年零三个月，三十多个工友都没签合同，"
        "电话13912345678，身份证11010519491231002X，按工伤条例评了九级伤残"
    )
    assert _spans(text) == [
        ("date", "2023年6月", "2023-06-01"),
        ("district", "朝阳", "朝阳区"),
        ("employer_type", "工地", "建筑工地"),
        ("money", "8千", "8000"),
        ("duration", "两年零三个月", "P2Y3M"),
        ("headcount", "三十多个工友", "30+"),
        ("phone", "13912345678", "13912345678"),
        ("id_number", "11010519491231002X", "11010519491231002X"),
        ("law", "工伤条例", "工伤保险条例"),
        ("disability_grade", "九级伤残", "9"),
    ]


def test_vocabulary_phrases_get_their_canonical_values():
    assert _spans("上海市的美团骑手") == [("city", "上海市", "上海"), ("employer_type", "美团", "平台企业")]
    assert _spans("《中华人民共和国劳动合同法》第四十七条") == [("law", "中华人民共和国劳动合同法", "劳动合同法")]


@pytest.mark.parametrize(
    "text, digits",
    [
        ("我的手机是13812345678", "13812345678"),
        ("电话 139 1234 5678 谢谢", "13912345678"),
        ("+8613712345678", "13712345678"),
        ("座机(010)62345678", "01062345678"),
        ("0755-8765432", "07558765432"),
        ("一三九五五五五一三一三", "13955551313"),
    ],
)
def test_phone_numbers(text, digits):
    [phone] = [e for e in entities(text, TODAY) if e["entity"] == "phone"]
    assert phone["value"] == digits
    assert phone["start"] < phone["end"] <= len(text)


def test_a_phone_number_is_not_also_money():
    assert [e["entity"] for e in entities("工资打到13912345678这个号上的支付宝", TODAY)] == ["phone"]


def test_no_phone_inside_longer_digit_runs_and_ids_need_their_check_character():
    assert [e for e in entities("订单号 213912345678999", TODAY) if e["entity"] == "phone"] == []
    assert _spans("身份证110105194912310021") == []  # wrong check character
    assert _spans("身份证11010519491231002x") == [("id_number", "11010519491231002x", "11010519491231002X")]


def test_mask_pii():
    text = "手机13912345678，身份证11010519491231002X，座机010-62345678"
    assert mask_pii(text) == "手机139****5678，身份证110105********002X，座机010-****5678"


def test_mask_pii_keeps_layout_and_masks_mistyped_ids():
    assert mask_pii("电话 139 1234 5678") == "电话 139 **** 5678"
    assert mask_pii("身份证１１０１０５１９４９１２３１００２１") == "身份证１１０１０５********００２１"
    assert mask_pii("工资8000，工龄3年") == "工资8000，工龄3年"


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("电话139.5555.1313", "电话139.****.1313"),
        ("139 5555 1313", "139 **** 1313"),
        ("1 3 9 5 5 5 5 1 3 1 3", "1 3 9 * * * * 1 3 1 3"),
        ("一三九五五五五一三一三", "一三九****一三一三"),
        ("老身份证110101900307123", "老身份证110101*****7123"),
        ("卡号6222021234567890123", "卡号6222***********0123"),
        ("+8613712345678", "+86137****5678"),
    ],
)
def test_numbers_are_masked_however_workers_type_them(typed, masked):
    assert mask_pii(typed) == masked


def test_public_hotlines_and_other_numbers_are_never_masked():
    text = "请拨打010-82951332或12356，月薪8000元，2024年3月1日入职，干了3年"
    assert mask_pii(text) == text
