import datetime as dt

import pytest

from ruam.thai import dates

SEED_DAY = dt.date(2024, 6, 19)  # the seed's meeting of the eastern districts


def test_long_thai_date_is_buddhist_era_with_weekday():
    assert dates.format_long(SEED_DAY, "th") == "วันพุธที่ 19 มิถุนายน พ.ศ. 2567"


def test_short_thai_date_uses_abbreviated_month_and_two_digit_era_year():
    assert dates.format_short(dt.date(2024, 6, 18), "th") == "18 มิ.ย. 67"


def test_english_keeps_the_gregorian_calendar():
    assert dates.format_long(SEED_DAY, "en") == "Wednesday 19 June 2024"
    assert dates.format_short(SEED_DAY, "en") == "19 Jun 2024"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 1, 1), "วันพุธที่ 1 มกราคม พ.ศ. 2568"),
        (dt.date(2026, 12, 31), "วันพฤหัสบดีที่ 31 ธันวาคม พ.ศ. 2569"),
        (dt.date(2000, 2, 29), "วันอังคารที่ 29 กุมภาพันธ์ พ.ศ. 2543"),
    ],
)
def test_long_dates_across_years(day, expected):
    assert dates.format_long(day, "th") == expected


def test_short_year_keeps_a_leading_zero():
    assert dates.format_short(dt.date(1957, 3, 5), "th") == "5 มี.ค. 00"


def test_thai_digits_and_time():
    assert dates.thai_digits("19 มิ.ย. 2567") == "๑๙ มิ.ย. ๒๕๖๗"
    assert dates.format_time(dt.time(9, 30), "th") == "09.30 น."
    assert dates.format_time(dt.time(9, 30), "en") == "09:30"


def test_template_filters_follow_the_active_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{{ day|date_long }} / {{ day|date_short }}")
    with translation.override("th"):
        assert template.render(Context({"day": SEED_DAY})) == (
            "วันพุธที่ 19 มิถุนายน พ.ศ. 2567 / 19 มิ.ย. 67"
        )
    with translation.override("en"):
        assert template.render(Context({"day": SEED_DAY})) == "Wednesday 19 June 2024 / 19 Jun 2024"


def test_aware_datetimes_are_shown_in_bangkok_time():
    from django.template import Context, Template
    from django.utils import translation

    # 20:00 UTC on the 18th is 03:00 on the 19th in Bangkok.
    moment = dt.datetime(2024, 6, 18, 20, 0, tzinfo=dt.UTC)
    with translation.override("th"):
        rendered = Template("{{ t|date_short }} {{ t|time_of_day }}").render(Context({"t": moment}))
    assert rendered == "19 มิ.ย. 67 03.00 น."


def test_thai_numerals_in_the_text_of_a_document_only():
    html = (
        "<html><head><style>p { font-size: 16pt; margin: 0 0 2mm; }</style></head>"
        '<body class="page-1"><h1 id="item-4">ครั้งที่ 2/2567</h1>'
        '<p><a href="/meetings/12/minutes.pdf">เวลา 09.30 น.</a>&nbsp;&#160;&#x31;</p>'
        "</body></html>"
    )
    assert dates.to_thai_numerals(html) == (
        "<html><head><style>p { font-size: 16pt; margin: 0 0 2mm; }</style></head>"
        '<body class="page-1"><h1 id="item-4">ครั้งที่ ๒/๒๕๖๗</h1>'
        '<p><a href="/meetings/12/minutes.pdf">เวลา ๐๙.๓๐ น.</a>&nbsp;&#160;&#x31;</p>'
        "</body></html>"
    )


def test_thai_numerals_leave_a_fragment_without_a_body_alone():
    assert dates.to_thai_numerals("<p>ครั้งที่ 2</p>") == "<p>ครั้งที่ 2</p>"
