"""pre-commit, for real: a temporary git repository with a machine-translated article and a
native one, hooks taken from this checkout's .pre-commit-hooks.yaml, and the pre-commit package
itself running them (`pre-commit run`, then a `git commit` through the installed hook).

The hooks are declared `language: python`, which makes pre-commit build a virtualenv and
pip-install mtnorm: that needs the network. Here the same hooks (same id, entry arguments,
types, require_serial) run as `repo: local` with this interpreter, which is what the manifest's
entry resolves to once installed."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import EN_SEED, MT_SEED, ROOT

pre_commit = pytest.importorskip("pre_commit", reason="pre-commit is not installed: pip install pre-commit "
                                 "(the [test] extra has it)")
from pre_commit.clientlib import load_manifest  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _local_language() -> str:
    """pre-commit 4.4 renamed `system` to `unsupported` (and warns about the old name)."""
    from pre_commit import all_languages

    return "unsupported" if "unsupported" in all_languages.languages else "system"


def _local_hooks() -> list[dict]:
    hooks = []
    for h in load_manifest(str(MANIFEST)):
        assert h["entry"].split()[0] == "mtnorm"
        entry = " ".join([sys.executable, "-m", "normalizer.cli", *h["entry"].split()[1:]])
        hooks.append({"id": h["id"], "name": h["name"], "entry": entry, "language": _local_language(),
                      "types": h["types"], "require_serial": h["require_serial"], "files": "^articles/"})
    return hooks


@pytest.fixture
def repo(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path / "home"), "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "GIT_CONFIG_NOSYSTEM": "1", "CI": "true",
           "PRE_COMMIT_COLOR": "never"}
    (tmp_path / "home").mkdir()
    work = tmp_path / "news"
    (work / "articles").mkdir(parents=True)

    def run(*args, check=False):
        p = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True)
        if check:
            assert p.returncode == 0, p.stdout + p.stderr
        return p

    run("git", "init", "-q", check=True)
    run("git", "config", "user.email", "desk@example.invalid", check=True)
    run("git", "config", "user.name", "News desk", check=True)
    run("git", "config", "commit.gpgsign", "false", check=True)
    (work / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": _local_hooks()}]}, sort_keys=False), encoding="utf-8")
    shutil.copy(MT_SEED, work / "articles" / "kabul-mt.txt")
    shutil.copy(EN_SEED, work / "articles" / "kabul-native.txt")
    run("git", "add", ".", check=True)

    def pre_commit_run(*args):
        return run(sys.executable, "-m", "pre_commit", *args)

    return work, run, pre_commit_run


def test_manifest_follows_the_conventions():
    hooks = {h["id"]: h for h in load_manifest(str(MANIFEST))}
    assert set(hooks) == {"mtnorm-check", "mtnorm-fix"}
    for h in hooks.values():
        assert h["language"] == "python" and h["types"] == ["text"] and h["require_serial"]
    assert "--in-place" in hooks["mtnorm-fix"]["entry"].split()


def test_check_hook_fails_on_the_artifact_and_passes_native_text(repo):
    work, _run, pre_commit_run = repo
    p = pre_commit_run("run", "mtnorm-check", "--files", "articles/kabul-mt.txt")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "Failed" in p.stdout and "articles/kabul-mt.txt:" in p.stdout and "common.typography" in p.stdout
    p = pre_commit_run("run", "mtnorm-check", "--files", "articles/kabul-native.txt")
    assert p.returncode == 0 and "Passed" in p.stdout, p.stdout + p.stderr


def test_fix_hook_rewrites_the_file(repo):
    import normalizer

    work, _run, pre_commit_run = repo
    article = work / "articles" / "kabul-mt.txt"
    before = article.read_text(encoding="utf-8")
    p = pre_commit_run("run", "mtnorm-fix", "--files", "articles/kabul-mt.txt")
    assert p.returncode == 1 and "files were modified by this hook" in p.stdout, p.stdout + p.stderr
    after = article.read_text(encoding="utf-8")
    assert after != before and after == normalizer.fix(before)
    native = work / "articles" / "kabul-native.txt"
    p = pre_commit_run("run", "mtnorm-fix", "--files", "articles/kabul-native.txt")
    assert p.returncode == 0 and native.read_bytes() == EN_SEED.read_bytes(), p.stdout + p.stderr


def test_git_commit_is_stopped_by_the_installed_hook(repo):
    work, run, pre_commit_run = repo
    assert pre_commit_run("install").returncode == 0
    p = run("git", "commit", "-q", "-m", "Kabul: two versions")
    assert p.returncode != 0 and "mtnorm check" in p.stdout + p.stderr
    assert run("git", "rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing committed
    run("git", "rm", "-q", "--cached", "-f", "articles/kabul-mt.txt", check=True)  # unstage; file kept
    p = run("git", "commit", "-q", "-m", "Kabul: native report")
    assert p.returncode == 0, p.stdout + p.stderr
    tracked = run("git", "ls-files", check=True).stdout.split()
    assert "articles/kabul-native.txt" in tracked and "articles/kabul-mt.txt" not in tracked
