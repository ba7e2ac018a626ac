"""Rule files: load, validate and compile them.

A rule is data; a rule *kind* is code. The kinds:

- ``phrase``: a phrase in the mini-language of :mod:`normalizer.phrases` (inflections, gaps,
  choices) with suggestion templates. Literal anchor words go through one Aho-Corasick automaton,
  so thousands of phrases cost about as much as a few.
- ``pattern``: a regular expression with named groups and ``{name}`` replacement templates. Run
  with a time bound; nested unbounded quantifiers are rejected at load time.
- ``detector``: a hook for a structural detector written in Python (duplication, pronoun, ...);
  its thresholds and word lists live in the rule's ``settings``.

Rule files are untrusted input: loaded with ``yaml.safe_load`` and validated field by field, and
every error names the file, the rule and the field.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import regex
import yaml

from .errors import RuleError
from .findings import CATEGORIES, LEVELS, SEVERITIES
from .phrases import CompiledPhrase, PhraseError, compile_phrase
from .prefilter import scan_prefilter

KINDS = ("phrase", "pattern", "detector")
# Where the shipped rules live: inside the wheel, or beside the package in a checkout.
_PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_RULES_DIRS = (_PACKAGE_DIR / "_data" / "rules", _PACKAGE_DIR.parent / "rules")
REGEX_TIMEOUT_S = 0.25  # bound on one regex call over one sentence or paragraph


class LazyPattern:
    """A compiled regex, compiled on first use. ``regex.compile`` costs milliseconds a pattern
    (its parser is Python), which would make the shipped rules most of `mtnorm check`'s start-up
    time; a document only reaches the few rules its anchor words select. Shipped rules are
    validated by the test suite (``tests/test_startup.py`` compiles every one of them), so only
    they are deferred: user rule files are still compiled, and so checked, as they load."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int):
        self.pattern, self.flags, self._compiled = pattern, flags, None

    def compiled(self):
        if self._compiled is None:
            self._compiled = regex.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str):  # search, finditer, groupindex, ...: the compiled regex's
        return getattr(self.compiled(), name)

    def __reduce__(self):  # pickled uncompiled, for worker processes
        return (LazyPattern, (self.pattern, self.flags))


def _is_shipped(path: str) -> bool:
    return any(Path(path).is_relative_to(d) for d in BUILTIN_RULES_DIRS)


@dataclass
class Example:
    text: str
    fix: str | None = None  # the text after applying the rule's best suggestion, if given
    reference: str | None = None  # another report of the story (reference-mismatch rules)


@dataclass
class ContextCheck:
    """Example contexts for the embedding model: the rule fires only when the candidate's
    sentence is closer to the artifact side than to the correct-usage side by ``margin``."""

    artifact: list[str]
    correct: list[str]
    margin: float = 0.0


@dataclass
class Consistency:
    """The rule fires in a document only when its matches make up at least ``min_share`` of
    (matches + occurrences of the ``correct`` pattern, the same thing written the English way)."""

    correct: Any  # compiled regex
    min_share: float = 0.5


@dataclass
class Rule:
    id: str
    kind: str
    category: str
    message: str
    path: str
    source_languages: list[str] = field(default_factory=lambda: ["fr"])
    source: str | None = None  # the likely source-language word, e.g. "revendiquer"
    severity: str = "warning"
    level: str | None = None  # None: decided from category and confidence
    confidence: float = 0.8
    match: list[str] = field(default_factory=list)
    pattern: str | None = None
    flags: str = ""
    suggest: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    unless: list[str] = field(default_factory=list)  # antipatterns overlapping the match
    unless_sentence: list[str] = field(default_factory=list)  # anywhere in the sentence
    requires: list[str] = field(default_factory=list)  # in the sentence or its neighbours
    quotes: str = "allow"  # allow | skip | lower
    context: ContextCheck | None = None
    # Document-level consistency: fire only where the artifact is the document's habit, not a
    # slip (French spacing is systematic in MT output; a lone " ?" in native text is a typo).
    consistency: "Consistency | None" = None
    # The rewrite stage's meaning check compares the sentence before and after a rewrite with
    # the model. False for a rule whose matched words the model cannot read as the writer
    # meant them ("deconfinement" is no English word; "in reanimation" reads as bringing back
    # to life): there the check measures the artifact, not the rewrite, and the rule's fire
    # examples with their fixes stand in for it.
    meaning_check: bool = True
    detector: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    examples_fire: list[Example] = field(default_factory=list)
    examples_no_fire: list[Example] = field(default_factory=list)
    doc: str = ""
    # compiled
    phrases: list[CompiledPhrase] = field(default_factory=list, repr=False)
    regex: Any = field(default=None, repr=False)
    unless_rx: list[Any] = field(default_factory=list, repr=False)
    # A pattern rule without anchors: the literal prefilter of its regex (prefilter.scan_prefilter),
    # worked out when the rule is parsed and so kept in the parsed-rules cache, not at each start.
    scan_prefilter: tuple | None = field(default=None, repr=False)
    unless_sentence_rx: list[Any] = field(default_factory=list, repr=False)
    requires_rx: list[Any] = field(default_factory=list, repr=False)

    @property
    def family(self) -> str:
        return Path(self.path).stem

    def patterns(self) -> Iterator[Any]:
        """Every regex of the rule (its own, its antipatterns, its requirements), compiled or
        still lazy."""
        if self.regex is not None:
            yield self.regex
        yield from self.unless_rx
        yield from self.unless_sentence_rx
        yield from self.requires_rx


# field name -> (type check, required)
_SCALARS = {
    "id": str, "kind": str, "category": str, "message": str, "source": str, "severity": str,
    "level": str, "pattern": str, "flags": str, "quotes": str, "detector": str, "doc": str,
}
_LISTS_OF_STR = ("match", "suggest", "anchors", "unless", "unless_sentence", "requires",
                 "source_languages")
_ALLOWED = set(_SCALARS) | set(_LISTS_OF_STR) | {"confidence", "context", "settings", "examples",
                                                 "consistency", "meaning_check"}
_FILE_KEYS = {"rules", "defaults", "source_languages", "category", "family", "description"}

# Nested unbounded quantifiers such as (a+)+ or (\w*)* backtrack catastrophically.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]")


def _check_regex(path: str, rule_id: str, fname: str, source: str, flags: int = 0,
                 generated: bool = False):
    # A phrase's regex is generated by phrases.py from escaped literals and bounded slots, so
    # the nested-quantifier guard (meant for hand-written patterns) does not apply to it.
    if not generated and _NESTED_QUANTIFIER.search(source):
        raise RuleError(path, "nested unbounded quantifier (catastrophic backtracking risk): "
                        "rewrite without a quantified group containing + or *", rule_id, fname)
    if _is_shipped(path):
        return LazyPattern(source, flags | regex.V0)
    try:
        return regex.compile(source, flags | regex.V0)
    except regex.error as exc:
        raise RuleError(path, f"invalid regular expression: {exc}", rule_id, fname) from None


def _as_list(path, rule_id, fname, value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(path, "expected a string or a list of strings", rule_id, fname)
    return value


def _examples(path, rule_id, value) -> tuple[list[Example], list[Example]]:
    if not isinstance(value, dict):
        raise RuleError(path, "expected a mapping with 'fire' and 'no_fire' lists", rule_id, "examples")
    unknown = set(value) - {"fire", "no_fire"}
    if unknown:
        raise RuleError(path, f"unknown key(s) {sorted(unknown)}", rule_id, "examples")
    out = []
    for key in ("fire", "no_fire"):
        items = value.get(key) or []
        if not isinstance(items, list):
            raise RuleError(path, "expected a list", rule_id, f"examples.{key}")
        exs = []
        for item in items:
            if isinstance(item, str):
                exs.append(Example(item))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                fix, ref = item.get("fix"), item.get("reference")
                if fix is not None and not isinstance(fix, str):
                    raise RuleError(path, "'fix' must be a string", rule_id, f"examples.{key}")
                if ref is not None and not isinstance(ref, str):
                    raise RuleError(path, "'reference' must be a string", rule_id, f"examples.{key}")
                exs.append(Example(item["text"], fix, ref))
            else:
                raise RuleError(path, "each example is a string or {text, fix, reference}", rule_id,
                                f"examples.{key}")
        out.append(exs)
    return out[0], out[1]


def parse_rule(raw: Any, path: str, defaults: dict[str, Any]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(path, "each rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9.\-_]*", rule_id or ""):
        raise RuleError(path, "missing or malformed id (lower-case words joined by . or -)",
                        rule_id if isinstance(rule_id, str) else None, "id")
    unknown = set(raw) - _ALLOWED
    if unknown:
        raise RuleError(path, f"unknown field(s) {sorted(unknown)}", rule_id, sorted(unknown)[0])
    data = {**defaults, **raw}
    for fname, typ in _SCALARS.items():
        if fname in data and data[fname] is not None and not isinstance(data[fname], typ):
            raise RuleError(path, f"expected {typ.__name__}", rule_id, fname)
    for fname in ("kind", "category", "message"):
        if not data.get(fname):
            raise RuleError(path, "required field is missing", rule_id, fname)
    if data["kind"] not in KINDS:
        raise RuleError(path, f"unknown kind {data['kind']!r}; one of {', '.join(KINDS)}", rule_id, "kind")
    if data["category"] not in CATEGORIES:
        raise RuleError(path, f"unknown category {data['category']!r}; one of {', '.join(CATEGORIES)}",
                        rule_id, "category")
    if data.get("severity", "warning") not in SEVERITIES:
        raise RuleError(path, f"severity must be one of {', '.join(SEVERITIES)}", rule_id, "severity")
    if data.get("level") is not None and data["level"] not in LEVELS:
        raise RuleError(path, f"level must be one of {', '.join(LEVELS)}", rule_id, "level")
    if data.get("quotes", "allow") not in ("allow", "skip", "lower"):
        raise RuleError(path, "quotes must be allow, skip or lower", rule_id, "quotes")
    conf = data.get("confidence", 0.8)
    if not isinstance(conf, (int, float)) or not 0 <= conf <= 1:
        raise RuleError(path, "confidence must be a number from 0 to 1", rule_id, "confidence")

    rule = Rule(id=rule_id, kind=data["kind"], category=data["category"], message=data["message"],
                path=str(path), confidence=float(conf))
    for fname in ("source", "severity", "level", "pattern", "flags", "quotes", "detector", "doc"):
        if data.get(fname) is not None:
            setattr(rule, fname, data[fname])
    for fname in _LISTS_OF_STR:
        if fname in data and data[fname] is not None:
            setattr(rule, fname, _as_list(path, rule_id, fname, data[fname]))
    if "meaning_check" in data:
        if not isinstance(data["meaning_check"], bool):
            raise RuleError(path, "expected true or false", rule_id, "meaning_check")
        rule.meaning_check = data["meaning_check"]
    if "settings" in data:
        if not isinstance(data["settings"], dict):
            raise RuleError(path, "expected a mapping", rule_id, "settings")
        rule.settings = data["settings"]
    if "context" in data:
        ctx = data["context"]
        if not isinstance(ctx, dict) or not ctx.get("artifact") or not ctx.get("correct"):
            raise RuleError(path, "context needs non-empty 'artifact' and 'correct' lists", rule_id, "context")
        margin = ctx.get("margin", 0.0)
        if not isinstance(margin, (int, float)):
            raise RuleError(path, "margin must be a number", rule_id, "context.margin")
        rule.context = ContextCheck(_as_list(path, rule_id, "context.artifact", ctx["artifact"]),
                                    _as_list(path, rule_id, "context.correct", ctx["correct"]),
                                    float(margin))
    if "consistency" in data:
        cons = data["consistency"]
        if not isinstance(cons, dict) or not isinstance(cons.get("correct"), str):
            raise RuleError(path, "consistency needs 'correct' (a regex) and optionally 'min_share'",
                            rule_id, "consistency")
        share = cons.get("min_share", 0.5)
        if not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise RuleError(path, "min_share must be a number from 0 to 1", rule_id, "consistency.min_share")
        rule.consistency = Consistency(_check_regex(path, rule_id, "consistency.correct", cons["correct"]),
                                       float(share))
    if "examples" in raw:
        rule.examples_fire, rule.examples_no_fire = _examples(path, rule_id, raw["examples"])

    _compile(rule)
    return rule


def _compile(rule: Rule) -> None:
    path, rid = rule.path, rule.id
    flags = regex.IGNORECASE if "i" in rule.flags else 0
    if rule.kind == "phrase":
        if not rule.match:
            raise RuleError(path, "a phrase rule needs 'match'", rid, "match")
        try:
            rule.phrases = [compile_phrase(p, i) for i, p in enumerate(rule.match)]
        except PhraseError as exc:
            raise RuleError(path, str(exc), rid, "match") from None
        joined = "|".join(f"(?P<ph{i}>{cp.regex})" for i, cp in enumerate(rule.phrases))
        rule.regex = _check_regex(path, rid, "match", joined, regex.IGNORECASE, generated=True)
        if any(not cp.anchors for cp in rule.phrases):
            raise RuleError(path, "every phrase needs a required literal or {lemma} word", rid, "match")
    elif rule.kind == "pattern":
        if not rule.pattern:
            raise RuleError(path, "a pattern rule needs 'pattern'", rid, "pattern")
        rule.regex = _check_regex(path, rid, "pattern", rule.pattern, flags)
        if not rule.anchors:
            rule.scan_prefilter = scan_prefilter(rule.regex.pattern, rule.regex.flags)
        for tmpl in rule.suggest:
            for name in re.findall(r"\{(\w+)\}", tmpl):
                if not name.isdigit() and name not in rule.regex.groupindex:
                    raise RuleError(path, f"suggestion uses {{{name}}} but the pattern has no such group",
                                    rid, "suggest")
    elif rule.kind == "detector":
        if not rule.detector:
            raise RuleError(path, "a detector rule needs 'detector'", rid, "detector")
    rule.unless_rx = [_check_regex(path, rid, "unless", p, regex.IGNORECASE) for p in rule.unless]
    rule.unless_sentence_rx = [_check_regex(path, rid, "unless_sentence", p, regex.IGNORECASE)
                               for p in rule.unless_sentence]
    rule.requires_rx = [_check_regex(path, rid, "requires", p, regex.IGNORECASE) for p in rule.requires]


def load_file(path: Path) -> list[Rule]:
    try:
        raw_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(str(path), f"cannot read rule file: {exc}") from None
    try:
        data = yaml.load(raw_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RuleError(str(path), f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(str(path), "a rule file is a mapping with a 'rules' list")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise RuleError(str(path), f"unknown top-level key(s) {sorted(unknown)}")
    defaults = dict(data.get("defaults") or {})
    for key in ("source_languages", "category"):
        if key in data:
            defaults.setdefault(key, data[key])
    return [parse_rule(r, str(path), defaults) for r in data["rules"]]


def rule_files(dirs: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        d = Path(d)
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted(p for p in d.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        else:
            raise RuleError(str(d), "rule directory or file not found")
    return files


def builtin_rules_dir() -> Path:
    for d in BUILTIN_RULES_DIRS:
        if d.is_dir():
            return d
    raise RuleError(str(BUILTIN_RULES_DIRS[-1]), "shipped rules not found (broken install?)")


@dataclass
class RuleSet:
    rules: list[Rule]
    files: list[Path]
    digest: str  # hash of the rule files' bytes: keys caches derived from them

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def select(self, *, disabled: Iterable[str] = (), source_languages: Iterable[str] | None = None,
               enabled: Iterable[str] | None = None) -> "RuleSet":
        """A copy keeping only the rules that configuration enables. ``disabled`` and ``enabled``
        take ids or id prefixes ("fr-en.calque" disables the whole family)."""
        disabled = tuple(disabled)
        enabled = tuple(enabled) if enabled else None
        langs = set(source_languages) if source_languages else None
        keep = []
        for r in self.rules:
            if any(r.id == d or r.id.startswith(d + ".") for d in disabled):
                continue
            if enabled is not None and not any(r.id == e or r.id.startswith(e + ".") for e in enabled):
                continue
            if (langs is not None and r.source_languages and "*" not in r.source_languages
                    and not set(r.source_languages) & langs):
                continue
            keep.append(r)
        return RuleSet(keep, self.files, self.digest)

    def compile_patterns(self) -> int:
        """Compile every pattern still waiting to be compiled (see LazyPattern) and return how
        many were. A short run should not (it would pay for rules its texts never reach); a
        benchmark of steady-state throughput does, to keep start-up out of its figure."""
        lazy = [rx for r in self.rules for rx in r.patterns()
                if isinstance(rx, LazyPattern) and rx._compiled is None]
        for rx in lazy:
            rx.compiled()
        return len(lazy)


_CACHE: dict[tuple, RuleSet] = {}


def load_rules(extra_dirs: Iterable[Path] = (), builtin: bool = True) -> RuleSet:
    """Load the shipped rules plus any extra directories; cached per process."""
    dirs = ([builtin_rules_dir()] if builtin else []) + [Path(d) for d in extra_dirs]
    files = rule_files(dirs)
    h = hashlib.sha256()
    stamps = []
    for f in files:
        st = f.stat()
        stamps.append((str(f), st.st_mtime_ns, st.st_size))
    key = tuple(stamps)
    if key in _CACHE:
        return _CACHE[key]
    on_disk = _parsed_cache_file(key) if all(_is_shipped(str(f)) for f in files) else None
    cached = _read_parsed(on_disk)
    if cached is not None:
        _CACHE[key] = RuleSet(cached[1], files, cached[0])
        return _CACHE[key]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for f in files:
        h.update(f.read_bytes())
        for r in load_file(f):
            if r.id in seen:
                raise RuleError(str(f), f"duplicate rule id (first defined in {seen[r.id]})", r.id, "id")
            seen[r.id] = str(f)
            rules.append(r)
    rs = RuleSet(rules, files, h.hexdigest()[:16])
    _CACHE[key] = rs
    _write_parsed(on_disk, rs)
    return rs


# Parsing YAML and compiling phrases is most of what loading the shipped rules costs a cold
# start, so the parsed shipped rules are pickled in the user cache, keyed like a .pyc by the
# stamps of the rule files and of the code that parses them. Any problem is only a miss.
_PARSING_CODE = ("ruleset.py", "phrases.py", "inflect.py", "findings.py", "prefilter.py")


def _parsed_cache_file(stamps: tuple) -> Path | None:
    if os.environ.get("MTNORM_NO_RULE_CACHE"):
        return None
    from .confirm import user_cache_dir

    h = hashlib.sha256(repr(stamps).encode())
    for name in _PARSING_CODE:
        st = (_PACKAGE_DIR / name).stat()
        h.update(f"{name}:{st.st_mtime_ns}:{st.st_size}".encode())
    return user_cache_dir() / f"rules-{h.hexdigest()[:20]}.pickle"


def _read_parsed(path: Path | None) -> tuple[str, list[Rule]] | None:
    if path is None or not path.is_file():
        return None
    try:
        digest, rules = pickle.loads(path.read_bytes())
        return (digest, rules) if isinstance(rules, list) else None
    except Exception:  # corrupt, truncated or from another version: parse again
        return None


def _write_parsed(path: Path | None, rs: RuleSet) -> None:
    if path is None:
        return
    try:
        data = pickle.dumps((rs.digest, rs.rules), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    from .confirm import prune_cache, write_cache_file

    if write_cache_file(path, data):
        prune_cache("rules-*.pickle")  # earlier versions of the rules, a few kept for other checkouts
