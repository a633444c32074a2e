"""Profile files: a relative `extends:` is read from the profile's own directory, and
parameter values are range-checked with the file and the key named (issue 12)."""
from __future__ import annotations

import pytest

from compliance.errors import InputError
from compliance.profiles import load_profile, shipped_profiles


def test_relative_extends_is_resolved_against_the_profiles_directory(tmp_path, monkeypatch):
    sub = tmp_path / "profiles"
    sub.mkdir()
    (sub / "base.yaml").write_text("profile: base\nsigning_period_days: 30\n", encoding="utf-8")
    (sub / "child.yaml").write_text("profile: child\nextends: base.yaml\nvaluation_publicity_days: 10\n",
                                    encoding="utf-8")
    (tmp_path / "base.yaml").write_text("profile: decoy\nsigning_period_days: 99\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    p = load_profile("profiles/child.yaml")
    assert (p.signing_period_days, p.valuation_publicity_days) == (30, 10)
    (sub / "city.yaml").write_text("profile: city\nextends: national\n", encoding="utf-8")
    assert load_profile(str(sub / "city.yaml")).name == "city"        # a shipped name still works


@pytest.mark.parametrize("key,value", [("many_households_threshold", "-5"), ("many_households_threshold", "true"),
                                       ("signing_period_days", "0"), ("valuation_publicity_days", "2.5"),
                                       ("large_expenditure_threshold_cny", "-1"),
                                       ("large_expenditure_threshold_cny", "yes")])
def test_out_of_range_values_are_refused_with_file_and_key(tmp_path, key, value):
    path = tmp_path / "p.yaml"
    path.write_text(f"profile: p\n{key}: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_profile(str(path))
    assert info.value.file == str(path) and info.value.location == key
    assert "not allowed" in info.value.message_pair()[1] and "不可用" in info.value.message


def test_shipped_profiles_still_load():
    for name in shipped_profiles():
        assert load_profile(name).name


def test_a_misspelt_parameter_gets_a_suggestion(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("profile: p\nextends: national\nmany_household_threshold: 50\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_profile(str(path))
    assert "many_households_threshold" in info.value.message and info.value.location == "many_household_threshold"
