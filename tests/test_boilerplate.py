"""Boilerplate: the seed's scraped byline goes (with its blank line, logged, undoable); native
furniture-like lines and prose that starts like furniture stay."""

import pytest
import yaml

import normalizer
from normalizer.apply import undo

from conftest import SEEDS


def _ours(findings):
    return [f for f in findings if f.category == "boilerplate"]


def test_seed_byline_removed_with_its_blank_line(mt_text):
    gold = yaml.safe_load((SEEDS / "000_d39dd3bf9bf62004.yaml").read_text(encoding="utf-8"))
    art = next(a for a in gold["artifacts"] if a["category"] == "boilerplate")
    result = normalizer.normalize(mt_text, level="safe")
    assert any(f.text.startswith(art["text"]) and f.level == "safe" for f in _ours(result.findings))
    assert art["text"] not in result.text
    assert "\n\n\n" not in result.text  # no empty paragraph left behind
    assert any(e.category == "boilerplate" for e in result.edits)  # logged like any edit
    assert undo(result.text, result.edits) == mt_text
    assert "assured AFP.\n\nThe Islamic State in Khorasan" in result.text  # paragraphs still apart


def test_native_seed_untouched(en_text):
    # "Also Read | ..." is a legitimate link line of a native English site.
    assert _ours(normalizer.check(en_text)) == []


@pytest.mark.parametrize("text", [
    "Posted on the door of the town hall, the notice asked residents to stay calm.",
    "Published on Wednesday, the study found a sharp rise in admissions.",
    "Updated guidance will follow at 9 am on Monday, the ministry said.",
    "The book was first published in 1998 and reissued in 2004.",
    "Read the full report on the ministry's website.",
    "See also the table on page 4.",
    "Photo ID will be required at polling stations from May.",
    "Pictures taken by a neighbour showed the damage.",
    "Follow the money, the prosecutor told the jury.",
    "Share prices fell 3% in early trading.",
    "The newsletter was sent to 20,000 members.",
    "Subscribers to the service rose by 12% last year.",
    "Also Read | Markets slide as oil prices climb",
    "Related: How the budget affects you",
])
def test_prose_and_native_lines_untouched(text):
    doc = f"The council met on Monday.\n\n{text}\n\nA decision is expected next week."
    assert _ours(normalizer.check(doc)) == []


@pytest.mark.parametrize("line", [
    "Posted on Mar 3, 2022 at 6:12 pm",
    "Published on 12/04/2021 at 14h05 Updated on 12/04/2021 at 16h20",
    "Updated Jan. 5, 2023 10:41 a.m. ET",
    "Read also: The government backs down on pensions",
    "To see also - Drone images of the flooded valley",
    "Article reserved for our subscribers",
    "You have 64% of this article left to read.",
    "Subscribe to our newsletter",
    "Follow us on Twitter",
    "PHOTO JEAN DUPONT, AGENCE FRANCE-PRESSE",
    "Photo: Reuters",
    "Publié le 30 août 2021 à 9h35",
    "À lire aussi : La réforme des retraites adoptée",
])
def test_furniture_line_removed(line):
    text = f"The council met on Monday.\n\n{line}\n\nA decision is expected next week."
    assert normalizer.fix(text) == "The council met on Monday.\n\nA decision is expected next week."


def test_last_line_removed_without_trailing_blank_lines():
    text = "The council met on Monday.\n\nFollow us on Facebook"
    assert normalizer.fix(text) == "The council met on Monday."
