"""The names officials write for steps: each means one kind, a name that could mean two is
refused with both, and no error suggests a step of another meaning."""
import pytest

from compliance import vocabulary as voc

SCOPES = ("expropriation_decision", "compensation_decision", "major_matter", "household")

OFFICIAL_NAMES = {  # (record type, name) -> kind
    ("major_matter", "党组会议"): "party_group_meeting", ("major_matter", "常务会议"): "executive_meeting",
    ("major_matter", "风险评估"): "risk_assessment", ("major_matter", "稳评"): "risk_assessment",
    ("major_matter", "法律咨询"): "legal_consultation", ("major_matter", "事前法律咨询"): "legal_consultation",
    ("major_matter", "征求意见"): "public_opinion", ("major_matter", "公告"): "decision_announced",
    ("major_matter", "决策"): "decision", ("major_matter", "听证"): "hearing",
    ("expropriation_decision", "征收决定"): "decision", ("expropriation_decision", "资金到位"): "funds_in_place",
    ("expropriation_decision", "公告"): "decision_announced", ("expropriation_decision", "听证"): "hearing",
    ("expropriation_decision", "党组会议"): "party_group_meeting", ("expropriation_decision", "稳评"): "risk_assessment",
    ("compensation_decision", "补偿决定"): "decision", ("compensation_decision", "公告"): "decision_announced",
    ("household", "签约"): "agreement_signed", ("household", "强拆"): "demolished",
}


@pytest.mark.parametrize("scope,name", sorted(OFFICIAL_NAMES))
def test_official_names_mean_their_kind(scope, name):
    assert voc.resolve_kind(scope, name) == OFFICIAL_NAMES[(scope, name)]


def test_a_name_of_two_kinds_is_refused_with_both():
    with pytest.raises(voc.KindError) as e:
        voc.resolve_kind("expropriation_decision", "征求意见")
    assert "plan_comment" in str(e.value) and "public_opinion" in str(e.value)


@pytest.mark.parametrize("scope", SCOPES)
def test_every_name_means_one_kind_and_formal_names_their_own(scope):
    kinds = voc.KINDS_BY_TYPE[scope]
    for kind in kinds.values():
        assert voc.resolve_kind(scope, kind.name) == kind.name
        assert voc.resolve_kind(scope, kind.label) == kind.name
    for name, kind in voc.kind_aliases(scope).items():
        assert voc.resolve_kind(scope, name) == kind


@pytest.mark.parametrize("scope", SCOPES)
def test_no_suggestion_of_another_meaning(scope):
    """A name that means a step elsewhere is pointed there, never to a look-alike here (征收决定
    in a compensation decision must not become 征收补偿决定)."""
    for other in SCOPES:
        if other == scope:
            continue
        for name, kind in [*voc.kind_aliases(other).items(), *((k, k) for k in voc.KINDS_BY_TYPE[other])]:
            try:
                got = voc.resolve_kind(scope, name)
            except voc.KindError as e:
                assert "是否应为" not in str(e) and "did you mean" not in str(e), (scope, name, str(e))
                continue
            assert got == kind, (scope, name, got, kind)


def test_a_typo_gets_a_suggestion_of_the_same_name():
    with pytest.raises(voc.KindError, match="作出征收决定"):
        voc.resolve_kind("expropriation_decision", "作出征收决订")
