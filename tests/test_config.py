"""Configuration: [tool.mtnorm] in pyproject.toml or .mtnorm.toml, found upward from each file;
flags override it; excludes apply to named files too; bad values are reported by file and key."""

import json

import pytest
from typer.testing import CliRunner

from normalizer.cli import app
from normalizer.config import ConfigResolver, is_excluded, load_project
from normalizer.errors import MtnormError

ARTIFACT = "He said ” it is over ”, and left.\n"  # a typography finding (warning)
NATIVE = "The minister spoke to reporters on Monday.\n"


def run(*args):
    r = CliRunner().invoke(app, [str(a) for a in args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def project(root, config: str, name="pyproject.toml", files=None):
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(config, encoding="utf-8")
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_found_upward_from_the_file(tmp_path):
    proj = project(tmp_path / "p", '[tool.mtnorm]\ndisable = ["common.typography"]\n',
                   files={"desk/2024/a.txt": ARTIFACT})
    assert run("check", "--no-model", proj / "desk/2024/a.txt").exit_code == 0
    assert run("check", "--no-model", "--select", "common.typography", proj / "desk/2024/a.txt").exit_code == 0
    (proj / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # no table: defaults
    assert run("check", "--no-model", proj / "desk/2024/a.txt").exit_code == 1


def test_nearest_config_wins_and_each_file_gets_its_own(tmp_path):
    outer = project(tmp_path / "outer", 'disable = ["common.typography"]\n', name=".mtnorm.toml",
                    files={"a.txt": ARTIFACT, "inner/b.txt": ARTIFACT})
    project(outer / "inner", "[tool.mtnorm]\nlevel = 'standard'\n")  # nearer, enables everything
    r = run("check", "--no-model", "--format", "json", outer / "a.txt", outer / "inner/b.txt")
    counts = {f["path"].rsplit("/", 1)[-1]: len(f["findings"]) for f in json.loads(r.stdout)["files"]}
    assert counts["a.txt"] == 0 and counts["b.txt"] >= 1 and r.exit_code == 1


def test_mtnorm_toml_before_pyproject_in_the_same_folder(tmp_path):
    proj = project(tmp_path / "p", '[tool.mtnorm]\nfail-on = "warning"\n', files={"a.txt": ARTIFACT})
    (proj / ".mtnorm.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    assert load_project(proj).options.fail_on == "error"
    assert run("check", "--no-model", proj / "a.txt").exit_code == 0
    assert run("check", "--no-model", "--fail-on", "warning", proj / "a.txt").exit_code == 1  # flag wins


def test_excludes_apply_to_folders_and_named_files(tmp_path):
    proj = project(tmp_path / "p", '[tool.mtnorm]\nexclude = ["drafts/", "*.wip.txt"]\n',
                   files={"drafts/x.txt": ARTIFACT, "news/y.wip.txt": ARTIFACT, "news/z.txt": NATIVE})
    r = run("check", "--no-model", "--format", "json", proj)
    assert [f["path"].rsplit("/", 1)[-1] for f in json.loads(r.stdout)["files"]] == ["z.txt"]
    assert r.exit_code == 0
    assert run("check", "--no-model", proj / "drafts/x.txt", proj / "news/y.wip.txt").exit_code == 0


def test_is_excluded_matches_names_relative_paths_and_folders(tmp_path):
    assert is_excluded(tmp_path / "a/b/c.txt", ["a"], tmp_path)
    assert is_excluded(tmp_path / "a/b/c.txt", ["a/b/*.txt"], tmp_path)
    assert is_excluded(tmp_path / "a/b/c.txt", ["c.txt"], tmp_path)
    assert not is_excluded(tmp_path / "a/b/c.txt", ["b/c.txt", "x"], tmp_path)
    assert is_excluded(tmp_path / "story.txt.mtnorm-allow", [], tmp_path)  # mtnorm's own files


def test_paths_in_config_are_relative_to_the_config_file(tmp_path):
    proj = project(tmp_path / "p", '[tool.mtnorm]\nrules = ["house"]\nallowlist = "allow.txt"\n'
                                   'baseline = "base.json"\nsource-languages = ["fr"]\n')
    pc = load_project(proj / "sub")
    assert pc.path == proj / "pyproject.toml"
    assert pc.options.rule_dirs == [proj / "house"]
    assert pc.allowlist == proj / "allow.txt" and pc.baseline == proj / "base.json"
    assert pc.options.source_languages == ["fr"]


@pytest.mark.parametrize("body, message", [
    ("colour = 1\n", "unknown [tool.mtnorm] key 'colour'"),
    ('disable = "common.typography"\n', "disable must be a list of strings"),
    ('level = "extreme"\n', "level must be one of"),
    ("allowlist = 3\n", "allowlist must be a path"),
])
def test_bad_config_is_reported_with_file_and_key(tmp_path, body, message):
    proj = project(tmp_path / "p", "[tool.mtnorm]\n" + body, files={"a.txt": NATIVE})
    with pytest.raises(MtnormError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_project(proj)
    r = run("check", "--no-model", proj / "a.txt")
    assert r.exit_code == 2 and "pyproject.toml" in r.stderr and message in r.stderr


def test_invalid_toml(tmp_path):
    proj = project(tmp_path / "p", "[tool.mtnorm\n", files={"a.txt": NATIVE})
    r = run("check", "--no-model", proj / "a.txt")
    assert r.exit_code == 2 and "invalid TOML" in r.stderr


def test_resolver_caches_one_config_per_file(tmp_path):
    proj = project(tmp_path / "p", "[tool.mtnorm]\nlevel = 'safe'\n", files={"a/x.txt": NATIVE, "b/y.txt": NATIVE})
    res = ConfigResolver(use_model=False)
    a, b = res.for_path(proj / "a/x.txt"), res.for_path(proj / "b/y.txt")
    assert a is b and a.options.level == "safe" and a.options.use_model is False


def test_level_from_config_applies_to_fix(tmp_path):
    proj = project(tmp_path / "p", "[tool.mtnorm]\nlevel = 'safe'\n",
                   files={"a.txt": "The price rose to 1 234,5 euros.\n"})  # number format: standard level
    assert run("fix", "--no-model", proj / "a.txt").stdout == "The price rose to 1 234,5 euros.\n"
    assert run("fix", "--no-model", "--level", "standard", proj / "a.txt").stdout != "The price rose to 1 234,5 euros.\n"
