"""French grammatical gender leaking into English pronouns.

French refers to an organisation, a movement, a country or a thing with ``il``/``elle`` and
``son``/``sa``; machine translation turns them into he/his/him or she/her ("the movement … when
he came to power"). This detector scans the sentences in order and keeps a list of the
candidate antecedents it has seen (a light-weight salience model, no parser):

- persons: a title and a name ("Mr. Mujahid", "President Joe Biden"), any other run of two or
  more capitalised words that is not an organisation or a country, a name seen before in full,
  person nouns ("spokesman", "woman", "the 25-year-old"), and every he/she the detector left
  alone (it refers to a person);
- non-persons: collective and organisation nouns ("group", "movement", "government"),
  acronyms of groups ("IS-K", "NATO"), countries, capitalised names headed by an organisation
  word ("Islamic State", "Labour Party"), a few thing nouns ("law", "plan").

A pronoun is flagged only when a non-person is in scope (its sentence or the one before) and no
person of its gender is: none in the same sentence or the one before, none earlier in the same
paragraph. A person further back lowers the confidence; a person named in the same sentence
still leaves room in one construction ("X, whose movement … when he came to power": the pronoun
sits in a clause whose subject is the collective). Once a pronoun is flagged, the next ones of
the same gender follow it until a person of that gender turns up. Pronouns inside quotations
are left alone (the speaker's words, and their referents are often outside the text), and so
are pronouns whose own words name a person ("he said", "his wife"); nor does a pronoun outside a
quotation take a non-person inside one for its antecedent (after a quotation comes its speaker).
A leaked il/elle has the gender of the French noun: a subject he/she whose antecedent is of the
other gender in French ("the service ... she": le service), and with no noun of its own gender
in its sentence before it, keeps a low confidence (reported, not fixed at the default level).

Nearly every he/she of a news text is about a person named nearby, so a gate runs first: each
pronoun is read against what the scan would know whatever names it had learnt by then (a lone
capitalised word may or may not be a name seen before; every pronoun before the first one
flagged is a person of its gender). A text where no pronoun can be the first one flagged is not
scanned; otherwise the scan stops after the last pronoun that can be, when it has flagged none.
The gate reads most sentences only up to the pronoun it judges.

Every word list lives in the rule's settings (rules/fr-en/pronouns.yaml).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

import regex

from ..context import make_finding
from . import register

_WORD_PATTERN = r"[^\W_]+(?:['’\-][^\W_]+)*"
_WORD = regex.compile(_WORD_PATTERN)
_WORD_STD = re.compile(_WORD_PATTERN)  # the same in the standard re module: see _word_pattern
_WordPattern = re.Pattern[str] | regex.Pattern[str]
# Scraped text keeps HTML character references inside words ("Pel&#233;", "S&#227;o Paulo"):
# there a reference is a letter, or the name would split in two and its person be lost.
_CHAR_REFERENCE = r"&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});"
_HAS_CHAR_REFERENCE = re.compile(_CHAR_REFERENCE)
_LETTER_OR_REFERENCE = rf"(?:[^\W_]|{_CHAR_REFERENCE})"
_WORD_WITH_REFERENCES = regex.compile(rf"{_LETTER_OR_REFERENCE}+(?:['’\-]{_LETTER_OR_REFERENCE}+)*")
# A word ends in a letter or a digit, never in an apostrophe: "’s" is its only possessive form.
_POSSESSIVE_ENDINGS = ("'s", "’s")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]*[A-Z](?:-[A-Z0-9]{1,3})?s?")
# he/she and their forms: (gender, grammatical role)
PRONOUNS = {
    "he": ("m", "subject"), "him": ("m", "object"), "his": ("m", "possessive"),
    "himself": ("m", "reflexive"), "she": ("f", "subject"), "her": ("f", "object-or-possessive"),
    "herself": ("f", "reflexive"),
}
_CONTRACTED = regex.compile(r"^(?P<p>he|she)(?P<c>['’](?:s|ll|d))$", regex.IGNORECASE)
# lower-cased word -> the pronoun it is ("he’ll" -> "he")
_PRONOUN_FORMS = {w: w for w in PRONOUNS} | {
    p + apostrophe + ending: p for p in ("he", "she") for apostrophe in "'’" for ending in ("s", "ll", "d")}


# -- settings ---------------------------------------------------------------------------------

class SettingsError(ValueError):
    pass


def _words(settings: dict[str, Any], key: str) -> frozenset[str]:
    words = settings.get(key) or []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        # YAML reads bare yes/no/on/off as booleans: they must be quoted in word lists
        raise SettingsError(f"settings.{key}: expected a list of strings (quote yes/no/on/off)")
    return frozenset(w.lower() for w in words)


@dataclass
class Lexicon:
    """The rule's word lists, lower-cased, built once per rule."""

    titles_m: frozenset[str]
    titles_f: frozenset[str]
    titles: frozenset[str]  # gender-neutral: President, Minister, Dr, ...
    person_nouns_m: frozenset[str]
    person_nouns_f: frozenset[str]
    person_nouns: frozenset[str]
    person_acronyms: frozenset[str]
    collectives: frozenset[str]
    plural_collectives: frozenset[str]
    things: frozenset[str]
    org_headwords: frozenset[str]
    organisations: frozenset[str]
    countries: frozenset[str]
    not_names: frozenset[str]  # capitalised words that name no one: days, months, function words
    name_connectors: frozenset[str]
    person_verbs: frozenset[str]
    mental_verbs: frozenset[str]  # "he believes": a person, when one is in the text not long before
    verb_fillers: frozenset[str]  # adverbs and auxiliaries between a pronoun and its verb
    person_possessions: frozenset[str]
    prepositions: frozenset[str]
    determiners: frozenset[str]
    relative_shadow: frozenset[str]  # "whose"
    not_possessed: frozenset[str]  # words after "her" that make it an object pronoun
    not_person_nouns: frozenset[str]  # "-er"/"-or"/"-ist" words that are no agents
    max_country_words: int
    lookback: int
    distance_factor: dict[int, float]
    whose_confidence: float
    oblique_factor: float
    thing_factor: float
    thing_predicates: frozenset[str] = frozenset()  # "he is adopted": only a thing is
    mental_factor: float = 0.8  # "she believes" with a woman named in an earlier paragraph
    # collective nouns that name a condition or a quantity before "of" and a common noun
    # ("a state of emergency", "a body of evidence", "a chain of events")
    of_senses: frozenset[str] = frozenset()
    # English non-person nouns and places -> "m" or "f", the gender of their usual French
    # translation ("government" -> le gouvernement -> "m"): the gender a leaked il/elle has
    french_genders: dict[str, str] = field(default_factory=dict)
    french_gender_factor: float = 0.6  # the subject pronoun's gender is not its antecedent's
    all_titles: frozenset[str] = field(init=False, repr=False)
    # what each lower-case word makes of a mention (see noun), worked out once per word
    nouns: "_Nouns" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.all_titles = self.titles_m | self.titles_f | self.titles
        self.nouns = _Nouns(self)

    def noun(self, word: str) -> tuple[bool, str | None, bool, bool] | None:
        """(person, gender, plural, thing) of the mention a lower-case word makes, None when
        it makes none."""
        is_person, gender = _person_noun_gender(word, self)
        if is_person:
            return (True, gender, False, False)
        if word in self.collectives or word in self.plural_collectives:
            return (False, None, word in self.plural_collectives, False)
        if word in self.things:
            return (False, None, False, True)
        if _looks_like_person_noun(word, self):
            return (True, None, False, False)
        return None

    @classmethod
    def from_settings(cls, s: dict[str, Any]) -> "Lexicon":
        countries = _words(s, "countries")
        factors = {int(k): float(v) for k, v in (s.get("person_distance_factor") or {}).items()}
        return cls(
            titles_m=_words(s, "titles_masculine"), titles_f=_words(s, "titles_feminine"),
            titles=_words(s, "titles"),
            person_nouns_m=_words(s, "person_nouns_masculine"),
            person_nouns_f=_words(s, "person_nouns_feminine"),
            person_nouns=_words(s, "person_nouns"), person_acronyms=_words(s, "person_acronyms"),
            collectives=_words(s, "collective_nouns"),
            plural_collectives=_words(s, "plural_collectives"), things=_words(s, "thing_nouns"),
            org_headwords=_words(s, "organisation_headwords"), organisations=_words(s, "organisations"),
            countries=countries, not_names=_words(s, "not_names"),
            name_connectors=_words(s, "name_connectors"), person_verbs=_words(s, "person_verbs"),
            mental_verbs=_words(s, "mental_verbs"),
            verb_fillers=_words(s, "verb_fillers"), person_possessions=_words(s, "person_possessions"),
            prepositions=_words(s, "prepositions"), determiners=_words(s, "determiners"),
            relative_shadow=_words(s, "relative_shadow"), not_possessed=_words(s, "not_possessed"),
            not_person_nouns=_words(s, "not_person_nouns"),
            max_country_words=max((len(c.split()) for c in countries), default=1),
            lookback=int(s.get("lookback", 4)),
            distance_factor=factors or {2: 0.75, 3: 0.85},
            whose_confidence=float(s.get("whose_confidence", 0.6)),
            oblique_factor=float(s.get("oblique_factor", 0.9)),
            thing_factor=float(s.get("thing_factor", 0.85)),
            thing_predicates=_words(s, "thing_predicates"),
            mental_factor=float(s.get("mental_factor", 0.8)),
            of_senses=_words(s, "of_senses"),
            french_genders=_french_genders(s),
            french_gender_factor=float(s.get("french_gender_factor", 0.6)),
        )

    def french_gender(self, name: str) -> str | None:
        """The French gender of a non-person's name or noun: of the last word with one before
        any "of" ("Bank of France" -> banque, "Charbonneau Commission" -> commission), else of
        the whole name ("North Korea"); None when unknown."""
        words = name.lower().replace("’s", "").replace("'s", "").split()
        if not words:
            return None
        whole = self.french_genders.get(" ".join(words))
        if whole is not None:
            return whole
        head = words[: words.index("of")] if "of" in words else words
        return next((g for g in map(self.french_genders.get, reversed(head)) if g is not None), None)


def _french_genders(s: dict[str, Any]) -> dict[str, str]:
    masculine, feminine = _words(s, "french_masculine"), _words(s, "french_feminine")
    both = masculine & feminine
    if both:
        raise SettingsError(f"settings: {sorted(both)} both in french_masculine and french_feminine")
    return {w: "m" for w in masculine} | {w: "f" for w in feminine}


class _Nouns(dict):
    """Lexicon.noun of each lower-case word seen: the same words come back in every document,
    and a dictionary lookup needs no Python call."""

    KEPT = 100_000  # words remembered at most: a long run must not grow without bound

    def __init__(self, lex: Lexicon):
        super().__init__()
        self.lex = lex

    def __missing__(self, word: str) -> tuple[bool, str | None, bool, bool] | None:
        if len(self) >= self.KEPT:
            self.clear()
        kind = self[word] = self.lex.noun(word)
        return kind


_LEXICONS: dict[int, tuple[Any, Lexicon]] = {}


def lexicon(rule) -> Lexicon:
    key = id(rule)
    hit = _LEXICONS.get(key)
    if hit is None or hit[0] is not rule:
        try:
            hit = (rule, Lexicon.from_settings(rule.settings or {}))
        except SettingsError as exc:
            from ..errors import RuleError

            raise RuleError(rule.path, str(exc), rule.id, "settings") from None
        _LEXICONS[key] = hit
    return hit[1]


# -- mentions ---------------------------------------------------------------------------------

class Token(NamedTuple):
    """A word and the forms the scan compares, each worked out once (the scan looks at every
    word several times). A tuple, built by the ten thousand: much cheaper than an object."""

    start: int
    end: int
    text: str
    lower: str
    capitalised: bool

    @property
    def possessive(self) -> bool:
        return self.text.endswith(_POSSESSIVE_ENDINGS)

    @property
    def stem(self) -> str:
        """The word without a possessive ending ("Biden’s" -> "Biden")."""
        return self.text[:-2] if self.possessive else self.text

    @property
    def bare(self) -> str:
        """Lower case without a possessive ending ("Biden’s" -> "biden")."""
        text = self.text  # (possessive written out: asked of every capitalised word)
        return text[:-2].lower() if text.endswith(_POSSESSIVE_ENDINGS) else self.lower


_new_tuple = tuple.__new__  # skips NamedTuple's Python-level __new__


def _token_of(m: re.Match[str] | regex.Match[str]) -> Token:
    w = m.group()
    return _new_tuple(Token, (m.start(), m.end(), w, w.lower(), w[:1].isupper()))


@dataclass
class Mention:
    sent: int  # index among the document's sentences
    pos: int  # character offset
    person: bool
    gender: str | None  # "m", "f" or None (unknown or not a person)
    text: str
    plural: bool = False
    oblique: bool = False  # inside a prepositional phrase: less likely the antecedent
    thing: bool = False  # a thing noun rather than a group
    coordinated: bool = False  # one of "X and Y"
    chain_of: "Mention | None" = None  # a flagged pronoun: the non-person it stands for
    confidence: float = 0.0
    by_name: bool = False  # a lone word that is a person because that name was seen before


@dataclass
class State:
    """What the scan remembers: every mention so far and the names seen in full."""

    mentions: list[Mention] = field(default_factory=list)
    names: dict[str, str | None] = field(default_factory=dict)  # lower-cased name word -> gender


class _Pronoun(NamedTuple):
    """A he/she/him/... word of the text and its sentence."""

    start: int
    end: int
    gender: str
    role: str
    sent: int


class _EveryName(dict):
    """``State.names`` for a reading that cannot know them: any word may be a name seen
    before, of unknown gender. What the reading adds is kept but changes nothing."""

    def __contains__(self, word: object) -> bool:
        return True

    def __getitem__(self, word: str) -> None:
        return None

    def get(self, word: str, default: object = None) -> None:
        return None


_STD_AGREES: dict[str, bool] = {}  # non-ASCII character -> re and regex agree whether it is in a word


def _word_pattern(text: str) -> _WordPattern:
    """``_WORD`` for ``text``: in the standard re module, twice as fast, unless the text has a
    character that re and regex do not agree is part of a word (a few rare ones: combining
    marks, some symbols and numerals). A text with HTML character references reads them as
    letters."""
    if "&" in text and _HAS_CHAR_REFERENCE.search(text):
        return _WORD_WITH_REFERENCES
    if not text.isascii():
        for c in _non_ascii_characters(text):
            agrees = _STD_AGREES.get(c)
            if agrees is None:
                agrees = _STD_AGREES[c] = bool(_WORD_STD.match(c)) == bool(_WORD.match(c))
            if not agrees:
                return _WORD
    return _WORD_STD


_ASCII_BYTES = bytes(range(128))


def _non_ascii_characters(text: str) -> set[str]:
    """The characters of ``text`` beyond ASCII: its UTF-8 bytes less the ASCII ones are theirs
    (every byte of a longer character is 0x80 or more), and bytes.translate drops them at C
    speed, where a search for the others tries each position. (A lone surrogate, which UTF-8
    cannot hold, is encoded as if it could.)"""
    utf8 = text.encode("utf-8", "surrogatepass")
    return set(utf8.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


def _tokens(word: _WordPattern, text: str, start: int, end: int) -> list[Token]:
    """The words (``word``: see _word_pattern) of text[start:end], at their offsets in ``text``."""
    return list(map(_token_of, word.finditer(text, start, end)))


_token_end = attrgetter("end")


def _leading_tokens(word: _WordPattern, text: str, start: int, end: int,
                    lex: Lexicon) -> list[Token]:
    """The first word of text[start:end] and the next ones up to the first that is no verb
    filler or passive auxiliary: all _next_word, _own_words_need_person and
    Scanner._thing_predicate read of the first one."""
    toks: list[Token] = []
    for m in word.finditer(text, start, end):
        toks.append(_token_of(m))
        if len(toks) > 1 and toks[-1].lower not in lex.verb_fillers and toks[-1].lower not in _PASSIVE_AUX:
            break
    return toks


def _oblique(text: str, toks: list[Token], i: int, lex: Lexicon) -> bool:
    """True when toks[i] is inside a prepositional phrase: it follows a preposition (past
    determiners and adjectives, never past punctuation), or it is coordinated with a word that
    does ("in Afghanistan and Pakistan")."""

    def adjacent(j: int) -> bool:
        return text[toks[j].end : toks[j + 1].start].isspace()

    j = i - 1
    while j >= 0 and toks[j].lower in lex.determiners and adjacent(j):
        j -= 1
    if j < 0 or not adjacent(j):
        return False
    if toks[j].lower in ("and", "or") and j > 0:
        j -= 1
        while j > 0 and toks[j].capitalised and toks[j - 1].capitalised:
            j -= 1  # to the first word of the conjunct before ("Saudi Arabia and ...")
        return _oblique(text, toks, j, lex)
    return toks[j].lower in lex.prepositions


def _joined(text: str, a: Token, b: Token, titles: frozenset[str]) -> bool:
    """True when only spaces separate two words of one name (or the period of "Mr." or of an
    initial, as in "George W. Bush")."""
    gap = text[a.end : b.start]
    if gap and gap.isspace():
        return True
    return (gap[:1] == "." and gap[1:].isspace() and gap[1:] != ""
            and (a.lower in titles or (len(a.text) == 1 and a.text.isupper())))


def _caps_runs(text: str, toks: list[Token], lex: Lexicon) -> list[tuple[int, int]]:
    """Runs [a, b) of capitalised words, allowing connectors inside ("Bank of England"). A run
    ends at punctuation, after a possessive ("Labour's Elizabeth Blackman") and before a title
    that follows other words ("US President George Bush")."""
    titles = lex.all_titles
    runs = []
    end = 0  # where the last run ends
    for i in [k for k, t in enumerate(toks) if t.capitalised and t.lower not in PRONOUNS]:
        if i < end:
            continue  # inside the last run
        j = i + 1
        while j < len(toks):
            if toks[j].capitalised and toks[j].lower not in PRONOUNS:
                if toks[j - 1].possessive or not _joined(text, toks[j - 1], toks[j], titles):
                    break
                if (toks[j].bare in titles and toks[j - 1].bare not in titles
                        and not (toks[j - 1].bare in lex.org_headwords and j + 1 < len(toks)
                                 and toks[j + 1].lower == "of")):
                    break
                j += 1
            elif (toks[j].lower in lex.name_connectors and j + 1 < len(toks) and toks[j + 1].capitalised
                  and not toks[j - 1].possessive and _joined(text, toks[j - 1], toks[j], titles)
                  and _joined(text, toks[j], toks[j + 1], titles)):
                j += 2
            else:
                break
        runs.append((i, j))
        end = j
    return runs


def _is_acronym(tok: Token) -> bool:
    return _ACRONYM.fullmatch(tok.stem) is not None


def _is_country(words: list[str], lex: Lexicon) -> bool:
    return " ".join(words) in lex.countries


def _is_organisation(words: list[str], lex: Lexicon) -> bool:
    """Headed by an organisation word: last ("Labour Party") or before "of" ("Bank of England")."""
    heads = lex.org_headwords
    if words[-1] in heads or words[-1] in lex.organisations:
        return True
    for n, w in enumerate(words):
        if "-" in w and any(p in heads for p in w.split("-")):
            return True  # "Islamic State-Khorasan"
        if w in heads and n + 1 < len(words) and words[n + 1] in ("of", "for"):
            return True
    return False


def _classify_run(doc_text: str, toks: list[Token], a: int, b: int, sent: int, names: dict[str, str | None],
                  lex: Lexicon) -> Mention | None:
    """One mention for a run of capitalised tokens, or None when it names no one. ``names`` are
    the names seen so far (``State.names``); the run's own names are added to them."""
    while a < b and toks[a].bare in lex.not_names:
        a += 1
    if a >= b:
        return None
    run = toks[a:b]
    words = [t.bare for t in run]
    pos, text = run[0].start, " ".join(t.text for t in run)
    oblique = _oblique(doc_text, toks, a, lex)

    def group(plural: bool = False) -> Mention:
        return Mention(sent, pos, False, None, text, plural=plural, oblique=oblique)

    def person(gender: str | None, by_name: bool = False) -> Mention:
        return Mention(sent, pos, True, gender, text, oblique=oblique, by_name=by_name)

    if _is_organisation(words, lex):
        return group(words[-1] in lex.plural_collectives)
    if _is_country(words, lex):
        return group()
    # a title, then a name: a person, gendered by the title
    titles = lex.all_titles
    title_gender, k = None, 0
    while k < len(words) and words[k] in titles:
        w = words[k]
        title_gender = "m" if w in lex.titles_m else "f" if w in lex.titles_f else title_gender
        k += 1
    if k and k < len(words) and words[k] in lex.org_headwords:
        return group()
    if _followed_by_which(doc_text, run[-1].end):
        return group()
    if k:
        for w in words[k:]:
            if w not in lex.name_connectors:
                names[w] = title_gender or names.get(w)
        return person(title_gender)
    if len(run) == 1:
        w = words[0]
        if w in lex.person_acronyms or w in lex.person_nouns:
            return person(None)
        if _is_acronym(run[0]):
            return group()
        if w in names:
            return person(names[w], by_name=True)
        if _verb_follows(doc_text, toks, b - 1, lex) or _followed_by_who(doc_text, run[-1].end):
            return person(None)
        return None  # a lone capitalised word: a place, an adjective ("Sunni line"), unknown
    if any(w in lex.org_headwords for w in words):
        return group()
    # two or more capitalised words and no organisation word: a person's name
    for w in words:
        if w not in lex.name_connectors:
            names.setdefault(w, None)
    return person(None)


_WHICH_AFTER = regex.compile(r"[ \t]*,?[ \t]*which\b")
_WHO_AFTER = regex.compile(r"[ \t]*,?[ \t]*who\b")
# The same without the word boundary, in the standard re module: a name is seldom followed by
# either word, and re tells so faster; the regex module, whose word characters are the
# scan's, settles the boundary only after a hit.
_WHICH_NEAR = re.compile(r"[ \t]*,?[ \t]*which")
_WHO_NEAR = re.compile(r"[ \t]*,?[ \t]*who")


def _followed_by_which(text: str, end: int) -> bool:
    """A name followed by "which" is no person ("Benfica, which trained him"): English
    uses "who" for people."""
    return _WHICH_NEAR.match(text, end) is not None and _WHICH_AFTER.match(text, end) is not None


def _verb_follows(text: str, toks: list[Token], k: int, lex: Lexicon) -> bool:
    """True when toks[k] is directly followed by a verb that takes a person or by an
    auxiliary or a past tense ("Rowling revealed", "Kilroy has"): a lone capitalised word
    used so is more likely a person's name than a place or an adjective."""
    if k + 1 >= len(toks) or not text[toks[k].end : toks[k + 1].start].isspace():
        return False
    w = toks[k + 1].lower
    return (w in lex.person_verbs or w in _AUXILIARIES
            or (w.endswith("ed") and len(w) > 4 and not toks[k + 1].capitalised))


def _followed_by_who(text: str, end: int) -> bool:
    """A lone capitalised word followed by "who" is a person ("a Jamaican who joined")."""
    return _WHO_NEAR.match(text, end) is not None and _WHO_AFTER.match(text, end) is not None


def _person_noun_gender(word: str, lex: Lexicon) -> tuple[bool, str | None]:
    if word in lex.person_nouns_m:
        return True, "m"
    if word in lex.person_nouns_f:
        return True, "f"
    if word in lex.person_nouns or word.endswith("-year-old"):
        return True, None
    if word.endswith("woman") or word.endswith("women"):
        return word.endswith("woman"), "f"
    if word.endswith("man") and len(word) > 5 and word not in lex.things:
        return True, "m"
    return False, None


_PASSIVE_AUX = frozenset({"be", "been", "being", "are", "were", "get", "gets", "got"})
_AUXILIARIES = frozenset({"has", "had", "is", "was", "will", "would", "can", "could", "may",
                          "might", "should", "must", "does", "did"})
_COORDINATION = regex.compile(r"^\s*,?\s*(?:and|or|nor)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?$",
                              regex.IGNORECASE)
# Its opening in the standard re module, asked first of every gap between two mentions: few
# gaps open with a conjunction, and re tells so faster (its \s holds every space of the regex
# module's, and no other letter than a, d, n, o, r matches these words case aside).
_COORDINATION_OPENS = re.compile(r"\s*,?\s*(?:and|or|nor)\s", re.IGNORECASE)


def _looks_like_person_noun(word: str, lex: Lexicon) -> bool:
    """Agent nouns not in the lists ("blogger", "attendant", "tourist"), minus the common
    things with the same endings (``not_person_nouns``)."""
    return (len(word) >= 6 and word.endswith(("er", "or", "ist", "ian", "ant"))
            and word not in lex.not_person_nouns and "-" not in word)


def _of_a_common_noun(text: str, toks: list[Token], k: int) -> bool:
    """True when toks[k] is followed by "of" and a lower-case word ("state of emergency"), not
    by a name ("the State of Israel") or a determiner ("the state of the economy" is still
    no group, but "the body of the party" may be)."""
    return (k + 2 < len(toks) and toks[k + 1].lower == "of" and not toks[k + 2].capitalised
            and toks[k + 2].lower not in _DETERMINERS_AFTER_OF
            and text[toks[k].end : toks[k + 2].start].strip() == "of")


_DETERMINERS_AFTER_OF = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that",
                                   "these", "those", "our", "your"})


def _mark_coordinated(mentions: list[Mention], text: str) -> None:
    """"Labour and the Tories", "France or Germany": a coordinated pair is plural, so neither
    is the antecedent of he/she."""
    for a, b in zip(mentions, mentions[1:]):
        gap_start = a.pos + len(a.text)
        if (a.sent == b.sent and _COORDINATION_OPENS.match(text, gap_start, b.pos)
                and _COORDINATION.match(text[gap_start : b.pos])):
            a.plural = b.plural = True
            a.coordinated = b.coordinated = True


def _next_word(toks: list[Token], i: int, lex: Lexicon) -> str | None:
    j = i + 1
    while j < len(toks) and toks[j].lower in lex.verb_fillers:
        j += 1
    return toks[j].lower if j < len(toks) else None


def _own_words_need_person(text: str, toks: list[Token], k: int, role: str, nxt: str | None,
                           lex: Lexicon) -> bool:
    """True when the words of the pronoun toks[k] need a person ("he said", "his wife") or
    make it an independent possessive ("the decision was his."); ``nxt`` is its next word."""
    if role == "subject" and nxt in lex.person_verbs:
        return True
    if role in ("possessive", "object-or-possessive") and nxt in lex.person_possessions:
        return True
    return role == "possessive" and k + 1 < len(toks) and bool(text[toks[k].end : toks[k + 1].start].strip())


def _own_noun_phrase(text: str, toks: list[Token], k: int, role: str) -> frozenset[int]:
    """Where the words of the noun phrase a possessive toks[k] determines start ("his new
    ambassador"): up to three lower-case words joined to it by spaces. Its own head noun is
    never its antecedent: "France recalled his ambassador" has no person for "his" to be.
    Not "her", which may be an object ("got her pregnant"): the words after it may be
    another phrase."""
    if role != "possessive":
        return frozenset()
    starts, j = [], k + 1
    while j < len(toks) and j <= k + 3 and not toks[j].capitalised and text[toks[j - 1].end : toks[j].start] == " ":
        starts.append(toks[j].start)
        j += 1
    return frozenset(starts)


def _compound_head(text: str, mentions: list[Mention], n: int) -> Mention:
    """mentions[n], or the last of the non-persons that follow it with only spaces between: a
    compound's head is its last noun ("the ruling party", "the US media giant")."""
    m = mentions[n]
    while (n + 1 < len(mentions) and not mentions[n + 1].person
           and text[m.pos + len(m.text) : mentions[n + 1].pos].isspace()):
        n += 1
        m = mentions[n]
    return m


def _surely_compatible(m: Mention, gender: str) -> bool:
    """A person compatible with a pronoun of ``gender`` whatever the scan has learnt: not one
    taken for a name seen before, of that gender or of none (the scan may yet give it one)."""
    return m.person and not m.by_name and m.gender in (None, gender)


def _possible_subjects(text: str, mentions: list[Mention]) -> tuple[list[Mention], bool]:
    """The subjects ``Scanner._subject`` may find among a reading's mentions, whatever names it
    knows, and whether it may find none. A mention ``by_name`` may be missing from the scan (a
    word it does not know), so each one before the first sure mention outside a prepositional
    phrase may be the subject or be passed over. Missing or not, it never changes a compound:
    its words stand between its neighbours."""
    heads = []
    for n, m in enumerate(mentions):
        if not m.oblique:
            heads.append(_compound_head(text, mentions, n))
            if not m.by_name:
                return heads, False
    return heads, True


def _may_be_antecedent(subject: Mention, thing_ok: bool) -> bool:
    return not subject.person and (thing_ok or not subject.thing)


def _french_noun_of_gender(toks: list[Token], gender: str, lex: Lexicon) -> bool:
    """True when a word of ``toks`` is a noun whose French translation has ``gender``: the
    leaked pronoun may stand for it rather than for the antecedent the scan picked ("penalised
    by inflation which, even if she decelerated": l'inflation)."""
    genders = lex.french_genders
    return any(genders.get(t.lower) == gender for t in toks)


# -- the scan ---------------------------------------------------------------------------------

_GENDER_NAMES = {"m": "masculine", "f": "feminine"}
_OTHER_SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "they"})
_OPENING_CONJUNCTIONS = frozenset({"and", "but", "so", "yet", "or", "then", "now"})

@dataclass
class Candidate:
    pronoun: Token
    gender: str
    role: str
    antecedent: Mention
    confidence: float
    why: str


def _compatible(m: Mention, gender: str) -> bool:
    return m.person and (m.gender is None or m.gender == gender)


def _pick_antecedent(mentions: list[Mention], lex: Lexicon) -> tuple[Mention | None, float]:
    """The most salient non-person: the latest that is not inside a prepositional phrase, else
    the latest; a thing noun counts less than a group."""
    groups = [m for m in mentions if not m.person and m.chain_of is None]
    if not groups:
        return None, 0.0
    for pool, factor in (([m for m in groups if not m.oblique and not m.thing]), 1.0), \
                        (([m for m in groups if not m.thing]), lex.oblique_factor), \
                        ((groups), lex.thing_factor):
        if pool:
            return pool[-1], factor
    return None, 0.0


def _whose_shadow(text: str, toks: list[Token], person_pos: int, pronoun_i: int,
                  sent_mentions: list[Mention], lex: Lexicon) -> Mention | None:
    """In "X, whose movement made a promise when he came to power" the pronoun sits in a clause
    whose subject is a collective: return that collective, else None. The relative clause must
    still be running (no punctuation between "whose" and the pronoun)."""
    for k in range(pronoun_i - 1, -1, -1):
        if toks[k].start <= person_pos:
            return None
        if regex.search(r"[,;:()—–\"“”]", text[toks[k].end : toks[k + 1].start]):
            return None
        if toks[k].lower in lex.relative_shadow:
            for m in sent_mentions:
                if (not m.person and m.chain_of is None and toks[k].end < m.pos < toks[pronoun_i].start
                        and m.pos <= toks[min(k + 3, len(toks) - 1)].start):
                    return m
            return None
    return None


class Scanner:
    def __init__(self, doc, rule, lex: Lexicon):
        self.doc, self.rule, self.lex = doc, rule, lex
        self.state = State()
        self._word = _word_pattern(doc.text)
        self.pronouns = [_new_tuple(_Pronoun, (a, b, *PRONOUNS[w], doc.sentence_index(a)))
                         for a, b, w in _pronoun_words(self._word, doc.text, doc.prefix.end)]
        # Only pronouns are judged: the sentences after the last one's are never looked at.
        reach = self.pronouns[-1].sent + 1 if self.pronouns else 0
        self._paragraph_starts = [p.start for p in doc.paragraphs]
        text = doc.text
        # a sentence ending on a terminal mark is no heading: only the others need a closer look
        self.counted = [text[s.end - 1] in _TERMINAL_MARKS or not _is_heading(text[s.start : s.end])
                        for s in doc.sentences[:reach]]
        self._counted_through = list(itertools.accumulate(self.counted))  # a distance is a difference
        # (sentence, end or None) -> its words (the gate reads some first, some up to a pronoun)
        self._words: dict[tuple[int, int | None], list[Token]] = {}
        self._readings: dict[tuple[int, int | None], tuple[list[Mention], list[Mention]]] = {}
        self._opens_with_pronoun: dict[int, bool] = {}

    def _paragraph(self, pos: int) -> int:
        k = bisect.bisect_right(self._paragraph_starts, pos) - 1
        return k if k >= 0 and pos < self.doc.paragraphs[k].end else -1

    def _same_paragraph(self, a: int, b: int) -> bool:
        """True when sentences ``a`` and ``b`` are in one paragraph (worked out when asked: a
        distance mostly settles the question first)."""
        sentences = self.doc.sentences
        return self._paragraph(sentences[a].start) == self._paragraph(sentences[b].start)

    def run(self) -> list[Candidate]:
        first = self._last_possible_first(self.pronouns)
        if first is None:
            return []  # the gate: no pronoun can be flagged, so none will be
        found: list[Candidate] = []
        for i in range(len(self.counted)):
            if not found and self.doc.sentences[i].start > first:
                break  # nothing flagged yet, and no later pronoun can be the first one
            found.extend(self._sentence(i, self._sentence_words(i)))
        return found

    def _sentence_words(self, i: int, end: int | None = None) -> list[Token]:
        """The words of sentence ``i``; with ``end``, those that end by offset ``end`` (the gate
        reads most sentences only up to a pronoun: the words after it are not looked for)."""
        words = self._words.get((i, end))
        if words is None:
            whole = self._words.get((i, None))
            if whole is not None:
                words = whole[: bisect.bisect_right(whole, end, key=_token_end)]
            else:
                span = self.doc.sentences[i]
                start = max(span.start, self.doc.prefix.end)  # a metadata prefix is no part of the prose
                stop = span.end if end is None else end
                words = _tokens(self._word, self.doc.text, start, stop) if start < stop else []
            self._words[i, end] = words
        return words

    def _mentions_of(self, i: int, toks: list[Token],
                     names: dict[str, str | None]) -> list[tuple[int, Mention]]:
        """(token index, mention) for the names and nouns of one sentence (pronouns aside)."""
        lex, out = self.lex, []
        text = self.doc.text
        for a, b in _caps_runs(text, toks, lex):
            m = _classify_run(text, toks, a, b, i, names, lex)
            if m is not None:
                out.append((a, m))
        nouns = lex.nouns
        for k, t in enumerate(toks):
            if t.capitalised:
                continue
            noun = nouns[t.lower]
            possessor = noun is None and t.text.endswith(_POSSESSIVE_ENDINGS)
            if possessor:
                # "the president's party": the president is in the text (a person in reach),
                # but as a possessor, not the clause's subject (the head noun after it is)
                noun = nouns[t.bare]
            if noun is not None:
                person, gender, plural, thing = noun
                if not person and t.lower in lex.of_senses and _of_a_common_noun(text, toks, k):
                    continue  # "an advanced state of illness", "a body of evidence": no group
                out.append((k, Mention(i, t.start, person, gender, t.text, plural=plural, thing=thing,
                                       oblique=possessor or _oblique(text, toks, k, lex))))
        out.sort(key=lambda x: x[1].pos)
        return out

    def _subject(self, i: int, before: int | None = None) -> Mention | None:
        """The first mention of sentence ``i`` outside a prepositional phrase (before offset
        ``before``): its subject, near enough, and the likeliest antecedent of a pronoun."""
        mentions = [m for m in self.state.mentions if m.sent == i and (before is None or m.pos < before)]
        for n, m in enumerate(mentions):
            if not m.oblique:
                return _compound_head(self.doc.text, mentions, n)
        return None

    def _distance(self, sent_a: int, sent_b: int) -> int:
        """Sentences from a to b, not counting headings."""
        return self._counted_through[sent_b] - self._counted_through[sent_a] if sent_b > sent_a else 0

    def _counted_before(self, i: int) -> int | None:
        """The sentence before sentence ``i``, headings skipped."""
        return next((j for j in range(i - 1, -1, -1) if self.counted[j]), None)

    def _subject_antecedent(self, i: int, pos: int, allow_thing: bool = False) -> Mention | None:
        """The non-person subject of this sentence (before the pronoun) or, failing any
        subject there, of the sentence before; None when that subject is a person, a thing or
        two things coordinated ("Labour and the Tories")."""
        if self._opens_with_other_pronoun(i):
            return None
        subj = self._subject(i, pos)
        if subj is None:
            prev = self._counted_before(i)
            if prev is None or self._opens_with_other_pronoun(prev):
                return None
            subj = self._subject(prev)
        if subj is None or subj.person or subj.chain_of is not None or subj.coordinated:
            return None
        if subj.thing and not allow_thing:
            return None
        if self._quoted(subj):
            return None  # the speaker's words: "'Our government is ineffective.' And he warned"
        return subj

    def _opens_with_other_pronoun(self, i: int) -> bool:
        """True when sentence ``i`` opens with I, we, you or they (after "and", "but"...): that
        pronoun is its subject, and the first noun is no subject at all ("They will play a part
        in winning the country round. Future generations will thank him")."""
        opens = self._opens_with_pronoun.get(i)
        if opens is None:
            span = self.doc.sentences[i]
            words = self._word.finditer(self.doc.text, max(span.start, self.doc.prefix.end), span.end)
            first = next(words, None)
            word = first.group().lower() if first else ""
            if word in _OPENING_CONJUNCTIONS:
                second = next(words, None)
                word = second.group().lower() if second else ""
            opens = self._opens_with_pronoun[i] = word in _OTHER_SUBJECT_PRONOUNS
        return opens

    def _quoted(self, m: Mention) -> bool:
        """True when mention ``m`` lies inside a quotation. A pronoun outside one (the only
        kind judged) does not take its antecedent from a quoted sentence: what comes after a
        quotation is about its speaker, a person."""
        return self.doc.in_quote(m.pos, m.pos + len(m.text))

    def _sentence(self, i: int, toks: list[Token]) -> list[Candidate]:
        doc, lex, state = self.doc, self.lex, self.state
        sent_mentions = self._mentions_of(i, toks, state.names)
        # (only the scan asks whether a mention is coordinated: the gate's readings never do)
        _mark_coordinated([m for _, m in sent_mentions], doc.text)
        found = []
        cursor = 0  # mentions of this sentence are added as the scan passes them
        for k, t in enumerate(toks):
            while cursor < len(sent_mentions) and sent_mentions[cursor][1].pos < t.start:
                state.mentions.append(sent_mentions[cursor][1])
                cursor += 1
            word = _PRONOUN_FORMS.get(t.lower)
            if word is None:
                continue
            gender, role = PRONOUNS[word]
            cand = self._judge(i, k, toks, gender, role, [m for _, m in sent_mentions])
            if cand is None:
                if not doc.in_quote(t.start, t.end):
                    self._learn_gender(i, t.start, gender)
                state.mentions.append(Mention(i, t.start, True, gender, t.text, oblique=role != "subject"))
            else:
                found.append(cand)
                state.mentions.append(Mention(i, t.start, False, gender, t.text, oblique=role != "subject",
                                              chain_of=cand.antecedent, confidence=cand.confidence))
        state.mentions.extend(m for _, m in sent_mentions[cursor:])
        return found

    def _learn_gender(self, i: int, pos: int, gender: str) -> None:
        """A pronoun left alone refers to a person: when the nearest person before it (this
        sentence or the one before) is of unknown gender, a name or a noun, it takes the
        pronoun's gender ("President Joko Widodo ... his ministers", "the striker ... signed
        him"), so that a pronoun of the other gender later on is not taken for them."""
        for m in reversed(self.state.mentions):
            if self._distance(m.sent, i) > 1:
                return
            if not m.person or m.pos >= pos:
                continue
            if m.gender is None and m.chain_of is None:
                m.gender = gender
                for w in m.text.lower().split():
                    if self.state.names.get(w, gender) is None:
                        self.state.names[w] = gender
                self._learn_apposed(m, gender)
            return

    def _learn_apposed(self, named: Mention, gender: str) -> None:
        """The person noun right before a name is the same person ("the minister Anil
        Varma"): it takes the name's gender too."""
        ms = self.state.mentions
        k = next((n for n in range(len(ms) - 1, -1, -1) if ms[n] is named), None)
        if k:
            before = ms[k - 1]
            if (before.person and before.gender is None and before.sent == named.sent
                    and self.doc.text[before.pos + len(before.text) : named.pos].isspace()):
                before.gender = gender

    def _judge(self, i: int, k: int, toks: list[Token], gender: str, role: str,
               sent_mentions: list[Mention]) -> Candidate | None:
        doc, lex = self.doc, self.lex
        t = toks[k]
        if doc.in_quote(t.start, t.end):
            return None
        nxt = _next_word(toks, k, lex)
        if _own_words_need_person(doc.text, toks, k, role, nxt, lex):
            return None
        # a person later in the same sentence ("When he arrived, Mr Smith said ...", "In her
        # ruling, the judge said ..."), unless a noun inside a prepositional phrase ("in exile")
        # A subject pronoun opening the sentence cannot stand for a noun later in its own
        # clause ("She believes that the executive ..."): only a preposed clause can look
        # ahead.
        opens_sentence = role == "subject" and k == 0
        own = _own_noun_phrase(doc.text, toks, k, role)
        if not opens_sentence and any(
                m.person and m.pos > t.start and m.pos not in own and _compatible(m, gender)
                and (m.text[:1].isupper() or not m.oblique)
                for m in sent_mentions):
            return None
        mentions = self.state.mentions
        anchor = next((m for m in reversed(mentions)
                       if _compatible(m, gender) or (m.chain_of is not None and m.gender == gender)), None)
        if anchor is not None and self._distance(anchor.sent, i) > lex.lookback:
            anchor = None
        thing_verb = role == "subject" and self._thing_predicate(toks, k)
        conf = self.rule.confidence
        if role == "subject" and nxt in lex.mental_verbs:
            near = [m for m in mentions
                    if _compatible(m, gender) and self._distance(m.sent, i) <= lex.lookback]
            if any(self._same_paragraph(m.sent, i) for m in near):
                return None  # "he believes", with a man named earlier in the paragraph
            if near:  # named in an earlier paragraph: "she believes" may still be the group's
                if anchor is not None and anchor.chain_of is not None:
                    return None  # ... but not by way of an earlier flagged pronoun
                conf *= lex.mental_factor
        if anchor is not None and anchor.chain_of is not None:
            # the pronoun goes on referring to what the last flagged one stood for, or to a
            # group named since
            scope = [m for m in mentions if self._distance(m.sent, i) <= 1 and m.pos > anchor.pos]
            newer, _ = _pick_antecedent(scope, lex)
            antecedent = newer if newer is not None and not newer.plural else anchor.chain_of
            return Candidate(t, gender, role, antecedent, anchor.confidence,
                             f"continues the pronoun for {anchor.chain_of.text!r}")
        if anchor is not None and anchor.sent == i:
            shadow = _whose_shadow(doc.text, toks, anchor.pos, k, sent_mentions, lex)
            if shadow is None:
                return None
            return Candidate(t, gender, role, shadow, lex.whose_confidence,
                             f"in a clause whose subject is {shadow.text!r}")
        why = "no person of that gender in the text before"
        if anchor is not None:
            d = self._distance(anchor.sent, i)
            if d <= 1 or self._same_paragraph(anchor.sent, i):
                return None
            conf *= lex.distance_factor.get(d, 1.0)
            why = f"the last person of that gender is {d} sentences back"
        antecedent = self._subject_antecedent(i, t.start, allow_thing=thing_verb)
        if antecedent is None:
            return None
        if antecedent.thing:
            conf *= lex.thing_factor
        if role == "subject" and not antecedent.plural:
            # A leaked il/elle has the gender of the French noun: "she" after "the service"
            # (le service) is unlikely to be one. Possessives agree with what is possessed in
            # French (son/sa), and "him" may be "lui" (either gender): only he/she tell.
            french = lex.french_gender(antecedent.text)
            if french is not None and french != gender and not _french_noun_of_gender(toks[:k], gender, lex):
                conf *= lex.french_gender_factor
                why += f"; but {antecedent.text!r} is {_GENDER_NAMES[french]} in French"
        return Candidate(t, gender, role, antecedent, round(conf, 4), why)

    def _thing_predicate(self, toks: list[Token], k: int) -> bool:
        """True when the subject pronoun at ``k`` is followed (past auxiliaries and adverbs)
        by a participle only a thing takes: "he is adopted" (a bill), "she will be ratified"."""
        j = k + 1
        while j < len(toks) and (toks[j].lower in self.lex.verb_fillers or toks[j].lower in _PASSIVE_AUX):
            j += 1
        return j < len(toks) and j > k + 1 and toks[j].lower in self.lex.thing_predicates

    # -- the gate: which pronoun can be the first one flagged -----------------------------------

    def _last_possible_first(self, pronouns: list[_Pronoun]) -> int | None:
        """Offset of the last pronoun the scan may flag first, None when it can flag none."""
        before: list[_Pronoun | None] = []  # the pronoun of the same gender before each
        last: dict[str, _Pronoun] = {}
        for p in pronouns:
            before.append(last.get(p.gender))
            last[p.gender] = p
        others = {g: [p.start for p in pronouns if p.gender != g] for g in ("m", "f")}
        for p, prev in zip(reversed(pronouns), reversed(before)):
            if self._may_be_first(p, prev, others[p.gender]):
                return p.start
        return None

    def _may_be_first(self, p: _Pronoun, prev: _Pronoun | None, others: list[int]) -> bool:
        """False when the scan cannot flag ``p`` having flagged no pronoun before it, whatever
        names it has learnt by then (every pronoun before it, left alone, is a person of its
        gender): ``p`` is quoted or its own words need a person, or, unless a relative clause
        may give it an antecedent, a person of its gender is in reach or no subject can be its
        antecedent. ``prev`` is the pronoun of the same gender before it, ``others`` the offsets
        of the pronouns of the other gender."""
        doc, lex, i = self.doc, self.lex, p.sent
        if doc.in_quote(p.start, p.end):
            return False
        # "X, whose movement ... when he came to power": a person in reach does not rule out a
        # relative clause (its word as a substring of the text before the pronoun: a superset)
        span = doc.sentences[i]
        head = doc.text[span.start : p.start].lower()
        relative = any(w in head for w in lex.relative_shadow)
        near = prev is not None and self._in_reach(prev.sent, i)  # left alone: a person of its gender
        if near and not relative:
            return False
        lead = _leading_tokens(self._word, doc.text, p.start, span.end, lex)  # lead[0] is the pronoun
        if _own_words_need_person(doc.text, lead, 0, p.role, _next_word(lead, 0, lex), lex):
            return False
        # the clause as _judge reads it, with the person anywhere before it (-1); the reading's
        # non-persons are the scan's own
        if relative:
            toks, k = self._words_around(p)
            if _whose_shadow(doc.text, toks, -1, k, self._reading(i)[0], lex) is not None:
                return True
        if near:
            return False
        # the words up to the pronoun tell what comes before it, unless a name may run on
        # through it ("Smith He’s")
        upto = p.end if lead[0].lower in PRONOUNS and lead[0].lower not in lex.name_connectors else None
        thing_ok = p.role == "subject" and self._thing_predicate(lead, 0)
        if not self._subject_may_be_antecedent(i, p.start, thing_ok, upto):
            return False
        # a person in reach before it, else one later in the sentence: asked last, as only that
        # reads the words after the pronoun
        if self._person_in_reach(p, others, upto):
            return False
        opens_sentence = p.role == "subject" and len(self._sentence_words(i, p.end)) == 1
        later = [] if opens_sentence else [
            m for m in self._reading(i)[0]
            if m.pos > p.start and _surely_compatible(m, p.gender) and (m.text[:1].isupper() or not m.oblique)]
        if later:
            toks, k = self._words_around(p)
            own = _own_noun_phrase(doc.text, toks, k, p.role)
            if any(m.pos not in own for m in later):
                return False  # a person later in the sentence (not the pronoun's own noun)
        return True

    def _words_around(self, p: _Pronoun) -> tuple[list[Token], int]:
        """The words of the pronoun's sentence, and the pronoun's index among them."""
        toks = self._sentence_words(p.sent)
        return toks, next(n for n, t in enumerate(toks) if t.start == p.start)

    def _in_reach(self, j: int, i: int) -> bool:
        """True when the latest person of a pronoun's gender in sentence ``j`` keeps the scan
        from flagging a pronoun of sentence ``i`` (save in a relative clause): the same
        sentence, the one before or the same paragraph, within ``lookback``. So does any
        later person, who is nearer still."""
        d = self._distance(j, i)
        return d <= self.lex.lookback and (j == i or d <= 1 or self._same_paragraph(j, i))

    def _person_in_reach(self, p: _Pronoun, others: list[int], upto: int | None) -> bool:
        """True when a person who stays compatible with ``p`` whatever the scan learns is in
        reach: a gender-neutral person ("Brian Kerr", "the manager") only if no pronoun of the
        other gender between can lend them its gender. ``upto``: see _reading."""
        others_before = bisect.bisect_left(others, p.start)
        j = p.sent
        while j >= 0 and self._in_reach(j, p.sent):
            for m in self._reading(j, upto if j == p.sent else None)[0]:
                if m.pos >= p.start:
                    break
                if _surely_compatible(m, p.gender) and (
                        m.gender is not None or bisect.bisect_right(others, m.pos) == others_before):
                    return True
            j -= 1
        return False

    def _subject_may_be_antecedent(self, i: int, pos: int, thing_ok: bool, upto: int | None) -> bool:
        """True when ``_subject_antecedent`` may find a non-person, whatever names it knows.
        ``upto``: see _reading."""
        if self._opens_with_other_pronoun(i):
            return False  # as _subject_antecedent
        text = self.doc.text
        heads, may_lack = _possible_subjects(text, [m for m in self._reading(i, upto)[1] if m.pos < pos])
        if any(_may_be_antecedent(h, thing_ok) and not self._quoted(h) for h in heads):
            return True
        prev = self._counted_before(i) if may_lack else None  # no subject before the pronoun
        if prev is None or self._opens_with_other_pronoun(prev):
            return False
        heads, _ = _possible_subjects(text, self._reading(prev)[1])
        return any(_may_be_antecedent(h, thing_ok) and not self._quoted(h) for h in heads)

    def _reading(self, i: int, upto: int | None = None) -> tuple[list[Mention], list[Mention]]:
        """Sentence ``i`` as any scan reads it, whatever names it has learnt: its names and nouns
        (a lone capitalised word taken for a name seen before is marked ``by_name``: the scan may
        also pass it over), and those with its pronouns, persons as when left alone. With
        ``upto``, of its words that end by offset ``upto`` only: the same mentions before the
        last of them when no name runs on past it."""
        reading = self._readings.get((i, upto))
        if reading is None:
            toks = self._sentence_words(i, upto)
            nouns = [m for _, m in self._mentions_of(i, toks, _EveryName())]
            pronouns = []
            for t in toks:
                word = _PRONOUN_FORMS.get(t.lower)
                if word is not None:
                    gender, role = PRONOUNS[word]
                    pronouns.append(Mention(i, t.start, True, gender, t.text, oblique=role != "subject"))
            # a pronoun is remembered before a name that starts on it ("He’s")
            reading = self._readings[i, upto] = nouns, sorted(pronouns + nouns, key=lambda m: m.pos)
        return reading


def _pronoun_at(h: str) -> re.Pattern[str]:
    """Every he/him/his/her/himself/herself whose "h" is ``h``, in any case, not glued to a
    letter or digit before or after, and every "she" (found at its "h"); a few more ("he-man",
    "shim"), so each match is checked against the word there. A letter or digit is a character
    whose lower case is an ASCII one (the Kelvin sign is a "k"). Starting on a literal letter,
    the search runs at C speed; a leading look-behind, alternation or character class would make
    it try every position (and lower-casing the text first costs as much as a search)."""
    glued = "[a-zA-Z0-9\u212a]"
    return re.compile(rf"{h}(?:(?<!{glued}{h})|(?<=[sS]{h})(?<!{glued}[sS]{h}))"
                      rf"(?:[eE]|[iI][mMsS]|[eE][rR])(?:[sS][eE][lL][fF])?(?!{glued})")


_PRONOUNS_AT_H = (_pronoun_at("h"), _pronoun_at("H"))


def _starts_word(word: _WordPattern, text: str, pos: int) -> bool:
    """True when a word starts at ``pos``: none runs into it ("x-he", "O’he"). A word matches
    where a word character is."""
    if pos == 0:
        return True
    if word.match(text, pos - 1):
        return False
    return not (text[pos - 1] in "'’-" and pos >= 2 and word.match(text, pos - 2))


def _plain_edge(text: str, i: int) -> bool:
    """True when text[i], next to a match of _pronoun_at (which has no ASCII letter or digit
    there), is an ASCII character no word holds, or is beyond the text: the word ends there."""
    return not 0 <= i < len(text) or (text[i] < "\x80" and text[i] not in "'-")


def _pronoun_words(word: _WordPattern, text: str, start: int) -> list[tuple[int, int, str]]:
    """(start, end, pronoun) of the words from offset ``start`` on that the scan takes for
    pronouns ("He’s" is "he"), found by one search for each case of their "h" (see _pronoun_at).
    A text with an "İ", the one character whose lower case is longer, is split into words
    instead, as when the search ran on a lower-cased copy whose offsets would not carry over."""
    if "\u0130" in text:
        return [(t.start, t.end, _PRONOUN_FORMS[t.lower])
                for t in _tokens(word, text, start, len(text)) if t.lower in _PRONOUN_FORMS]
    found = []
    for m in itertools.chain(*(at_h.finditer(text, start) for at_h in _PRONOUNS_AT_H)):
        pos, end = m.span()
        if pos and text[pos - 1] in "sS":  # the "h" of "she"
            pos -= 1
        if pos < start:
            continue
        if _plain_edge(text, pos - 1) and _plain_edge(text, end):
            # the match is the whole word: no letter, digit or joiner next to it
            form = text[pos:end].lower()
        elif _starts_word(word, text, pos):
            w = word.match(text, pos)
            form, end = w.group().lower(), w.end()
        else:
            continue
        pronoun = _PRONOUN_FORMS.get(form)  # not "shim", "sher"
        if pronoun is not None:
            found.append((pos, end, pronoun))
    found.sort()  # the two searches' words in the order of the text
    return found


_TERMINAL_MARKS = (".", "!", "?", "…", ":")


def _is_heading(text: str) -> bool:
    return not text.rstrip("”\"’' )").endswith(_TERMINAL_MARKS)


# -- suggestions ------------------------------------------------------------------------------

_IT = {"he": "it", "him": "it", "his": "its", "himself": "itself", "she": "it", "herself": "itself"}
_THEY = {"he": "they", "him": "them", "his": "their", "himself": "themselves", "she": "they",
         "herself": "themselves"}
_THEY_VERBS = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't",
               "isn’t": "aren’t", "wasn't": "weren't", "wasn’t": "weren’t", "hasn't": "haven't",
               "hasn’t": "haven’t", "doesn't": "don't", "doesn’t": "don’t"}


# verb forms that agree with "they" as well as with "he" ("he would" -> "they would")
_AGREE_ANY = {"would", "will", "could", "can", "may", "might", "should", "must", "had", "did",
              "came", "went", "took", "made", "gave", "got", "saw", "began", "became", "won",
              "lost", "left", "led", "held", "kept", "sent", "set", "put", "cut", "hit", "ran",
              "said", "told", "found", "brought", "bought", "fought", "sought", "thought",
              "knew", "grew", "drew", "threw", "flew", "rose", "fell", "broke", "spoke", "stood"}


def _match_case(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _her_is_possessive(toks: list[Token], k: int, text: str, lex: Lexicon) -> bool:
    if k + 1 >= len(toks) or text[toks[k].end : toks[k + 1].start].strip():
        return False
    return toks[k + 1].lower not in lex.not_possessed and not toks[k + 1].capitalised


def _plural_verb(verb: str) -> str | None:
    low = verb.lower()
    if low in _THEY_VERBS:
        return _THEY_VERBS[low]
    if not low.endswith("s") or low.endswith(("ss", "us", "is")) or len(low) < 4:
        return None
    if low.endswith("ies"):
        return verb[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    return verb[:-1]


def suggestions(doc, toks: list[Token], k: int, cand: Candidate, lex: Lexicon) -> tuple[int, list[str]]:
    """(end of the span, [suggestions]): it/its first, they/their first for plural antecedents."""
    t = toks[k]
    m = _CONTRACTED.match(t.text)
    word = (m.group("p") if m else t.text).lower()
    key = word
    if word == "her":
        key = "his" if _her_is_possessive(toks, k, doc.text, lex) else "him"
    it = _IT[key] + (m.group("c") if m else "")
    out_it = [_match_case(it, t.text)]
    end = t.end
    they = None if m else _THEY[key]
    if they and key in ("he", "she"):
        j = k + 1  # the verb, past adverbs ("he now controls")
        while (j < len(toks) and toks[j].lower in lex.verb_fillers
               and toks[j].lower not in _AGREE_ANY and toks[j].lower not in _THEY_VERBS):
            j += 1
        nxt = toks[j] if j < len(toks) else None
        plain = nxt is not None and not regex.search(r"[^\w\s’'-]", doc.text[t.end : nxt.start])
        verb = _plural_verb(nxt.text) if plain and nxt.lower not in lex.not_possessed else None
        if verb is not None:  # "he deviates" -> "they deviate" (and "it deviates")
            end = nxt.end
            between = doc.text[t.end : nxt.start]
            they = f"{they}{between}{verb}"
            out_it = [_match_case(it, t.text) + doc.text[t.end : end]]
        elif not plain or not (nxt.lower in _AGREE_ANY or nxt.lower.endswith("ed")):
            they = None  # cannot make the verb agree: offer "it" only
    if they is not None:
        they = _match_case(they, t.text)
    options = out_it + ([they] if they else [])
    if cand.antecedent.plural and they:
        options.reverse()
    return end, options


@register("pronoun")
def detect(doc, rule, ctx):
    lex = lexicon(rule)
    cands = Scanner(doc, rule, lex).run()
    findings = []
    for c in cands:
        s = doc.sentence_at(c.pronoun.start)
        toks = _tokens(_WORD, doc.text, s.start, s.end)
        k = next(n for n, t in enumerate(toks) if t.start == c.pronoun.start)
        end, opts = suggestions(doc, toks, k, c, lex)
        findings.append(make_finding(
            doc, rule, c.pronoun.start, end, opts, confidence=c.confidence,
            message=f"{rule.message} Antecedent: {c.antecedent.text!r} ({c.why}).",
            data={"antecedent": c.antecedent.text, "antecedent_start": c.antecedent.pos, "reason": c.why}))
    return findings
