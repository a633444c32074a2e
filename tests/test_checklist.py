"""The pre-meeting checklist: which rules fall before which gate, each status, the earliest
lawful date, and the three outputs. Records start from the compliant examples in
rules/_examples/ with steps removed or moved; expected dates come from the records and the
period arithmetic, not from hand-written constants."""
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rich.cells import cell_len
from rich.console import Console

from compliance.checklist import DONE, MISSING, PENDING, WAIVED, build_checklist, gate_members, resolve_gate
from compliance.errors import InputError
from compliance.evaluate import Evaluator
from compliance.formats import checklist_markdown, checklist_text
from compliance.formats.checklist_json import as_dict
from compliance.periods import is_workday
from compliance.records import load_record
from compliance.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rules" / "_examples"
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def full():
    return Evaluator(load_rulebook())


def only_rules(tmp_path: Path, *ids: str) -> Evaluator:
    """An evaluator over a copy of just these rule files (to isolate one rule's dates)."""
    directory = tmp_path / "rules"
    directory.mkdir()
    for rid in ids:
        found = list((ROOT / "rules").rglob(f"{rid}.yaml"))
        assert found, rid
        shutil.copy(found[0], directory / found[0].name)
    return Evaluator(load_rulebook(directory))


def base(name: str = "expropriation.yaml") -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def first_date(step: dict) -> dt.date | None:
    return step.get("date") or step.get("start") or step.get("submitted")


def edit(data: dict, *, until: dt.date | None = None, remove=(), keep=(), change=None, top=None) -> dict:
    """Keep the steps up to `until` (and the kinds in `keep`), drop kinds, set fields."""
    steps = []
    for step in data["steps"]:
        if step["kind"] in remove:
            continue
        if until and step["kind"] not in keep and (first_date(step) or dt.date.min) > until:
            continue
        step = dict(step)
        for field, value in (change or {}).get(step["kind"], {}).items():
            if value is None:
                step.pop(field, None)
            else:
                step[field] = value
        steps.append(step)
    return {**data, **(top or {}), "steps": steps}


def write(tmp_path: Path, data: dict, name: str = "record.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_record(path)


def checklist(evaluator, loaded, gate, as_of, lang="zh", **kw):
    return build_checklist(evaluator, loaded, gate, as_of, lang, **kw)


def item(cl, rule_id):
    found = [i for i in cl.items if i.rule.id == rule_id]
    assert found, f"{rule_id} not in the checklist: {[i.rule.id for i in cl.items]}"
    return found[0]


def step_of(data: dict, kind: str) -> dict:
    return next(s for s in data["steps"] if s["kind"] == kind)


# ----------------------------------------------------------------- gate membership
def test_membership_follows_the_procedure(full):
    rules = full.rulebook.rules
    members = {g: gate_members(rules, "expropriation_decision", g)
               for g in ("party_group_meeting", "executive_meeting", "decision", "decision_announced")}
    assert "INT-LEGAL-CONSULT" in members["party_group_meeting"]
    assert "D590-10-COMMENT-30D" in members["decision"]
    assert "D590-10-COMMENT-30D" not in members["party_group_meeting"]
    # What must precede the 党组 meeting also precedes the 常务会议 after it, and the decision.
    for earlier, later in [("party_group_meeting", "executive_meeting"), ("executive_meeting", "decision"),
                           ("decision", "decision_announced")]:
        for rule_id, checks in members[earlier].items():
            assert set(checks) <= set(members[later].get(rule_id, ())), (rule_id, earlier, later)
    # An announcement follows the decision: its deadline is a gate of its own, not the decision's.
    assert "D590-13-ANNOUNCE" in members["decision_announced"]
    assert "D590-13-ANNOUNCE" not in members["decision"]
    # Only the rule's checks that fall before the gate count: the 党组 check, not the decision one.
    consult = load_rulebook().by_id()["INT-LEGAL-CONSULT"]
    pgm_checks = members["party_group_meeting"]["INT-LEGAL-CONSULT"]
    assert {consult.checks[i].each for i in pgm_checks} == {"party_group_meeting"}


def test_membership_comes_from_the_rule_files(tmp_path):
    """A new rule file changes the gates: nothing is listed by hand."""
    directory = tmp_path / "rules"
    directory.mkdir()
    source = yaml.safe_load((ROOT / "rules" / "internal" / "INT-LEGAL-CONSULT.yaml").read_text(encoding="utf-8"))
    rule = {**source, "id": "INT-TEST-HEARING", "tests": [],
            "checks": [{"each": "party_group_meeting", "need": "hearing",
                        "where": {"date": {"not_after": "party_group_meeting.date"}}}]}
    (directory / "INT-TEST-HEARING.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    rules = load_rulebook(directory).rules
    assert "INT-TEST-HEARING" in gate_members(rules, "expropriation_decision", "party_group_meeting")
    assert "INT-TEST-HEARING" not in gate_members(rules, "expropriation_decision", "scope_determined")
    # The hearing now precedes the 党组 meeting, so the hearing's own rules join that gate too.
    full_rules = load_rulebook().rules + rules
    assert "D713-17-HEARING-RECORD" in gate_members(full_rules, "expropriation_decision", "party_group_meeting")
    assert "D713-17-HEARING-RECORD" not in gate_members(load_rulebook().rules, "expropriation_decision",
                                                        "party_group_meeting")


def test_record_level_rules_belong_to_every_gate(full):
    for gate in ("party_group_meeting", "executive_meeting", "decision"):
        assert "D590-04-DECIDER" in gate_members(full.rulebook.rules, "expropriation_decision", gate)


def test_gate_names_in_chinese():
    assert resolve_gate("expropriation_decision", "党组会议") == "party_group_meeting"
    assert resolve_gate("expropriation_decision", "政府常务会议") == "executive_meeting"
    assert resolve_gate("expropriation_decision", "作出征收决定") == "decision"
    assert resolve_gate("compensation_decision", "申请强制执行") == "enforcement_application"
    assert resolve_gate("major_matter", "党组会议集体研究决定") == "party_group_meeting"
    with pytest.raises(InputError, match="did you mean"):
        resolve_gate("expropriation_decision", "executive_meting")


# ----------------------------------------------------------------- statuses
def test_done_gives_the_date_and_document(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting"])
    cl = checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 4, 12))
    consult = item(cl, "INT-LEGAL-CONSULT")
    assert consult.status == DONE and consult.due is None
    assert str(step_of(data, "legal_consultation")["date"]) in consult.detail
    risk = item(cl, "INT-RISK")
    assert risk.status == DONE
    assert step_of(data, "risk_assessment")["doc"] in risk.detail
    assert cl.ready


def test_missing_step_is_missing_and_not_ready(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting", "legal_consultation"])
    cl = checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 4, 12))
    consult = item(cl, "INT-LEGAL-CONSULT")
    assert consult.status == MISSING and consult.due is None and consult.detail
    assert not cl.ready and cl.exit_code == 1
    assert cl.earliest_date is None  # a missing step leaves the date unknowable


def test_running_comment_period_is_pending_until_the_day_after_it_ends(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 3, 20))
    end = step_of(data, "plan_comment")["end"]
    cl = checklist(full, write(tmp_path, data), "decision", dt.date(2025, 3, 20))
    comment = item(cl, "D590-10-COMMENT-30D")
    assert comment.status == PENDING
    assert comment.due == end + DAY          # the decision must come strictly after the period
    assert item(cl, "D713-15-COMMENT-30D").due == end   # the 30 days have run on the last day
    assert not cl.ready


def test_planned_step_makes_its_item_pending_from_its_date(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 22), remove=["executive_meeting"])
    review = step_of(data, "legality_review")
    as_of = review["submitted"] + DAY                   # the review is still under way
    cl = checklist(full, write(tmp_path, data), "executive_meeting", as_of)
    legality = item(cl, "D713-25-LEGALITY")
    assert legality.status == PENDING and legality.due == review["date"]
    assert str(review["date"]) in legality.detail


def test_unknown_date_is_not_evaluable_with_the_fact_needed(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting"],
                change={"legal_consultation": {"date": None}})
    cl = checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 4, 12))
    consult = item(cl, "INT-LEGAL-CONSULT")
    assert consult.status == "not_evaluable"
    assert "「法律顾问意见（事前法律咨询）」日期" in consult.detail      # the fact, in the reader's words


def test_waiver_waives_until_it_expires(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting", "legal_consultation"])
    waiver = {"rule": "INT-LEGAL-CONSULT", "reason": "紧急事项", "approved_by": "中心党组",
              "expires": dt.date(2025, 12, 31)}
    cl = checklist(full, write(tmp_path, {**data, "waivers": [waiver]}), "party_group_meeting", dt.date(2025, 4, 12))
    consult = item(cl, "INT-LEGAL-CONSULT")
    assert consult.status == WAIVED and "紧急事项" in consult.detail
    assert cl.ready  # the office accepted it
    expired = {**waiver, "expires": dt.date(2025, 4, 1)}
    cl = checklist(full, write(tmp_path, {**data, "waivers": [expired]}), "party_group_meeting", dt.date(2025, 4, 12))
    assert item(cl, "INT-LEGAL-CONSULT").status == MISSING


def test_not_applicable_rules_are_listed_only_with_all(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting"])
    loaded = write(tmp_path, data)
    plain = checklist(full, loaded, "party_group_meeting", dt.date(2025, 4, 12))
    everything = checklist(full, loaded, "party_group_meeting", dt.date(2025, 4, 12), include_all=True)
    assert "D590-05-AGENT" not in {i.rule.id for i in plain.items}       # no implementing unit
    assert item(everything, "D590-05-AGENT").status == "not_applicable"


def test_a_held_gate_is_checked_as_it_happened(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 18), remove=["legal_consultation"])
    cl = checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 5, 1))
    assert cl.gate_state == "held"
    assert item(cl, "INT-LEGAL-CONSULT").status == MISSING   # nothing can become due after the meeting


# ----------------------------------------------------------------- the earliest lawful date
def test_earliest_decision_is_the_day_after_the_comment_period(tmp_path):
    evaluator = only_rules(tmp_path, "D590-10-COMMENT-30D")
    data = edit(base(), until=dt.date(2025, 3, 20))
    end = step_of(data, "plan_comment")["end"]
    loaded = write(tmp_path, data)
    assert checklist(evaluator, loaded, "decision", dt.date(2025, 3, 20)).earliest_date == end + DAY
    late = checklist(evaluator, loaded, "decision", dt.date(2025, 6, 1))
    assert late.earliest_date == end + DAY and late.ready   # it may lie before --as-of


def test_earliest_meeting_waits_seven_working_days_of_legality_review(tmp_path):
    evaluator = only_rules(tmp_path, "D713-26-7WD", "D713-25-LEGALITY")
    data = edit(base(), until=dt.date(2025, 4, 10), keep=["legality_review"])
    assert step_of(data, "legality_review")["submitted"] == dt.date(2025, 4, 8)
    needed = dt.date(2025, 4, 17)   # Tue 04-08 + 7 working days: 09, 10, 11, 14, 15, 16, 17
    loaded = write(tmp_path, edit(data, change={"legality_review": {"date": needed}}))
    cl = checklist(evaluator, loaded, "executive_meeting", dt.date(2025, 4, 10))
    assert cl.earliest_date == needed
    assert item(cl, "D713-26-7WD").due == needed
    # A review concluded a working day too early is defective: no lawful date can be given.
    early = needed - DAY
    while not is_workday(early):
        early -= DAY
    loaded = write(tmp_path, edit(data, change={"legality_review": {"date": early}}))
    cl = checklist(evaluator, loaded, "executive_meeting", early + DAY)
    assert item(cl, "D713-26-7WD").status == MISSING and cl.earliest_date is None


def test_earliest_date_counts_holidays_and_make_up_working_days(tmp_path):
    evaluator = only_rules(tmp_path, "D713-26-7WD", "D713-25-LEGALITY")
    submitted = dt.date(2025, 9, 26)   # before the National Day holiday (10-01..10-08)
    # 09-28 (Sun) and 10-11 (Sat) are 调休 working days: 28, 29, 30, 10-09, 10, 11, 13
    needed = dt.date(2025, 10, 13)
    weekdays, day = 0, submitted
    while weekdays < 7:                # what a count of Monday-Friday alone would give
        day += DAY
        weekdays += day.weekday() < 5
    assert needed > day                # the holiday matters here
    data = edit(base(), until=dt.date(2025, 4, 10), keep=["legality_review"],
                change={"legality_review": {"submitted": submitted, "date": needed}})
    cl = checklist(evaluator, write(tmp_path, data), "executive_meeting", submitted + DAY)
    assert cl.earliest_date == needed


def test_earliest_date_is_the_latest_prerequisite_with_all_rules(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 22), top={"is_major_decision": False})
    latest = max(first_date(s) for s in data["steps"])
    cl = checklist(full, write(tmp_path, data), "decision", dt.date(2025, 4, 23))
    assert [i.rule.id for i in cl.items if i.status in (MISSING, PENDING)] == []
    assert cl.ready and cl.earliest_date == latest


def test_earliest_announcement_is_bounded_by_the_decision(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 25), top={"is_major_decision": False})
    decided = step_of(data, "decision")["date"]
    cl = checklist(full, write(tmp_path, data), "decision_announced", decided + DAY)
    assert cl.earliest_date == decided          # not before the decision it announces
    assert cl.ready


# ----------------------------------------------------------------- outputs and the command
def test_json_contract_shape(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 3, 20))
    doc = as_dict(checklist(full, write(tmp_path, data), "decision", dt.date(2025, 3, 20)))
    assert set(doc) == {"format", "record", "gate", "as_of", "ready", "earliest_date", "items"}
    assert doc["format"] == "compliance-checklist/1" and doc["gate"] == "decision"
    assert doc["record"] == data["id"] and doc["as_of"] == "2025-03-20"
    assert doc["ready"] is False and doc["earliest_date"] is None
    for entry in doc["items"]:
        assert set(entry) == {"rule", "status", "title", "basis", "steps", "due", "detail"}
        assert entry["status"] in {"done", "missing", "pending", "not_evaluable", "waived"}
        # a pending item has its first possible day, unless it waits on a step still missing
        assert entry["due"] is None or entry["status"] == "pending"
        assert entry["due"] is not None or entry["status"] != "pending" or "之后进行" in entry["detail"]
        assert isinstance(entry["steps"], list) and "decision" not in entry["steps"]
    json.dumps(doc)


def run(*args, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True, env=e)


def test_exit_codes_ready_not_ready_and_bad_input(tmp_path):
    ready = write(tmp_path, edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting"]), "a.yaml")
    out = run("checklist", str(ready.path), "--before", "党组会议", "--as-of", "2025-04-12", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ready"] is True
    missing = write(tmp_path, edit(base(), until=dt.date(2025, 4, 12),
                                   remove=["party_group_meeting", "risk_assessment"]), "b.yaml")
    out = run("checklist", str(missing.path), "--before", "party_group_meeting", "--as-of", "2025-04-12")
    assert out.returncode == 1, out.stderr
    out = run("checklist", str(missing.path), "--before", "no_such_step")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    out = run("checklist", str(tmp_path / "absent.yaml"), "--before", "decision")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_text_fits_80_columns(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 3, 20))
    cl = checklist(full, write(tmp_path, data), "executive_meeting", dt.date(2025, 3, 20))
    out = run("checklist", str(cl.file), "--before", "executive_meeting", "--as-of", "2025-03-20",
              env={"COLUMNS": "80", "PYTHONIOENCODING": "utf-8"})
    lines = out.stdout.splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 80
    assert "✗" in out.stdout and "尚不能进行" in out.stdout
    for rid in (i.rule.id for i in cl.items):
        assert rid in out.stdout


def test_marks_degrade_where_the_console_cannot_show_them(full, tmp_path):
    """A Chinese Windows console (GBK) shows Chinese but not ✓ ✗ ◷: marks and borders turn ASCII."""
    data = edit(base(), until=dt.date(2025, 3, 20))
    cl = checklist(full, write(tmp_path, data), "executive_meeting", dt.date(2025, 3, 20))
    out = subprocess.run([sys.executable, "-m", "compliance", "checklist", str(cl.file), "--before",
                          "executive_meeting", "--as-of", "2025-03-20"], capture_output=True,
                         env=dict(os.environ, COLUMNS="80", PYTHONIOENCODING="gbk"))
    assert out.returncode == 1, out.stderr.decode("gbk", "replace")
    text = out.stdout.decode("gbk")
    assert "尚不能进行" in text
    assert not any(mark in text for mark in "✓✗◷⊘╭")
    assert "x " in text and max(cell_len(line) for line in text.splitlines()) <= 80


def test_english_text_fits_80_columns(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting", "legal_consultation"])
    cl = checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 4, 12), lang="en")
    console = Console(width=80, record=True, file=open(os.devnull, "w", encoding="utf-8"), color_system=None)
    console.print(checklist_text.renderable(cl))
    text = console.export_text()
    assert "Not ready" in text and "INT-LEGAL-CONSULT" in text
    assert max(cell_len(line) for line in text.splitlines()) <= 80


def test_markdown_for_meeting_materials(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["party_group_meeting", "legal_consultation"])
    cl = checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 4, 12))
    md = checklist_markdown.render(cl)
    assert md.startswith("# ")
    tables = [line for line in md.splitlines() if line.startswith("|")]
    widths = {line.count(" | ") for line in tables if not line.startswith("|---")}
    assert len(widths) == 1                       # every row has the same number of cells
    assert any("INT-LEGAL-CONSULT" in line for line in tables)
    assert "## ✗" in md and "## ✓" in md


def test_markdown_escapes_user_text_like_the_audit_markdown(full, tmp_path):
    data = edit(base(), until=dt.date(2025, 4, 12), remove=["legal_consultation"])
    data["title"] = "旧城区<b>改建</b> | 项目"
    data["waivers"] = [{"rule": "INT-LEGAL-CONSULT", "reason": "<img src=x onerror=alert(1)> 已补正",
                        "approved_by": "中心党组", "expires": "2026-12-31"}]
    md = checklist_markdown.render(checklist(full, write(tmp_path, data), "party_group_meeting", dt.date(2025, 4, 12)))
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "<b>" not in md and "旧城区&lt;b&gt;改建&lt;/b&gt; \\| 项目" in md


def test_a_step_the_law_does_not_yet_allow_is_pending_not_missing(full, tmp_path):
    """Feedback on comments is possible only after the comment period ends (2025-03-31); an
    executive meeting only after the 党组 meeting, which is itself missing."""
    data = edit(base(), until=dt.date(2025, 3, 20))
    cl = checklist(full, write(tmp_path, data), "decision", dt.date(2025, 3, 20))
    feedback = item(cl, "D590-11-FEEDBACK")
    assert feedback.status == PENDING and feedback.due == dt.date(2025, 4, 1)
    exec_meeting = item(cl, "INT-GOV-EXEC")
    assert exec_meeting.status == PENDING and exec_meeting.due is None and "党组会议" in exec_meeting.detail
    assert item(cl, "INT-RISK").status == MISSING          # could be done today
    assert cl.earliest_date is None and not cl.ready


def test_earliest_date_is_never_before_a_pending_items_first_day(tmp_path):
    """The comment period ends 2025-03-31 and the feedback is planned for 2025-04-07: both are
    pending, and the decision's earliest lawful date is the later of their first days."""
    evaluator = only_rules(tmp_path, "D590-10-COMMENT-30D", "D590-11-FEEDBACK")
    data = edit(base(), until=dt.date(2025, 3, 20), keep=["plan_feedback_published"])
    cl = checklist(evaluator, write(tmp_path, data), "decision", dt.date(2025, 3, 20))
    assert item(cl, "D590-10-COMMENT-30D").status == PENDING and item(cl, "D590-10-COMMENT-30D").due == dt.date(2025, 4, 1)
    assert item(cl, "D590-11-FEEDBACK").status == PENDING and item(cl, "D590-11-FEEDBACK").due == dt.date(2025, 4, 7)
    assert cl.earliest_date == dt.date(2025, 4, 7)
