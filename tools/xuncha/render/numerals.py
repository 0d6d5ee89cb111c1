"""Chinese numerals and dates as official notices print them: 问题二十三, （十四）, 2024年6月11日."""

from __future__ import annotations

from datetime import date

_DIGITS = "零一二三四五六七八九"
_UNITS = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))
NUMERAL_CHARACTERS = _DIGITS + "".join(name for _, name in _UNITS)  # every character cn_number writes


def cn_number(n: int) -> str:
    """A non-negative integer in Chinese numerals: 10 → 十, 14 → 十四, 23 → 二十三, 105 → 一百零五."""
    if n < 0:
        raise ValueError(f"negative number: {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    return _compose(n)


def _compose(n: int) -> str:
    out: list[str] = []
    pending_zero = False
    for value, name in _UNITS:
        if n >= value:
            head, n = divmod(n, value)
            if pending_zero:
                out.append("零")
            out.append((cn_number(head) if head >= 10 else _DIGITS[head]) + name)
            pending_zero = False
        elif out:
            pending_zero = True
    if n:
        out.append(("零" if pending_zero else "") + _DIGITS[n])
    return "".join(out)


def cn_section(n: int) -> str:
    """A first-level section number: 一、 二、 …"""
    return f"{cn_number(n)}、"


def cn_paren(n: int) -> str:
    """A second-level heading number with full-width brackets: （一） … （十四）."""
    return f"（{cn_number(n)}）"


def cn_ordinal(n: int) -> str:
    """The enumerator of paragraphs: 一是 二是 …"""
    return f"{cn_number(n)}是"


def parse_date(text: str) -> date:
    """A YYYY-MM-DD string (the data's date form) as a date."""
    return date.fromisoformat(text)


def cn_date(text: str, same_year_as: str | None = None) -> str:
    """2024-06-11 → 2024年6月11日; the year is left out when it equals ``same_year_as``'s year (6月7日)."""
    day = parse_date(text)
    if same_year_as is not None and parse_date(same_year_as).year == day.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def cn_span(start: str, end: str) -> str:
    """A date range as notices write it: 2023年9月6日至11月7日 (the year once when it does not change)."""
    return f"{cn_date(start)}至{cn_date(end, same_year_as=start)}"


def percent(part: int, whole: int) -> str:
    """A rate as a percentage with one decimal (整改落实率 95.7%); a dash when nothing is counted."""
    if whole == 0:
        return "—"
    return f"{100 * part / whole:.1f}%"
