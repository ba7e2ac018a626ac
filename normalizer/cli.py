"""The `mtnorm` command: a thin shell over the library.

Exit codes (like ruff): 0 nothing found / nothing changed, 1 findings at or above --fail-on
(check) or text changed (fix), 2 usage or input errors (other inputs are still processed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import InputError, MtnormError
from .findings import LEVELS, SEVERITIES, severity_rank

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Find machine-translation artifacts in English news text and normalize them.")
rules_app = typer.Typer(no_args_is_help=True, help="List, explain and test the rules.")
models_app = typer.Typer(no_args_is_help=True, help="Build and inspect the embedding model files.")
app.add_typer(rules_app, name="rules")
app.add_typer(models_app, name="models")

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _err(msg: str) -> None:
    typer.echo(f"mtnorm: {msg}", err=True)


def _make_normalizer(**opts):
    from .config import load_config
    from .pipeline import Normalizer

    options = load_config(Path.cwd(), **{k: v for k, v in opts.items() if v is not None})
    return Normalizer(options)


# Options shared by check and fix
_RULES = typer.Option(None, "--rules", help="Extra rule file or directory (repeatable).")
_DISABLE = typer.Option(None, "--disable", help="Rule id or id prefix to turn off (repeatable).")
_SELECT = typer.Option(None, "--select", help="Only these rule ids or id prefixes (repeatable).")
_NO_MODEL = typer.Option(False, "--no-model", help="Do not confirm candidates with the embedding model.")
_REFERENCE = typer.Option(None, "--reference", help="Another report of the same story, to compare with.")
_BACKEND = typer.Option(None, "--backend", help="Embedding backend: onnx or sentence-transformers.")
# Corpora (normalizer/corpus.py)
_JSONL = typer.Option(False, "--jsonl", help="Inputs are JSON Lines corpora: one document per line in, "
                      "one JSON line per document out (stdout).")
_TEXT_FIELD = typer.Option("text", "--text-field", help="JSONL field holding the text.")
_ID_FIELD = typer.Option("id", "--id-field", help="JSONL field holding the document id.")
_STRICT = typer.Option(False, "--strict", help="Stop at the first malformed JSONL line (exit 2).")
_JOBS = typer.Option(1, "--jobs", "-j", help="Worker processes (0: one per CPU).")
_SUMMARY = typer.Option(False, "--summary", help="Print corpus statistics on stderr at the end.")
_BASELINE = typer.Option(None, "--baseline", help="Findings in this baseline file (`mtnorm baseline`) "
                         "are neither reported nor fixed.")


def _common(rules, disable, select, no_model, backend, level=None, fail_on=None):
    return dict(rule_dirs=list(rules) if rules else None, disabled=list(disable) if disable else None,
                enabled=list(select) if select else None, use_model=False if no_model else None,
                backend=backend, level=level, fail_on=fail_on)


def _plan(paths, mode, overrides, *, reference=None, **kwargs):
    """Resolve inputs, configuration, allowlists and baseline (corpus.plan_run); exit 2 on error."""
    from .corpus import plan_run
    from .sources import read_text

    try:
        ref_text = read_text(reference) if reference else None
        kwargs["id_field"] = kwargs.get("id_field") or None
        return plan_run(paths, mode=mode, overrides=overrides, reference=ref_text, **kwargs)
    except MtnormError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)


def _jobs(n: int) -> int:
    import os

    return n if n > 0 else os.cpu_count() or 1


def _stdout_bytes():
    return getattr(sys.stdout, "buffer", sys.stdout)


def _run_jsonl(plan, mode, jobs, strict, summary, exit_zero, out=None) -> int:
    """Stream the plan's JSON Lines corpora to ``out`` (stdout); return the exit code."""
    from .corpus import Progress, run_jsonl

    sys.stdout.flush()
    rep = run_jsonl(plan.sources, plan.states, _stdout_bytes() if out is None else out,
                    jobs=_jobs(jobs), strict=strict, progress=Progress())
    if summary:
        typer.echo(rep.stats.render(), err=True)
    found = rep.failing if mode == "check" else rep.stats.changed > 0
    return EXIT_ERROR if rep.errors else EXIT_FOUND if found and not exit_zero else EXIT_OK


@app.command()
def check(
    paths: List[str] = typer.Argument(..., help="Files, directories, globs, or - for stdin."),
    output_format: str = typer.Option("text", "--format", "--output-format", help="text, json, jsonl or github."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that fails: info, warning, error."),
    reference: Optional[Path] = _REFERENCE,
    rules: Optional[List[Path]] = _RULES,
    disable: Optional[List[str]] = _DISABLE,
    select: Optional[List[str]] = _SELECT,
    no_model: bool = _NO_MODEL,
    backend: Optional[str] = _BACKEND,
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of paths to skip (repeatable)."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when something was found."),
    jsonl: bool = _JSONL,
    text_field: str = _TEXT_FIELD,
    id_field: str = _ID_FIELD,
    strict: bool = _STRICT,
    jobs: int = _JOBS,
    summary: bool = _SUMMARY,
    baseline: Optional[Path] = _BASELINE,
):
    """Report artifacts. Exit 1 when something at or above --fail-on was found."""
    from .corpus import CorpusStats, Progress, Tally, run_files
    from .formats import RENDERERS, FileReport

    if output_format not in RENDERERS:
        _err(f"unknown format {output_format!r}; one of {', '.join(RENDERERS)}")
        raise typer.Exit(EXIT_ERROR)

    plan = _plan(paths, "check", _common(rules, disable, select, no_model, backend, fail_on=fail_on),
                 jsonl=jsonl, exclude=exclude, reference=reference, baseline=baseline,
                 text_field=text_field, id_field=id_field)
    if jsonl:
        raise typer.Exit(_run_jsonl(plan, "check", jobs, strict, summary, exit_zero))
    reports, errors, failing, stats = [], 0, False, CorpusStats()
    for task, copts, res in run_files(plan.files, plan.states, jobs=_jobs(jobs), progress=Progress()):
        if res.error is not None:
            _err(res.error)
            errors += 1
            continue
        o = res.outcome
        reports.append(FileReport(task.name, o.original, o.findings, o.language, o.skipped))
        threshold = severity_rank(copts.options.fail_on)
        failing |= any(severity_rank(f.severity) >= threshold for f in o.findings)
        stats.add(Tally.of(task.key, o))
    out = RENDERERS[output_format](reports)
    if out:
        typer.echo(out)
    if summary:
        typer.echo(stats.render(), err=True)
    raise typer.Exit(EXIT_ERROR if errors else EXIT_FOUND if failing and not exit_zero else EXIT_OK)


@app.command()
def fix(
    paths: List[str] = typer.Argument(..., help="Files, directories, globs, or - for stdin."),
    in_place: bool = typer.Option(False, "--in-place", "-i", help="Rewrite the files (atomically)."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff instead of the text."),
    level: Optional[str] = typer.Option(None, "--level", help="safe, standard (default) or aggressive."),
    log: Optional[Path] = typer.Option(None, "--log", help="Write the edit log (JSON Lines) here."),
    reference: Optional[Path] = _REFERENCE,
    rules: Optional[List[Path]] = _RULES,
    disable: Optional[List[str]] = _DISABLE,
    select: Optional[List[str]] = _SELECT,
    no_model: bool = _NO_MODEL,
    backend: Optional[str] = _BACKEND,
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of paths to skip (repeatable)."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when text changed."),
    jsonl: bool = _JSONL,
    text_field: str = _TEXT_FIELD,
    id_field: str = _ID_FIELD,
    strict: bool = _STRICT,
    jobs: int = _JOBS,
    summary: bool = _SUMMARY,
    baseline: Optional[Path] = _BASELINE,
    interactive: bool = typer.Option(False, "--interactive", help="Accept or reject each edit (needs a terminal)."),
):
    """Write normalized text: to stdout for one input, back to the files with --in-place, or as a
    diff with --diff. Exit 1 when something changed."""
    from .corpus import CorpusStats, Progress, Tally, run_files
    from .formats import unified_diff
    from .sources import write_atomic

    if level is not None and level not in LEVELS:
        _err(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
        raise typer.Exit(EXIT_ERROR)

    plan = _plan(paths, "fix", _common(rules, disable, select, no_model, backend, level=level), jsonl=jsonl,
                 exclude=exclude, level=level, reference=reference, baseline=baseline,
                 text_field=text_field, id_field=id_field)
    if jsonl:
        if in_place or diff:
            _err("--jsonl writes the corpus to standard output; use `mtnorm corpus IN OUT` to write a file")
            raise typer.Exit(EXIT_ERROR)
        raise typer.Exit(_run_jsonl(plan, "fix", jobs, strict, summary, exit_zero))
    files = [task.path for _, task in plan.files]
    if len(files) > 1 and not (in_place or diff):
        _err("several inputs: use --in-place to rewrite them or --diff to see the changes")
        raise typer.Exit(EXIT_ERROR)
    if in_place and "-" in files:
        _err("--in-place cannot rewrite standard input")
        raise typer.Exit(EXIT_ERROR)
    if interactive and ("-" in files or not sys.stdin.isatty()):
        _err("--interactive asks about each edit on the terminal: standard input must be a terminal, "
             "not the text or a pipe (use --diff to review changes non-interactively)")
        raise typer.Exit(EXIT_ERROR)
    errors, changed, stats = 0, False, CorpusStats()
    log_lines = []
    for task, _copts, res in run_files(plan.files, plan.states, jobs=_jobs(jobs), progress=Progress()):
        path, name = task.path, task.name
        if res.error is not None:
            _err(res.error)
            errors += 1
            continue
        result, text = res.outcome, res.outcome.original
        if interactive:
            result = _review(result, name)
        stats.add(Tally.of(task.key, result))
        changed |= result.changed
        for e in result.edits:
            log_lines.append(json.dumps({"path": name, **e.to_dict()}, ensure_ascii=False))
        if diff:
            d = unified_diff(text, result.text, name)
            if d:
                sys.stdout.write(d)
        elif in_place:
            if result.changed:
                write_atomic(path, result.text)
                _err(f"fixed {name}: {len(result.edits)} edit(s)")
        else:
            sys.stdout.write(result.text)
    if log is not None:
        from .sources import write_atomic as _w

        _w(log, "\n".join(log_lines) + ("\n" if log_lines else ""))
    if summary:
        typer.echo(stats.render(), err=True)
    raise typer.Exit(EXIT_ERROR if errors else EXIT_FOUND if changed and not exit_zero else EXIT_OK)


def _visible(s: str) -> str:
    """Spaces and line breaks an edit adds or removes, made visible."""
    s = s.replace("\r\n", "⏎").replace("\n", "⏎")
    return s.replace(" ", "␣") if not s.strip(" ⏎") else s


def _review(result, name: str):
    """Ask about each edit on the terminal; return the result with the accepted edits only."""
    from dataclasses import replace

    import click

    from .apply import apply as apply_edits

    text, accepted, rest = result.original, [], None
    for n, e in enumerate(result.edits, 1):
        if rest is None:
            line_start = text.rfind("\n", 0, e.start) + 1
            line_end = text.find("\n", e.end)
            line_end = len(text) if line_end < 0 else line_end
            lo, hi = max(line_start, e.start - 50), min(line_end, e.end + 50)
            head, tail = text[lo : e.start].lstrip(), text[e.end : hi].rstrip()
            typer.echo(f"\n{name}:{text.count(chr(10), 0, e.start) + 1}:{e.start - line_start + 1} "
                       f"[{n}/{len(result.edits)}] {e.rule}", err=True)
            typer.echo("  - " + head + typer.style(_visible(e.before), fg="red", bold=True) + tail, err=True)
            typer.echo("  + " + head + typer.style(_visible(e.after), fg="green", bold=True) + tail, err=True)
            answer = click.prompt("  apply? y(es) n(o) a(ll the rest) d(one: none of the rest)",
                                  type=click.Choice(["y", "n", "a", "d"]), default="y",
                                  show_choices=False, err=True)
            if answer in ("a", "d"):
                rest = answer == "a"
            if answer == "y" or rest:
                accepted.append(e)
        elif rest:
            accepted.append(e)
    new_text, log = apply_edits(text, accepted)
    return replace(result, text=new_text, edits=log)


@app.command()
def undo(
    path: str = typer.Argument(..., help="The normalized file, or - for stdin."),
    log: Path = typer.Option(..., "--log", help="The edit log written by `mtnorm fix --log`."),
    in_place: bool = typer.Option(False, "--in-place", "-i", help="Restore the file in place."),
):
    """Restore the original text from normalized text and its edit log."""
    from .apply import undo as undo_edits
    from .findings import Edit
    from .sources import read_text, write_atomic

    try:
        text = read_text(path)
        name = "<stdin>" if path == "-" else path
        records = []
        for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(str(log), f"malformed JSON: {exc.msg}", line=n) from None
            records.append(rec)
        mine = [r for r in records if r.get("path") in (None, name, path)]
        if not mine and len({r.get("path") for r in records}) == 1:
            mine = records  # a log of one file, restored under another name (or from stdin)
        original = undo_edits(text, [Edit.from_dict(r) for r in mine])
    except (MtnormError, OSError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if in_place:
        write_atomic(path, original)
    else:
        sys.stdout.write(original)


@app.command()
def stats(
    paths: List[str] = typer.Argument(..., help="Files, directories, globs, or - for stdin."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
    top: int = typer.Option(10, "--top", help="How many rules to list."),
    jsonl: bool = _JSONL,
    text_field: str = _TEXT_FIELD,
    id_field: str = _ID_FIELD,
    strict: bool = _STRICT,
    jobs: int = _JOBS,
    rules: Optional[List[Path]] = _RULES,
    disable: Optional[List[str]] = _DISABLE,
    select: Optional[List[str]] = _SELECT,
    no_model: bool = _NO_MODEL,
    backend: Optional[str] = _BACKEND,
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of paths to skip (repeatable)."),
    baseline: Optional[Path] = _BASELINE,
):
    """Corpus statistics: findings by category and rule, the share of documents that look
    machine-translated, the top rules. Nothing is rewritten."""
    from .corpus import Progress, Tally, run_files, run_jsonl

    if output_format not in ("text", "json"):
        _err(f"unknown format {output_format!r}; one of text, json")
        raise typer.Exit(EXIT_ERROR)
    plan = _plan(paths, "check", _common(rules, disable, select, no_model, backend), jsonl=jsonl,
                 exclude=exclude, baseline=baseline, text_field=text_field, id_field=id_field)
    if jsonl:
        rep = run_jsonl(plan.sources, plan.states, None, jobs=_jobs(jobs), strict=strict, progress=Progress())
        result, errors = rep.stats, rep.errors
    else:
        from .corpus import CorpusStats

        result, errors = CorpusStats(), 0
        for task, _copts, res in run_files(plan.files, plan.states, jobs=_jobs(jobs), progress=Progress()):
            if res.error is not None:
                _err(res.error)
                errors += 1
                result.errors += 1
            else:
                result.add(Tally.of(task.key, res.outcome))
    if output_format == "json":
        typer.echo(json.dumps(result.to_dict(top), ensure_ascii=False, indent=2))
    else:
        typer.echo(result.render(top))
    raise typer.Exit(EXIT_ERROR if errors else EXIT_OK)


@app.command("baseline")
def baseline_cmd(
    paths: List[str] = typer.Argument(..., help="Files, directories, globs (or JSONL corpora with --jsonl)."),
    output: Path = typer.Option(Path(".mtnorm-baseline.json"), "--output", "-o", help="The baseline file to write."),
    sidecar: bool = typer.Option(False, "--sidecar", help="Instead, allow the current findings of each file "
                                 "for good, in its FILE.mtnorm-allow sidecar (narrow with --select)."),
    jsonl: bool = _JSONL,
    text_field: str = _TEXT_FIELD,
    id_field: str = _ID_FIELD,
    jobs: int = _JOBS,
    rules: Optional[List[Path]] = _RULES,
    disable: Optional[List[str]] = _DISABLE,
    select: Optional[List[str]] = _SELECT,
    no_model: bool = _NO_MODEL,
    backend: Optional[str] = _BACKEND,
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of paths to skip (repeatable)."),
):
    """Record today's findings so that `mtnorm check --baseline FILE` fails only on new ones
    (or, with --sidecar, allowlist them next to each file)."""
    from .corpus import Progress, Tally, run_files, run_jsonl
    from .document import Document
    from .sources import write_atomic
    from .suppress import Baseline, add_to_sidecar, allowlist_lines

    if sidecar and jsonl:
        _err("--sidecar allowlists sit next to files; for a JSONL corpus write a baseline")
        raise typer.Exit(EXIT_ERROR)
    root = output.resolve().parent
    plan = _plan(paths, "check", _common(rules, disable, select, no_model, backend), jsonl=jsonl,
                 exclude=exclude, use_config_baseline=False, text_field=text_field, id_field=id_field,
                 key_root=root)
    base, errors, added = Baseline(root=root), 0, 0
    if jsonl:
        rep = run_jsonl(plan.sources, plan.states, None, jobs=_jobs(jobs), progress=Progress(), keep_tallies=True)
        tallies, errors = rep.tallies, rep.errors
    else:
        tallies = []
        for task, _copts, res in run_files(plan.files, plan.states, jobs=_jobs(jobs), progress=Progress()):
            if res.error is not None:
                _err(res.error)
                errors += 1
                continue
            tallies.append(Tally.of(task.key, res.outcome))
            if sidecar and res.outcome.findings and task.path != "-":
                lines = allowlist_lines(Document.from_text(res.outcome.original), res.outcome.findings)
                added += add_to_sidecar(task.path, lines)
    if sidecar:
        _err(f"allowed {added} new finding(s) in sidecar files")
    else:
        for t in tallies:
            base.add(t.key, ((rule, digest) for rule, _c, _s, digest in t.findings))
        write_atomic(output, base.to_json())
        _err(f"wrote {len(base)} finding(s) in {sum(1 for t in tallies if t.findings)} document(s) to {output}")
    raise typer.Exit(EXIT_ERROR if errors else EXIT_OK)


@app.command()
def corpus(
    source: str = typer.Argument(..., help="JSON Lines (.jsonl, .jsonl.gz, - for stdin) or Parquet corpus."),
    dest: str = typer.Argument(..., help="Where to write it: .jsonl (- for stdout) or .parquet."),
    engine: str = typer.Option("local", "--engine", help="local (worker processes) or ray."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (default: start "
                                          "a local Ray, or RAY_ADDRESS)."),
    mode: str = typer.Option("fix", "--mode", help="fix: normalize the text; check: only record findings."),
    level: Optional[str] = typer.Option(None, "--level", help="safe, standard (default) or aggressive."),
    text_field: str = _TEXT_FIELD,
    id_field: str = _ID_FIELD,
    strict: bool = _STRICT,
    jobs: int = _JOBS,
    summary: bool = _SUMMARY,
    rules: Optional[List[Path]] = _RULES,
    disable: Optional[List[str]] = _DISABLE,
    select: Optional[List[str]] = _SELECT,
    no_model: bool = _NO_MODEL,
    backend: Optional[str] = _BACKEND,
):
    """Normalize a whole corpus into a new one: every record with its text normalized and its
    findings under "mtnorm", other fields untouched; on this machine or on a Ray cluster."""
    from .corpus import MODES, run_corpus

    if mode not in MODES or engine not in ("local", "ray") or (level is not None and level not in LEVELS):
        _err("--mode is fix or check, --engine local or ray, --level safe, standard or aggressive")
        raise typer.Exit(EXIT_ERROR)
    plan = _plan([source], mode, _common(rules, disable, select, no_model, backend, level=level), jsonl=True,
                 level=level, text_field=text_field, id_field=id_field, expand=False)
    if not plan.states:
        raise typer.Exit(EXIT_ERROR)
    try:
        rep = run_corpus(source, dest, plan.states[0], engine=engine, address=address, jobs=_jobs(jobs),
                         strict=strict)
    except MtnormError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if summary:
        typer.echo(rep.stats.render(), err=True)
    raise typer.Exit(EXIT_ERROR if rep.errors else EXIT_OK)


@rules_app.command("list")
def rules_list(rules: Optional[List[Path]] = _RULES):
    """One line per rule: id, kind, category, message."""
    from .ruleset import load_rules

    try:
        rs = load_rules(rules or [])
    except MtnormError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    for r in rs.rules:
        typer.echo(f"{r.id:55} {r.kind:9} {r.category:18} {r.message.strip().splitlines()[0][:70]}")
    typer.echo(f"{len(rs.rules)} rules in {len(rs.files)} files")


@rules_app.command("show")
def rules_show(rule_id: str, rules: Optional[List[Path]] = _RULES):
    """Explain one rule: why it exists, what it matches, its examples."""
    from .ruleset import load_rules

    try:
        rs = load_rules(rules or [])
    except MtnormError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    r = rs.by_id().get(rule_id)
    if r is None:
        _err(f"no rule {rule_id!r} (see `mtnorm rules list`)")
        raise typer.Exit(EXIT_ERROR)
    typer.echo(f"{r.id}  ({r.kind}, {r.category}, {r.severity}; file {r.path})")
    if r.source:
        typer.echo(f"source word: {r.source}")
    typer.echo(r.message.strip())
    if r.doc:
        typer.echo("\n" + r.doc.strip())
    for label, items in (("match", r.match), ("pattern", [r.pattern] if r.pattern else []),
                         ("suggest", r.suggest), ("unless", r.unless)):
        for it in items:
            typer.echo(f"{label}: {it}")
    for e in r.examples_fire:
        typer.echo(f"fires:        {e.text}" + (f"\n   fixed:      {e.fix}" if e.fix else ""))
    for e in r.examples_no_fire:
        typer.echo(f"does not fire: {e.text}")


@rules_app.command("test")
def rules_test(
    rules: Optional[List[Path]] = _RULES,
    select: Optional[str] = typer.Option(None, "--select", help="Only rules whose id starts with this."),
    no_model: bool = _NO_MODEL,
):
    """Run every rule's examples: `fire` ones must fire (and fix as given), `no_fire` must not."""
    from .rulecheck import run_examples

    try:
        failures, total = run_examples(rules or [], select=select, use_model=not no_model)
    except MtnormError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    for f in failures:
        typer.echo(f"FAIL {f}")
    typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    raise typer.Exit(EXIT_FOUND if failures else EXIT_OK)


@app.command("eval")
def eval_cmd(
    gold: List[Path] = typer.Argument(..., help="Gold annotation files (see seeds/*.yaml)."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
    no_model: bool = _NO_MODEL,
    backend: Optional[str] = _BACKEND,
):
    """Score detection and fixes against gold annotations."""
    from .evaluate import load_gold, render, resolve_document, score_document
    from .pipeline import Normalizer
    from .options import Options

    try:
        normalizer = Normalizer(Options.make(use_model=not no_model, backend=backend or "auto"))
        # A native report in the same set serves as the reference for reference-tier artifacts.
        golds = {g: load_gold(g) for g in gold}
        natives = [resolve_document(g, d["document"]) for g, d in golds.items() if not d.get("source_language")]
        reference_for = {d["document"]: next((n for n in natives if n.name != d["document"]), None)
                         for d in golds.values()}
        scores = [score_document(g, normalizer, reference_for) for g in gold]
    except MtnormError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if output_format == "json":
        typer.echo(json.dumps({"documents": [s.to_dict() for s in scores]}, ensure_ascii=False, indent=2))
    else:
        typer.echo(render(scores))


@models_app.command("build")
def models_build(
    out: Optional[Path] = typer.Option(None, "--out", help="Directory to write (default: models/)."),
    no_quantize: bool = typer.Option(False, "--no-quantize", help="Ship the fp32 export."),
    no_prototypes: bool = typer.Option(False, "--no-prototypes", help="Skip the prototype cache."),
    prototypes_only: bool = typer.Option(False, "--prototypes-only",
                                         help="Only refresh the prototype cache (no torch needed)."),
):
    """Export the reference model to ONNX (needs the [model] extra), check parity, write the
    manifest and the prototype embeddings of the shipped rules."""
    from .models import build, build_prototypes

    try:
        if not prototypes_only:
            build(out, quantize=not no_quantize, log=lambda m: typer.echo(m, err=True))
        if not no_prototypes:
            build_prototypes(out, log=lambda m: typer.echo(m, err=True))
    except ImportError as exc:
        _err(f"building the model needs the [model] extra (torch, sentence-transformers): {exc}")
        raise typer.Exit(EXIT_ERROR)


@models_app.command("info")
def models_info():
    """Print the installed model's manifest, and whether its file matches the recorded hash."""
    from .models import info

    status = info()
    typer.echo(json.dumps(status, indent=2))
    if not status.get("onnx_present") or status.get("sha256_ok") is False:
        raise typer.Exit(EXIT_FOUND)


def main() -> None:  # console script entry point
    try:
        app()
    except MtnormError as exc:
        _err(str(exc))
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
