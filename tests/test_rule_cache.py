"""The stored rulebook never gives a stale or damaged answer: each run is in a new process,
as a user runs the tool, with its own cache folder."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from compliance import disk_cache
from compliance.rulebook import bundled_rules_dir

from .conftest import CASES, ROOT

CASE = CASES / "02-no-risk-assessment.yaml"
RULE = "D590-12-SSRA"                  # violated by CASE: no risk assessment before the decision


def run(cache, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def finding(cache, rules) -> dict | None:
    out = run(cache, "check", str(CASE), "--format", "json", "--as-of", "2026-01-01", "--rules", str(rules))
    assert out.returncode in (0, 1), out.stderr
    found = [f for f in json.loads(out.stdout)["records"][0]["findings"] if f["rule"] == RULE]
    return found[0] if found else None


@pytest.fixture
def rules(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), copy)
    return copy


def test_an_edited_rule_file_changes_the_next_result(tmp_path, rules):
    cache = tmp_path / "cache"
    assert finding(cache, rules)["severity"] == "blocking"
    assert finding(cache, rules)["severity"] == "blocking"        # from the cache
    assert any(cache.iterdir())
    path = rules / "d590" / f"{RULE}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("severity: blocking", "severity: minor", 1), encoding="utf-8")
    assert finding(cache, rules)["severity"] == "minor"
    # a compiled condition: the rule is not yet in force on the decision date
    path.write_text(text.replace("effective: {from: 2011-01-21}", "effective: {from: 2030-01-01}"), encoding="utf-8")
    assert finding(cache, rules) is None


def test_an_added_rule_file_and_another_rules_directory_are_seen(tmp_path, rules):
    cache = tmp_path / "cache"

    def listed(directory) -> set[str]:
        out = run(cache, "rules", "list", "--format", "json", "--rules", str(directory))
        assert out.returncode == 0, out.stderr
        return {row["id"] for row in json.loads(out.stdout)}

    before = listed(rules)
    text = (rules / "d590" / f"{RULE}.yaml").read_text(encoding="utf-8")
    (rules / "d590" / "D590-12-SSRA2.yaml").write_text(text.replace(f"id: {RULE}", "id: D590-12-SSRA2"),
                                                       encoding="utf-8")
    assert listed(rules) == before | {"D590-12-SSRA2"}
    assert listed(bundled_rules_dir()) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong key", "bad pickle"])
def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path, damage):
    cache = tmp_path / "cache"
    args = ("check", str(CASE), "--format", "json", "--as-of", "2026-01-01")
    good = run(cache, *args)
    files = sorted(cache.iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        header, _, payload = data.partition(b"\n")
        if damage == "garbage":
            data = os.urandom(len(data))
        elif damage == "truncated":
            data = data[: len(data) // 2]
        elif damage == "empty":
            data = b""
        elif damage == "wrong key":
            magic, key, checksum = header.split(b" ")
            data = b" ".join((magic, b"0" * len(key), checksum)) + b"\n" + payload
        else:  # a valid header over a payload that is not a pickle of ours
            payload = b"not a pickle"
            data = disk_cache.MAGIC + b" " + header.split(b" ")[1] + b" " + \
                disk_cache.hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        path.write_bytes(data)
    again = run(cache, *args)
    assert (again.returncode, again.stdout, again.stderr) == (good.returncode, good.stdout, good.stderr)
    assert sorted(cache.iterdir()) == files                     # rewritten in place
    assert all(p.read_bytes().startswith(disk_cache.MAGIC) for p in files)


def test_the_cache_can_be_turned_off(tmp_path):
    out = run("off", "rules", "list", "--format", "json")
    assert out.returncode == 0 and json.loads(out.stdout)
    assert not (ROOT / "off").exists()


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = run(blocker / "cache", "check", str(CASE), "--as-of", "2026-01-01", "--format", "json")
    assert out.returncode == 1 and json.loads(out.stdout)["records"][0]["findings"]


def test_a_value_is_returned_only_under_its_own_key(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    disk_cache.save("x", "k1", {"a": 1})
    assert disk_cache.load("x", "k1") == {"a": 1}
    assert disk_cache.load("x", "k2") is None
    assert disk_cache.load("y", "k1") is None
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]   # written atomically
