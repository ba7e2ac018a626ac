"""Dates, times, numbers, honorifics and ordinals: the seed's numeric date is found and fixed
as the gold accepts; native English uses of the same digits never fire."""

import datetime as dt

import pytest
import yaml

import normalizer
from normalizer.document import Document
from normalizer.detectors import dates
from normalizer.evaluate import fold

from conftest import SEEDS

FAMILIES = ("fr-en.dates", "fr-en.numbers", "fr-en.honorifics", "fr-en.ordinals")


def _ours(findings):
    return [f for f in findings if f.rule.startswith(FAMILIES)]


def test_seed_numeric_date_found_and_fixed(mt_text):
    gold = yaml.safe_load((SEEDS / "000_d39dd3bf9bf62004.yaml").read_text(encoding="utf-8"))
    art = next(a for a in gold["artifacts"] if a["category"] == "date-format")
    start = mt_text.index(art["text"])
    result = normalizer.normalize(mt_text)
    hits = [f for f in _ours(result.findings) if f.start < start + len(art["text"]) and start < f.end]
    assert hits and hits[0].level == "standard"
    assert any(fold(a) in fold(result.text) for a in art["accept"])


def test_native_seed_untouched(en_text):
    assert _ours(normalizer.check(en_text)) == []


@pytest.mark.parametrize("text", [
    "The service is available 24/7 and costs nothing.",
    "Security has been tight since 9/11 at every airport.",
    "He is the 7/2 favourite with most bookmakers.",
    "Nadal took the tiebreak (7/5) before closing out the match.",
    "Roughly 3/4 of voters backed the plan.",
    "Ties will be played on 8/9 January.",
    "Arsenal won 2-1 at home on Saturday.",
    "The talks resume at 10:30 on Monday.",
    "Call 0800 555 111 for information.",
    "Version 2.1 of the software fixes the bug.",
    "Profits rose to $1,234m, up 3.5% on the year.",
    "The 2004-2005 season was his best.",
    "The company sold 1,500 cars in 2004.",
    "The film 06/05 opened in Amsterdam last week.",
    "She ran the 100m in 10.9 seconds and won by 0.2 seconds.",
    "M. Night Shyamalan's new film opens on Friday.",
    "The Xbox 360 sold 1.5 million units.",
    "It was his 2nd goal of the season and the team's 21st.",
])
def test_native_english_numbers_untouched(text):
    assert _ours(normalizer.check(text)) == []


@pytest.mark.parametrize("bad, good", [
    (" date 2019-07-20 Thousands marched in Paris 07/14 to mark the holiday.",
     " date 2019-07-20 Thousands marched in Paris on July 14 to mark the holiday."),
    ("The strike, which began le 23/11/2019, paralysed the rail network.",
     "The strike, which began on November 23, 2019, paralysed the rail network."),
    ("Voting ends at 18h30 local time, officials said.", "Voting ends at 6:30 pm local time, officials said."),
    ("Around 15 000 people marched in Lyon.", "Around 15,000 people marched in Lyon."),
    ("The budget deficit reached 3,5 % of GDP.", "The budget deficit reached 3.5% of GDP."),
    ("M. Bayrou said the party would vote against.", "Mr. Bayrou said the party would vote against."),
    ("The cathedral dates from the XIIe siècle.", "The cathedral dates from the 12th century."),
    ("Workers marched le 1er mai across the country.", "Workers marched on May 1 across the country."),
    ("Tickets cost 1 250,50 € at the door.", "Tickets cost €1,250.50 at the door."),
    ("The company lost 3,5 millions of euros.", "The company lost 3.5 million euros."),
    ("The porters earn 46.000 rupees a month.", "The porters earn 46,000 rupees a month."),
])
def test_french_forms_fixed(bad, good):
    assert normalizer.fix(bad) == good


def test_day_and_month_resolved_from_the_article_date():
    # 04/05 reads as 4 May (French order) or April 5: the article's date picks the reading.
    text = " date 2021-04-09 The minister announced the plan 04/05 in parliament."
    found = _ours(normalizer.check(text))
    assert found and found[0].suggestions[0] == "on April 5"
    text = " date 2021-05-09 The minister announced the plan 04/05 in parliament."
    assert _ours(normalizer.check(text))[0].suggestions[0] == "on May 4"


def test_dateline_gives_the_article_date_when_there_is_no_prefix():
    doc = Document.from_text("Posted on Aug 30, 2021 at 9:35 am\n\nThe Taliban entered Kabul 08/15.")
    assert dates.article_date(doc) == dt.date(2021, 8, 30)


def test_unresolved_date_is_not_applied_by_default():
    # No article date, both readings possible: two suggestions, below the default level.
    f = _ours(normalizer.check("The plan was approved le 04/05 by the council."))[0]
    assert f.level == "aggressive" and len(f.suggestions) == 2
    assert normalizer.fix("The plan was approved le 04/05 by the council.") == \
        "The plan was approved le 04/05 by the council."


@pytest.mark.parametrize("a, b, year, expected", [
    (15, 8, None, [(8, 15)]),
    (8, 15, None, [(8, 15)]),
    (4, 5, None, [(5, 4), (4, 5)]),
    (31, 2, None, []),
    (29, 2, 2021, []),
])
def test_date_readings(a, b, year, expected):
    assert dates.date_readings(a, b, year) == expected


@pytest.mark.parametrize("n, out", [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"),
                                    (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st")])
def test_english_ordinal(n, out):
    assert dates.english_ordinal(n) == out


@pytest.mark.parametrize("roman, n", [("XX", 20), ("XIX", 19), ("IV", 4), ("XXI", 21), ("IIII", None)])
def test_roman_value(roman, n):
    assert dates.roman_value(roman) == n


@pytest.mark.parametrize("h, m, out", [(14, 30, "2:30 pm"), (0, 15, "12:15 am"), (12, 0, "12 pm"), (9, 5, "9:05 am")])
def test_clock_12h(h, m, out):
    assert dates.clock_12h(h, m) == out
