"""Reference mismatch: facts that disagree with another report of the same story.

Off unless a reference is given (``mtnorm check --reference OTHER.txt``, ``reference=`` in the
library). Each rule compares one kind of fact (``settings.compare``):

- ``quantities``: counts, percentages, sums, durations ("Hundreds ... died" vs "over 100
  fatalities"), read as ranges by :mod:`normalizer.detectors.quantities`;
- ``dates``: "August 15" vs "August 16";
- ``names``: a name the document spells as French transliterates it ("Loukachenko") where the
  reference has the English form ("Lukashenko"); with ``flag: any-spelling``, any near-identical
  spelling that is not a mere transliteration or British/American variant.

Only sentences holding such a fact are aligned, each with its most similar reference sentence
(cosine of the embedding model's L2-normalised vectors; content-word overlap when there is no
model). A quantity pair must also share an anchor (another quantity both sentences agree on,
such as "13" soldiers) unless the sentences are near paraphrases.

Two reports that disagree cannot both be right, and the report being checked is not always
the wrong one: a quantity is flagged only when its phrasing is no more precise than the
reference's (the vague "hundreds" against "over 100", the usual mistranslation of French "une
centaine"), or when it is a thousandth of the reference's figure written the way French
thousands come out of MT ("8.733 km" for 8,733; "118.8 miles of tourists" for 118,800). Equal
precision is reported with low confidence and severity info (not applied by default).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field

from ..context import make_finding
from ..detect import group_gate
from ..language import EN_FUNCTION_WORDS
from . import register
from .dates import MONTHS
from .duplication import lexical_overlap
from .quantities import VAGUE, Quantity, parse_quantities

_MONTH_ALT = "|".join(MONTHS) + r"|Jan\.?|Feb\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_DATE = re.compile(rf"\b(?:(?P<m1>{_MONTH_ALT})\s+(?P<d1>\d{{1,2}})\b|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_ALT})\b)")
_CAP_WORD = re.compile(r"(?<![\w’'])[A-ZÀ-Ý][a-zß-ÿ’'-]+")
_CONTENT = re.compile(r"[^\W\d_]{3,}")


@dataclass
class SentenceFacts:
    index: int
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[tuple[int, int, int, int]] = field(default_factory=list)  # start, end, month, day


def _month(word: str) -> int:
    w = word.lower().rstrip(".")[:3]
    return next(i + 1 for i, m in enumerate(MONTHS) if m.lower().startswith(w))


def sentence_facts(doc, kinds: frozenset[str]) -> list[SentenceFacts]:
    out = []
    for i, s, _ in doc.iter_sentences():
        if doc.in_prefix(s.start):
            continue
        f = SentenceFacts(i)
        f.quantities = [q for q in parse_quantities(doc.text, s.start, s.end) if q.kind in kinds]
        for m in _DATE.finditer(doc.text, s.start, s.end):
            g = m.groupdict()
            day = int(g["d1"] or g["d2"])
            if 1 <= day <= 31:
                f.dates.append((m.start(), m.end(), _month(g["m1"] or g["m2"]), day))
        out.append(f)
    return out


# -- alignment -----------------------------------------------------------------------------
def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _CONTENT.findall(text)} - EN_FUNCTION_WORDS


def similarities(ctx, doc_texts: list[str], ref_texts: list[str]):
    """Matrix of sentence similarities and whether the model made it. Without a model: the
    content words in common over those of the shorter sentence (overlap coefficient), a weaker
    signal with its own threshold."""
    vecs = ctx.encode(doc_texts + ref_texts) if doc_texts and ref_texts else None
    if vecs is not None:
        a, b = vecs[: len(doc_texts)], vecs[len(doc_texts) :]
        return (a @ b.T).tolist(), True
    sets_a = [_content_words(t) for t in doc_texts]
    sets_b = [_content_words(t) for t in ref_texts]
    return [[lexical_overlap(x, y) for y in sets_b] for x in sets_a], False


def align(doc, ref, doc_ids: list[int], ref_ids: list[int], ctx, s: dict) -> dict[int, tuple[int, float]]:
    """Each doc sentence -> (its most similar reference sentence, similarity), above threshold."""
    min_words = int(s.get("min_sentence_words", 6))
    doc_ids = [i for i in doc_ids if len(doc.sentence_text(i).split()) >= min_words]
    ref_ids = [j for j in ref_ids if len(ref.sentence_text(j).split()) >= min_words]
    if not doc_ids or not ref_ids:
        return {}  # a heading or a bare date ("Sunday, 27 February") matches too much
    sims, model = similarities(ctx, [doc.sentence_text(i) for i in doc_ids],
                               [ref.sentence_text(j) for j in ref_ids])
    floor = float(s.get("min_similarity", 0.5) if model else s.get("min_overlap", 0.2))
    out = {}
    for a, i in enumerate(doc_ids):
        b = max(range(len(ref_ids)), key=lambda k: sims[a][k])
        if sims[a][b] >= floor:
            out[i] = (ref_ids[b], float(sims[a][b]) if model else 0.5 + float(sims[a][b]))
    return out


# -- quantities ----------------------------------------------------------------------------
def is_anchor(q: Quantity) -> bool:
    """A quantity specific enough that two sentences naming it report the same fact: "13
    soldiers", "48%", "$2m"; not "two" or "five", which any two sentences may share."""
    return q.base is not None and (q.base >= 11 or q.kind in ("percent", "money"))


def plausible_pair(q: Quantity, r: Quantity, max_ratio: float) -> bool:
    """An imprecise quantity is compared only with one of its order of magnitude: "thousands"
    against "three" counts two different things."""
    if q.base is not None and r.base is not None:
        return True  # two exact figures: "$736 million" against "736,000" is worth a look
    mid_q, mid_r = (q.low + q.high) / 2, (r.low + r.high) / 2
    return max(mid_q, mid_r) <= max_ratio * max(min(mid_q, mid_r), 1e-9)


_FRENCH_THOUSANDS = re.compile(
    r"\d{1,3}\.\d{3}(?!\d)"  # "8.733 km"
    r"|\d{1,3}(?:[.,]\d{1,2})?\s+miles?\b(?!\s+(?:away|from|long|wide|north|south|east|west))")  # "milliers"


def misread_thousands(q: Quantity, r: Quantity) -> bool:
    """``q`` is a thousandth of ``r`` and is written the way French thousands come out of
    machine translation: a full stop as the thousands separator ("8.733 km" for 8,733), or
    "milliers" / "mille" rendered "miles" ("118.8 miles of tourists", "twenty miles")."""
    if q.base is None or r.base is None or abs(r.base - q.base * 1000) > 0.5:
        return False
    return bool(_FRENCH_THOUSANDS.match(q.text) or re.match(r"[a-z-]+\s+miles?\b", q.text, re.IGNORECASE))


def unmatched_pairs(dq: list[Quantity], rq: list[Quantity]) -> tuple[list[tuple[Quantity, Quantity]], bool]:
    """Quantity pairs that disagree (one unmatched quantity of a kind on each side), and
    whether the sentences share an anchor (a specific quantity both agree on)."""
    agree = [(i, j) for i, q in enumerate(dq) for j, r in enumerate(rq) if q.agrees(r)]
    agree_d, agree_r = {i for i, _ in agree}, {j for _, j in agree}
    anchored = any(is_anchor(dq[i]) and is_anchor(rq[j]) for i, j in agree)
    pairs = []
    for kind in {q.kind for q in dq}:
        ud = [q for i, q in enumerate(dq) if i not in agree_d and q.kind == kind]
        ur = [r for j, r in enumerate(rq) if j not in agree_r and r.kind == kind]
        if len(ud) == 1 and len(ur) == 1 and ud[0].comparable(ur[0]):
            pairs.append((ud[0], ur[0]))
    return pairs, anchored


def quantity_suggestions(doc, ref, q: Quantity, r: Quantity, s: dict) -> list[str]:
    """The reference's phrasing in place of the document's: "Hundreds" -> "Over 100 people"."""
    phrase = ref.text[r.start : r.num_end]
    if r.precision == VAGUE and q.has_noun:
        phrase = ref.text[r.start : r.end]
        if not phrase.endswith(" of"):
            phrase += " of"
    elif not q.has_noun and q.kind == "count":
        phrase += " " + str(s.get("default_noun", "people"))  # "Hundreds, including ..., died"
    variants = [phrase]
    lead = phrase.split(" ", 1)
    if lead[0].lower() == "over" and len(lead) == 2:
        variants.append("more than " + lead[1])
    upper = doc.text[q.start : q.start + 1].isupper()
    return [v[:1].upper() + v[1:] if upper else v[:1].lower() + v[1:] for v in variants]


def _compare_quantities(doc, ref, rule, ctx):
    s = rule.settings
    kinds = frozenset(s.get("kinds") or ("count", "percent", "money", "duration"))
    dfacts = [f for f in sentence_facts(doc, kinds) if f.quantities]
    rfacts = {f.index: f for f in sentence_facts(ref, kinds) if f.quantities}
    aligned = align(doc, ref, [f.index for f in dfacts], list(rfacts), ctx, s)
    paraphrase = float(s.get("paraphrase_similarity", 0.8))
    for f in dfacts:
        if f.index not in aligned:
            continue
        j, sim = aligned[f.index]
        pairs, anchored = unmatched_pairs(f.quantities, rfacts[j].quantities)
        for q, r in pairs:
            if misread_thousands(r, q):
                continue  # the reference garbled the figure; the document has it right
            misread = misread_thousands(q, r)  # the same digits a thousand times smaller: an anchor itself
            if not (anchored or misread or sim >= paraphrase):
                continue
            if q.precision > r.precision and not misread:
                continue  # the document is the more precise report: trust it
            if not (misread or plausible_pair(q, r, float(s.get("max_magnitude_ratio", 20)))):
                continue
            vaguer = q.precision < r.precision or misread
            conf = rule.confidence * (1.0 if vaguer else float(s.get("same_precision_factor", 0.5)))
            f = make_finding(
                doc, rule, q.start, q.end,
                quantity_suggestions(doc, ref, q, r, s), confidence=conf,
                message=f"{rule.message} The reference says “{ref.text[r.start:r.end].strip()}”.",
                data={"reference_sentence": ref.sentence_text(j), "similarity": round(sim, 4)})
            if not vaguer:
                f.severity = "info"  # equally precise claims: either report may be the wrong one
            yield f


# -- dates ---------------------------------------------------------------------------------
def _compare_dates(doc, ref, rule, ctx):
    s = rule.settings
    dfacts = [f for f in sentence_facts(doc, frozenset()) if len(f.dates) == 1]
    rfacts = {f.index: f for f in sentence_facts(ref, frozenset()) if len(f.dates) == 1}
    aligned = align(doc, ref, [f.index for f in dfacts], list(rfacts), ctx,
                    {**s, "min_similarity": s.get("min_similarity", 0.75)})
    for f in dfacts:
        if f.index not in aligned:
            continue
        j, sim = aligned[f.index]
        (a, b, month, day), (ra, rb, rmonth, rday) = f.dates[0], rfacts[j].dates[0]
        if (month, day) == (rmonth, rday):
            continue
        yield make_finding(doc, rule, a, b, [ref.text[ra:rb]],
                           message=f"{rule.message} The reference says “{ref.text[ra:rb]}”.",
                           data={"reference_sentence": ref.sentence_text(j), "similarity": round(sim, 4)})


# -- names ---------------------------------------------------------------------------------
_POSSESSIVE = re.compile(r"['’]s?$")


def _name_words(doc) -> dict[str, list[int]]:
    """Capitalised words (not sentence-initial, possessive and hyphens stripped) -> positions."""
    out: dict[str, list[int]] = {}
    starts = {s.start for s in doc.sentences}
    for m in _CAP_WORD.finditer(doc.text, doc.prefix.end):
        if m.start() in starts:
            continue
        word = _POSSESSIVE.sub("", m.group(0)).strip("-")
        if len(word) >= 2:
            out.setdefault(word, []).append(m.start())
    return out


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def skeleton(word: str) -> str:
    """What transliterations and British/American spellings of a name share: accents folded,
    vowel runs merged, doubled letters single, a silent h dropped, soft c and z read as s
    ("Mujahideen"/"Mujahidin", "Masada"/"Massada", "Defence"/"Defense" have one skeleton;
    "Lukashenko"/"Loukachenko" do not)."""
    w = _fold(word).replace("-", "")
    w = re.sub(r"(?<![cgkpst])h", "", w)
    w = re.sub(r"c(?=[eiy])", "s", w).replace("z", "s").replace("ph", "f")
    w = re.sub(r"ck|c(?!h)|q", "k", w)  # Victor/Viktor
    w = re.sub(r"[aeiouy]+", "a", w)
    return re.sub(r"(.)\1+", r"\1", w)


def _variant_not_misspelling(a: str, b: str) -> bool:
    """Pairs that differ legitimately: accents, hyphens, transliteration and British/American
    spelling (same skeleton), a derivation (Canada/Canadian: only the last two letters differ),
    -re/-er (Centre/Center)."""
    if skeleton(a) == skeleton(b):
        return True
    a, b = _fold(a), _fold(b)
    if len(os.path.commonprefix([a, b])) >= min(len(a), len(b)) - 2:
        return True  # Canada/Canadian, Communist/Communism
    return a.endswith("re") and b == a[:-2] + "er" or b.endswith("re") and a == b[:-2] + "er"


# French spelling -> English spelling of transliterated names; "\0" keeps "tch" -> "ch" from
# being read again as French "ch" (-> "sh").
_FR_TO_EN = ((r"tch", "\0"), (r"ch", "sh"), (r"\0", "ch"), (r"ou", "u"), (r"dj", "j"),
             (r"(?<![dz])j", "zh"))


def english_transliteration(word: str) -> str:
    """The English transliteration of a name that French spells its own way: "Loukachenko" ->
    "lukashenko", "Khouchkadamov" -> "khushkadamov", "Vatchnadzé" -> "vachnadze"."""
    w = word.lower()
    for rx, repl in _FR_TO_EN:
        w = re.sub(rx, repl, w)
    return _fold(w)


def french_transliteration_of(word: str, english: str) -> bool:
    """``word`` is ``english`` as French transliterates it (and not merely another spelling)."""
    english_form = english_transliteration(word)
    return (english_form != _fold(word.lower()) and _fold(english.lower()) != _fold(word.lower())
            and skeleton(english_form) == skeleton(english))


def near_miss(word: str, candidates, min_ratio: float) -> str | None:
    """A differently spelled form of ``word`` among ``candidates`` ("Mujahed"/"Mujahid")."""
    best, best_r = None, min_ratio
    for c in candidates:
        if c[0] != word[0] or abs(len(c) - len(word)) > 2 or min(len(c), len(word)) < 5:
            continue
        if _variant_not_misspelling(word, c):
            continue
        r = difflib.SequenceMatcher(None, word.lower(), c.lower()).ratio()
        if r >= best_r:
            best, best_r = c, r
    return best


def _compare_names(doc, ref, rule, ctx):
    s = rule.settings
    dn, rn = _name_words(doc), _name_words(ref)
    min_ratio = float(s.get("min_ratio", 0.8))
    french_only = s.get("flag", "french-transliteration") == "french-transliteration"
    todo = []
    for w, positions in dn.items():
        if w in rn:
            continue
        others = [c for c in rn if c not in dn]
        if french_only:
            v = next((c for c in others if french_transliteration_of(w, c)), None)
        else:
            v = near_miss(w, others, min_ratio)
        if v:
            todo.extend((pos, w, v) for pos in positions)
    if not todo:
        return
    doc_ids = sorted({doc.sentence_index(p) for p, _, _ in todo})
    ref_ids = sorted({ref.sentence_index(p) for _, _, v in todo for p in rn[v]})
    aligned = align(doc, ref, doc_ids, ref_ids, ctx, s)
    for pos, w, v in todo:
        hit = aligned.get(doc.sentence_index(pos))
        if hit is None or hit[0] not in {ref.sentence_index(p) for p in rn[v]}:
            continue
        yield make_finding(doc, rule, pos, pos + len(w), [v],
                           message=f"{rule.message} The reference spells it “{v}”.",
                           data={"reference_sentence": ref.sentence_text(hit[0]), "similarity": round(hit[1], 4)})


_COMPARE = {"quantities": _compare_quantities, "dates": _compare_dates, "names": _compare_names}


@group_gate("reference")
def _with_a_reference(pairs: list[tuple]):
    """The detectors stage's gate for a run of reference rules: all of them when the run has a
    reference to compare with, none otherwise (:func:`detect` finds nothing without one)."""
    return lambda doc, ctx: pairs if getattr(ctx, "reference", None) is not None else ()


@register("reference")
def detect(doc, rule, ctx):
    ref = getattr(ctx, "reference", None)
    if ref is None:
        return []
    return list(_COMPARE[rule.settings.get("compare", "quantities")](doc, ref, rule, ctx))
