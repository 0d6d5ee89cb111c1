"""Chinese numerals and dates as notices print them."""

from __future__ import annotations

import pytest

from xuncha.render.numerals import cn_date, cn_number, cn_paren, cn_section, cn_span, percent


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (14, "十四"),
        (20, "二十"),
        (23, "二十三"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (2024, "二千零二十四"),
        (10000, "一万"),
    ],
)
def test_cn_number(n: int, text: str) -> None:
    assert cn_number(n) == text


def test_negative_is_refused() -> None:
    with pytest.raises(ValueError):
        cn_number(-1)


def test_headings() -> None:
    assert cn_paren(14) == "（十四）"
    assert cn_section(3) == "三、"


def test_dates_like_the_seed() -> None:
    assert cn_date("2024-06-11") == "2024年6月11日"
    assert cn_date("2024-06-07", same_year_as="2024-06-11") == "6月7日"
    assert cn_date("2023-12-14", same_year_as="2024-06-11") == "2023年12月14日"
    assert cn_span("2023-09-06", "2023-11-07") == "2023年9月6日至11月7日"
    assert cn_span("2023-12-06", "2024-01-07") == "2023年12月6日至2024年1月7日"


def test_percent() -> None:
    assert percent(23, 23) == "100.0%"
    assert percent(2, 3) == "66.7%"
    assert percent(0, 0) == "—"
