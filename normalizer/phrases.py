"""The phrase mini-language of ``kind: phrase`` rules, compiled to a regular expression.

A phrase is words separated by spaces; each token is one of:

============  ==================================================================
``word``      a literal word, matched case-insensitively (' and ’ are the same)
``{lemma}``   any form of a verb: ``{confess}`` = confess/confesses/confessed/...
``{lemma:n}`` singular or plural of a noun: ``{board:n}`` = board/boards
``(a|b c)``   one of several literal words or word sequences
``[word]``    an optional literal word (or ``[a|b]``: an optional choice)
``...``       a gap of one to three words (no punctuation), kept in suggestions
``<num>``     a number (digits with separators)
``<Cap>``     one or more capitalised words (a name)
============  ==================================================================

Suggestions use the same tokens: ``{claim}`` is put in the form of the first inflected word of
the match, ``...`` reinserts the gap, ``$1``/``$2`` reinsert the first/second ``(a|b)`` choice,
``[a|b]`` option (empty when absent) or ``<Cap>``/``<num>`` slot, counted left to right, and any
other word is literal: ``{make} [at least|nearly] <num> dead`` -> ``{leave} $1 $2 dead``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .inflect import VERB_TAGS, forms, inflect

_TOKEN = re.compile(r"\{[^}]+\}|\([^)]*\)|\[[^\]]*\]|<[^>]+>|\.\.\.|[^\s]+")
_GAP_WORD = r"[^\W\d_][\w'’-]*"
_NUM = r"\d[\d,.]*"
# Case-sensitive although phrases compile with IGNORECASE (else <Cap> matches any word).
# A dot only inside a word ("U.S"), so that a name ending a sentence leaves its period out.
_CAP_WORD = r"[A-Z][\w'’-]*(?:\.[A-Za-z][\w'’-]*){0,3}"
_CAP = rf"(?-i:{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,5}})"


class PhraseError(ValueError):
    pass


@dataclass
class CompiledPhrase:
    source: str
    regex: str
    anchors: set[str]  # lower-case words, at least one of which every match contains
    # Per required token, its words (lower case): every match contains one word of each set.
    required: list[set[str]] = field(default_factory=list)
    inflected: list[str] = field(default_factory=list)  # group names of inflected slots
    slot_forms: dict[str, dict[str, str]] = field(default_factory=dict)  # form -> tag, per slot
    slot_pos: dict[str, str] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)  # group names of (a|b), [a|b], <Cap>, <num>
    gap: str | None = None
    # Every text the phrase matches, lower case, its words joined by one space, when it has
    # only literal tokens, in ASCII, and at most MAX_LITERALS forms: the rules stage can then
    # find its occurrences with one automaton instead of trying its regex wherever a word is.
    literals: list[str] | None = None


MAX_LITERALS = 256


def _literal(word: str) -> str:
    out = []
    for ch in word:
        if ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _alternatives(body: str) -> list[str]:
    alts = [a.strip() for a in body.split("|")]
    if not all(alts):
        raise PhraseError(f"empty alternative in ({body})")
    return alts


def _alt_regex(alts: list[str]) -> str:
    # longest first so that "the new board" wins over "the new"
    parts = sorted((r"\s+".join(_literal(w) for w in a.split()) for a in alts), key=len, reverse=True)
    return "|".join(parts)


def compile_phrase(phrase: str, index: int = 0) -> CompiledPhrase:
    """Compile one phrase to a regex with named groups. ``index`` keeps group names unique
    when several phrases of one rule are joined."""
    tokens = _TOKEN.findall(phrase)
    if not tokens:
        raise PhraseError("empty phrase")
    pieces: list[tuple[str, bool]] = []  # (regex, optional)
    anchor_options: list[set[str]] = []  # the words of each required token, in order
    literal_options: list[list[str]] | None = []  # the texts of each token; None: not all literal
    cp = CompiledPhrase(source=phrase, regex="", anchors=set())
    for n, tok in enumerate(tokens):
        name = f"p{index}_{n}"
        optional = False
        word_anchors: set[str] | None = None
        if tok.startswith("{"):
            body = tok[1:-1]
            lemma, _, pos = body.partition(":")
            pos = pos or "v"
            if pos not in ("v", "n"):
                raise PhraseError(f"unknown part of speech in {tok}: use :n for nouns")
            if not lemma.strip():
                raise PhraseError(f"empty lemma in {tok}")
            lemma_forms = forms(lemma.strip().lower(), pos)
            fs = sorted(lemma_forms, key=len, reverse=True)
            rx = f"(?P<{name}>" + "|".join(r"\s+".join(_literal(w) for w in f.split()) for f in fs) + ")"
            cp.inflected.append(name)
            cp.slot_forms[name] = lemma_forms
            cp.slot_pos[name] = pos
            word_anchors = {_rarest_word(f.split()) for f in fs}
            texts = fs
        elif tok.startswith("("):
            alts = _alternatives(tok[1:-1])
            rx = f"(?P<{name}>" + _alt_regex(alts) + ")"
            cp.choices.append(name)
            word_anchors = {_rarest_word(a.lower().replace("’", "'").split()) for a in alts}
            texts = alts
        elif tok.startswith("["):
            alts = _alternatives(tok[1:-1])
            rx = f"(?P<{name}>" + _alt_regex(alts) + ")"
            cp.choices.append(name)  # numbered like (a|b): $n gives it back, "" when absent
            optional = True
            texts = alts
        elif tok == "...":
            if cp.gap is not None:
                raise PhraseError("only one ... gap per phrase")
            cp.gap = name
            rx = f"(?P<{name}>{_GAP_WORD}(?:\\s+{_GAP_WORD}){{0,2}}?)"
            optional = True
            texts = None
        elif tok.startswith("<"):
            kind = tok[1:-1]
            if kind == "num":
                rx = f"(?P<{name}>{_NUM})"
            elif kind == "Cap":
                rx = f"(?P<{name}>{_CAP})"
            else:
                raise PhraseError(f"unknown slot {tok}: use <num> or <Cap>")
            cp.choices.append(name)
            texts = None
        else:
            rx = _literal(tok)
            word_anchors = {tok.lower().replace("’", "'")} if tok[0].isalnum() else None
            texts = [tok]
        pieces.append((rx, optional))
        if texts is None or literal_options is None:
            literal_options = None
        else:
            literal_options.append([" ".join(t.lower().replace("’", "'").split()) for t in texts]
                                   + ([""] if optional else []))
        if word_anchors and not optional:
            anchor_options.append(word_anchors)
    if all(opt for _, opt in pieces):
        raise PhraseError("a phrase needs at least one required word")
    regex = ""
    started = False  # a required piece has been emitted: later pieces need a leading space
    for rx, optional in pieces:
        if not started:
            # a leading option carries its own trailing space, so that an absent option
            # leaves the match starting at the first required word
            regex += f"(?:{rx}\\s+)?" if optional else rx
            started = not optional
        elif optional:
            regex += f"(?:\\s+{rx})?"
        else:
            regex += f"\\s+{rx}"
    cp.regex = r"(?<![\w'’-])" + regex + r"(?![\w'’-])"
    cp.anchors = most_selective(anchor_options)
    cp.required = anchor_options
    cp.literals = _expand(literal_options)
    return cp


def _expand(options: list[list[str]] | None) -> list[str] | None:
    """Every text made of one option per token (an optional token's options include ""), or
    None past MAX_LITERALS texts or outside ASCII (where case folding is more than lower())."""
    if options is None:
        return None
    texts = [""]
    for opts in options:
        texts = [f"{t} {o}" if t and o else t or o for t in texts for o in opts]
        if len(texts) > MAX_LITERALS:
            return None
    texts = sorted(set(texts))
    return texts if all(t.isascii() for t in texts) else None


# The most frequent English words. Every match of a phrase contains one of the words of each of
# its required tokens, so any required token can be the anchor; one of these words as the anchor
# would send the rule to nearly every sentence ("the new board" must wait for "board", not "the").
_COMMON_WORDS = frozenset(
    "a an the of to in on at by for from with as into onto over under about after before since "
    "until during between against through than then and or but nor so if that this these those "
    "there here it its it's he him his she her hers they them their we us our you your i me my "
    "who whom whose which what when where why how is are was were be been being am has have had "
    "do does did will would can could may might must shall should not no yes all any some one "
    "two more most other such only also very just up out off now new said say says".split())


def _word_cost(word: str) -> float:
    """A guess at how often a word occurs: very common words, then short ones (Zipf: frequent
    words are short), then the rest."""
    return 1000.0 if word in _COMMON_WORDS else 1.0 + 20.0 / len(word)


def _rarest_word(words: list[str]) -> str:
    """The word of a literal sequence to look for (every match of the sequence contains all
    of them): "the Associated Press" is found by "associated", not "the"."""
    usable = [w for w in words if w[:1].isalnum()]
    return min(usable, key=_word_cost) if usable else words[0]


def most_selective(options: list[set[str]]) -> set[str]:
    """The required token whose words look rarest together (the first on a tie): where the
    engine looks before it runs the phrase's regex. "(tax|oil|budget|...) recipes" waits for
    "recipes"; "{say} to (AFP|Reuters|the agency)" for the agency, not for "to"."""
    if not options:
        return set()
    return min(options, key=lambda words: sum(_word_cost(w) for w in words))


_SUGGEST_TOKEN = re.compile(r"\{[^}]+\}|\$\d|\.\.\.|\s+|[^\s{$.]+|[.$]")


# Words before a verb that decide between its forms when one spelling has several tags
# ("put" is base, past and participle; "seized" is past and participle).
_PERFECT_OR_PASSIVE = {"has", "have", "had", "having", "'ve", "is", "are", "was", "were", "be", "been",
                       "being", "am", "'re", "get", "gets", "got", "getting"}
_BARE = {"to", "will", "would", "can", "could", "may", "might", "must", "should", "shall", "do",
         "does", "did", "n't", "'ll", "'d", "cannot", "let", "help", "make"}
_SKIPPABLE = {"also", "already", "just", "then", "now", "still", "yet", "recently", "never", "not",
              "since", "finally", "again", "even", "reportedly", "allegedly", "officially"}


def _form_tags(slot_forms: dict[str, str], form: str) -> list[str]:
    """Every tag whose form is ``form`` (forms() keeps only the first one)."""
    first = slot_forms.get(form)
    if first is None:
        return []
    lemma = next(f for f, t in slot_forms.items() if t == "base")
    return [t for t in VERB_TAGS if inflect(lemma, t) == form] or [first]


def _disambiguate(tags: list[str], before: str) -> str:
    """Pick a tag for an ambiguous verb form from the words before it."""
    words = re.findall(r"[\w'’]+", before.lower().replace("’", "'"))
    while words and (words[-1] in _SKIPPABLE or words[-1].endswith("ly")):
        words.pop()
    prev = words[-1] if words else ""
    if prev in _PERFECT_OR_PASSIVE and "en" in tags:
        return "en"
    if prev in _BARE and "base" in tags:
        return "base"
    if "ed" in tags:  # news copy is told in the past
        return "ed"
    return tags[0]


def render_suggestion(template: str, cp: CompiledPhrase, groups: dict[str, str | None],
                      matched_text: str, before: str = "") -> str:
    """Fill a suggestion template from a phrase match (see the module docstring). ``before`` is
    the text before the match in its sentence: it settles forms such as "put" or "seized" that
    can be a past or a participle ("has seized" -> "has taken", "seized" -> "took")."""
    tag = "base"
    same: tuple[str, str, str] | None = None  # (lemma, pos, form) of the matched slot
    for name in cp.inflected:
        got = groups.get(name)
        if got:
            got = re.sub(r"\s+", " ", got.lower().replace("’", "'"))
            tag = cp.slot_forms[name].get(got, "base")
            if cp.slot_pos.get(name) == "v":
                tags = _form_tags(cp.slot_forms[name], got)
                if len(tags) > 1:
                    tag = _disambiguate(tags, before)
            lemma = next(f for f, t in cp.slot_forms[name].items() if t == "base")
            same = (lemma, cp.slot_pos[name], got)
            break
    out: list[str] = []
    # a name the rule writes out ("Israel" for "the Hebrew state") keeps its capital mid-sentence
    proper = False
    for tok in _SUGGEST_TOKEN.findall(template):
        if not "".join(out).strip():
            proper = tok[:1].isupper()
        if tok.startswith("{"):
            lemma, _, pos = tok[1:-1].partition(":")
            pos = pos or "v"
            if same and (lemma, pos) == same[:2]:
                out.append(same[2])  # the matched word itself: "were" stays "were", not "was"
                continue
            t = tag if (pos == "v" or tag in ("base", "s")) else "base"
            out.append(inflect(lemma, t, pos))
        elif tok.startswith("$") and len(tok) == 2:
            k = int(tok[1]) - 1
            out.append(groups.get(cp.choices[k]) or "" if 0 <= k < len(cp.choices) else "")
        elif tok == "...":
            out.append(groups.get(cp.gap) or "" if cp.gap else "")
        else:
            out.append(tok)
    text = re.sub(r"\s{2,}", " ", "".join(out)).strip()
    return match_case(agree_articles(text), matched_text, proper)


_ARTICLE = re.compile(r"\b([Aa]n?)(\s+)([\w'’-]+)")
# Vowel letters that sound like a consonant, and a silent h.
_A_BEFORE = ("uni", "use", "usu", "uti", "ura", "uro", "eu", "one", "once", "ubiq", "ukr", "u-")
_AN_BEFORE = ("hour", "honest", "honor", "honour", "heir")


def _wants_an(word: str) -> bool:
    if len(word) > 1 and word.isupper():  # an acronym is read letter by letter: an AFP, a UN
        return word[0] in "AEFHILMNORSX"
    w = word.lower()
    if w[0].isdigit():
        return w[0] == "8" or w.startswith(("11", "18"))
    if w.startswith(_AN_BEFORE):
        return True
    return w[0] in "aeiou" and not w.startswith(_A_BEFORE)


def agree_articles(text: str) -> str:
    """Make a/an agree with the word after it ("a" + "$1 possible" -> "a possible" for "an")."""

    def fix(m: re.Match) -> str:
        art, space, word = m.groups()
        want = "an" if _wants_an(word) else "a"
        if art.lower() == want:
            return m.group(0)
        return (want.capitalize() if art[0].isupper() else want) + space + word

    return _ARTICLE.sub(fix, text)


def match_case(replacement: str, original: str, proper: bool = False) -> str:
    """Give the replacement the capitalisation of the text it replaces (``proper``: it opens
    with a name, whose capital stays)."""
    if not replacement or not original:
        return replacement
    if original[0].isupper() and replacement[0].islower():
        return replacement[0].upper() + replacement[1:]
    if original[0].islower() and replacement[0].isupper() and not proper and not _looks_proper(replacement):
        return replacement[0].lower() + replacement[1:]
    return replacement


def _looks_proper(text: str) -> bool:
    first = text.split()[0]
    return len(first) > 1 and (first.isupper() or first[1:].lower() != first[1:])
