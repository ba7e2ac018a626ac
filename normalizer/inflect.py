"""English inflection for phrase rules: one lemma in a rule covers every form of the word.

``{confess}`` in a rule matches confess/confesses/confessed/confessing, and a suggestion's
``{claim}`` is put in the same form as the word that matched ("confessed" -> "claimed").
Nouns (``{board:n}``) take singular and plural. Small and table-driven on purpose: rules name a
few hundred lemmas, not the whole language.
"""

from __future__ import annotations

from functools import lru_cache

VERB_TAGS = ("base", "s", "ed", "en", "ing")
NOUN_TAGS = ("base", "s")

# past, past participle
_IRREGULAR_VERBS = {
    "arise": ("arose", "arisen"), "bear": ("bore", "borne"), "beat": ("beat", "beaten"),
    "become": ("became", "become"), "begin": ("began", "begun"), "bend": ("bent", "bent"),
    "bet": ("bet", "bet"), "bind": ("bound", "bound"), "bite": ("bit", "bitten"),
    "bleed": ("bled", "bled"), "blow": ("blew", "blown"), "break": ("broke", "broken"),
    "bring": ("brought", "brought"), "build": ("built", "built"), "burst": ("burst", "burst"),
    "buy": ("bought", "bought"), "cast": ("cast", "cast"), "catch": ("caught", "caught"),
    "choose": ("chose", "chosen"), "come": ("came", "come"), "cost": ("cost", "cost"),
    "cut": ("cut", "cut"), "deal": ("dealt", "dealt"), "dig": ("dug", "dug"),
    "do": ("did", "done"), "draw": ("drew", "drawn"), "drive": ("drove", "driven"),
    "eat": ("ate", "eaten"), "fall": ("fell", "fallen"), "feed": ("fed", "fed"),
    "feel": ("felt", "felt"), "fight": ("fought", "fought"), "find": ("found", "found"),
    "flee": ("fled", "fled"), "fly": ("flew", "flown"), "forbid": ("forbade", "forbidden"),
    "forget": ("forgot", "forgotten"), "forgive": ("forgave", "forgiven"),
    "freeze": ("froze", "frozen"), "get": ("got", "got"), "give": ("gave", "given"),
    "go": ("went", "gone"), "grow": ("grew", "grown"), "hang": ("hung", "hung"),
    "have": ("had", "had"), "hear": ("heard", "heard"), "hide": ("hid", "hidden"),
    "hit": ("hit", "hit"), "hold": ("held", "held"), "hurt": ("hurt", "hurt"),
    "keep": ("kept", "kept"), "know": ("knew", "known"), "lay": ("laid", "laid"),
    "lead": ("led", "led"), "leave": ("left", "left"), "lend": ("lent", "lent"),
    "let": ("let", "let"), "lose": ("lost", "lost"), "make": ("made", "made"),
    "mean": ("meant", "meant"), "meet": ("met", "met"), "mislead": ("misled", "misled"),
    "overcome": ("overcame", "overcome"), "oversee": ("oversaw", "overseen"),
    "pay": ("paid", "paid"), "put": ("put", "put"), "quit": ("quit", "quit"),
    "read": ("read", "read"), "ride": ("rode", "ridden"), "ring": ("rang", "rung"),
    "rise": ("rose", "risen"), "run": ("ran", "run"), "say": ("said", "said"),
    "see": ("saw", "seen"), "seek": ("sought", "sought"), "sell": ("sold", "sold"),
    "send": ("sent", "sent"), "set": ("set", "set"), "shake": ("shook", "shaken"),
    "shed": ("shed", "shed"), "shoot": ("shot", "shot"), "show": ("showed", "shown"),
    "shut": ("shut", "shut"), "sing": ("sang", "sung"), "sink": ("sank", "sunk"),
    "sit": ("sat", "sat"), "sleep": ("slept", "slept"), "speak": ("spoke", "spoken"),
    "spend": ("spent", "spent"), "split": ("split", "split"), "spread": ("spread", "spread"),
    "stand": ("stood", "stood"), "steal": ("stole", "stolen"), "stick": ("stuck", "stuck"),
    "strike": ("struck", "struck"), "swear": ("swore", "sworn"), "take": ("took", "taken"),
    "teach": ("taught", "taught"), "tear": ("tore", "torn"), "tell": ("told", "told"),
    "think": ("thought", "thought"), "throw": ("threw", "thrown"),
    "undergo": ("underwent", "undergone"), "understand": ("understood", "understood"),
    "undertake": ("undertook", "undertaken"), "uphold": ("upheld", "upheld"),
    "upset": ("upset", "upset"), "wake": ("woke", "woken"), "wear": ("wore", "worn"),
    "win": ("won", "won"), "withdraw": ("withdrew", "withdrawn"),
    "withhold": ("withheld", "withheld"), "write": ("wrote", "written"),
    "be": ("was", "been"),
}
_IRREGULAR_THIRD = {"be": "is", "have": "has", "do": "does", "go": "goes"}
_EXTRA_VERB_FORMS = {"be": (("are", "base"), ("am", "base"), ("were", "ed"))}
_IRREGULAR_PLURALS = {
    "man": "men", "woman": "women", "person": "people", "child": "children",
    "crisis": "crises", "analysis": "analyses", "thesis": "theses", "life": "lives",
    "wife": "wives", "knife": "knives", "leaf": "leaves", "half": "halves", "thief": "thieves",
    "criterion": "criteria", "phenomenon": "phenomena", "medium": "media", "foot": "feet",
}
# Two-syllable verbs stressed on the last syllable double their final consonant.
_DOUBLING = {
    "admit", "commit", "occur", "refer", "prefer", "control", "patrol", "compel", "expel",
    "permit", "submit", "transfer", "regret", "omit", "equip", "deter", "incur", "rebel",
    "propel", "acquit", "abet", "forget", "begin", "confer", "defer", "infer", "emit",
    "remit", "outstrip", "kidnap", "worship",
}
_VOWELS = set("aeiou")


def _is_cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    a, b, c = word[-3], word[-2], word[-1]
    return a not in _VOWELS and b in _VOWELS and c not in _VOWELS and c not in "wxy"


def _one_syllable(word: str) -> bool:
    groups, prev = 0, False
    for ch in word:
        v = ch in _VOWELS or ch == "y"
        if v and not prev:
            groups += 1
        prev = v
    return groups <= 1


def _doubles(word: str) -> bool:
    return word in _DOUBLING or (_is_cvc(word) and _one_syllable(word))


def _third_person(word: str) -> str:
    if word in _IRREGULAR_THIRD:
        return _IRREGULAR_THIRD[word]
    if word.endswith(("s", "x", "z", "ch", "sh", "o")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _regular_past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    if _doubles(word):
        return word + word[-1] + "ed"
    return word + "ed"


def _gerund(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and word != "be":
        return word[:-1] + "ing"
    if _doubles(word):
        return word + word[-1] + "ing"
    return word + "ing"


def _plural(word: str) -> str:
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _inflect_word(word: str, tag: str, pos: str) -> str:
    if tag == "base":
        return word
    if pos == "n":
        return _plural(word) if tag == "s" else word
    if tag == "s":
        return _third_person(word)
    if tag in ("ed", "en"):
        if word in _IRREGULAR_VERBS:
            past, participle = _IRREGULAR_VERBS[word]
            return past if tag == "ed" else participle
        return _regular_past(word)
    if tag == "ing":
        return _gerund(word)
    raise ValueError(f"unknown inflection tag {tag!r}")


@lru_cache(maxsize=4096)
def inflect(lemma: str, tag: str, pos: str = "v") -> str:
    """Put ``lemma`` in form ``tag``. A multi-word lemma inflects its head: the first word of
    a verb phrase, the last word of a compound noun:
    ``inflect("claim responsibility", "ed") == "claimed responsibility"``,
    ``inflect("suicide bomber", "s", "n") == "suicide bombers"``."""
    if pos == "n":
        rest, sep, head = lemma.rpartition(" ")
        return rest + sep + _inflect_word(head, tag, pos)
    head, sep, rest = lemma.partition(" ")
    return _inflect_word(head, tag, pos) + sep + rest


@lru_cache(maxsize=4096)
def forms(lemma: str, pos: str = "v") -> dict[str, str]:
    """Every form of ``lemma`` mapped to its tag (the first tag wins for shared forms)."""
    tags = NOUN_TAGS if pos == "n" else VERB_TAGS
    out: dict[str, str] = {}
    for tag in tags:
        out.setdefault(inflect(lemma, tag, pos), tag)
    head, sep, rest = lemma.partition(" ")
    if pos == "v":
        # "be" has more forms than tags: "are"/"am" behave like the base form ("they are the
        # object of" -> "they face"), "were" like the past ("were" -> "faced").
        for form, tag in _EXTRA_VERB_FORMS.get(head, ()):
            out.setdefault(form + sep + rest, tag)
    return out
