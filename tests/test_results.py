"""The typed assessment result: one finalise for both populations, stored JSON read back, one radar."""

from __future__ import annotations

import pytest

from smmacademy.domain import scoring
from smmacademy.domain.report import build_report, snapshot_names
from smmacademy.domain.results import AssessmentResult, Evidence, ProfileFit, finalise, radar_for

from .conftest import load_real_framework


@pytest.fixture(scope="module")
def snapshot():
    return load_real_framework().snapshot()


TEXTS = {"target": "%(profile)s target", "self": "Self-rating", "quizzes": "%(passed)s of %(total)s quizzes passed"}


def at_targets_of(snapshot, profile_id: str) -> dict[str, int]:
    """Every statement rated at the profile's target for its competency (1 where it sets none)."""
    targets = snapshot["profiles"][profile_id]["targets"]
    return {sid: targets.get(cid, [1, 0])[0] for cid, c in snapshot["competencies"].items() for sid in c["statements"]}


def test_finalise_for_an_employee_keeps_quiz_evidence_and_its_note(snapshot):
    cid = next(iter(snapshot["competencies"]))
    quiz = {cid: {"passed": 1, "attempted": 2, "total": 4, "level": 2.0}}
    result = finalise(snapshot, at_targets_of(snapshot, "smm-manager"), quiz, "quizzes")
    assert result.best.profile == "smm-manager" and result.best.band == scoring.READY
    assert result.fits["smm-manager"] == ProfileFit(100.0, "ready")
    assert result.evidence[cid] == Evidence(2.0, passed=1, attempted=2, total=4)
    assert result.evidence[cid].describe(TEXTS["quizzes"]) == "1 of 4 quizzes passed"
    assert result.to_json()["evidence"][cid] == quiz[cid]
    assert result.to_json()["evidence_source"] == "quizzes"


def test_finalise_for_a_candidate_keeps_test_evidence_and_matches_scoring(snapshot):
    cid = next(iter(snapshot["competencies"]))
    test = {cid: {"right": 1.5, "asked": 3, "level": 3.0, "note": "1.5 of 3 test questions right"}}
    ratings = at_targets_of(snapshot, "community-manager")
    result = finalise(snapshot, ratings, test, "knowledge test")
    assert result.to_json() == scoring.score(snapshot, ratings) | {
        "evidence": test,
        "evidence_source": "knowledge test",
    }
    assert result.evidence[cid].describe(TEXTS["quizzes"]) == "1.5 of 3 test questions right"


def test_finalise_refuses_incomplete_ratings(snapshot):
    ratings = at_targets_of(snapshot, "smm-manager")
    ratings.pop(next(iter(ratings)))
    with pytest.raises(scoring.RatingError):
        finalise(snapshot, ratings)


def test_a_stored_result_without_evidence_reads_back_unchanged(snapshot):
    stored = scoring.score(snapshot, at_targets_of(snapshot, "smm-specialist"))
    result = AssessmentResult.from_json(stored)
    assert result.evidence == {} and result.evidence_source is None
    assert result.to_json() == stored
    assert result.shown_profile == (stored["best"]["profile"] or stored["best"]["nearest"])
    assert result.fit_for("no-such-profile") is None


def test_radar_for_draws_target_and_self_with_the_given_labels(snapshot):
    result = finalise(snapshot, at_targets_of(snapshot, "smm-manager"))
    labels, profiles = snapshot_names(snapshot)
    labels = {cid: f"Метка {name}" for cid, name in labels.items()}
    svg = radar_for(result, profiles["smm-manager"], labels, texts=TEXTS, title="Chart", person="Ann")
    assert svg.count('class="series target"') == 1 and svg.count('class="series self"') == 1
    assert f"{profiles['smm-manager']['name']} target:" in svg and "Ann:" in svg
    assert all(f"Метка {name}" in svg for name in snapshot_names(snapshot)[0].values())
    assert "Self-rating" not in svg


def test_radar_for_compares_people_without_a_target(snapshot):
    first = finalise(snapshot, at_targets_of(snapshot, "smm-manager"))
    second = finalise(snapshot, at_targets_of(snapshot, "community-manager"))
    labels, _profiles = snapshot_names(snapshot)
    svg = radar_for(first, None, labels, texts=TEXTS, person="Ann", others=[("Bob", second)])
    assert "target:" not in svg and "Ann:" in svg and "Bob:" in svg
    assert radar_for(None, None, labels, texts=TEXTS) == ""


def test_report_chart_is_radar_for_the_chosen_profile(snapshot):
    result = finalise(snapshot, at_targets_of(snapshot, "smm-manager"))
    report = build_report(snapshot, result.to_json(), "community-manager", lambda cid: [], "T", texts=TEXTS)
    labels, profiles = snapshot_names(snapshot)
    assert report.profile_id == "community-manager"
    assert report.chart_svg == radar_for(result, profiles["community-manager"], labels, texts=TEXTS, title="T")


def test_radar_numbers_its_axes_and_names_them_in_a_key_for_narrow_frames():
    from smmacademy.domain.charts import radar

    html = radar(["Strategy", "Content", "Community"], [("Target", [4, 3, 2], "target"), ("Ann", [3, 3, 3], "self")])
    assert '<tspan class="axis-number">2</tspan><tspan class="axis-name">Content</tspan>' in html
    key = html.split("</svg>", 1)[1]
    assert key.startswith('<div class="radar-key">')
    assert '<ol class="radar-axes"><li>Strategy</li><li>Content</li><li>Community</li></ol>' in key
    assert '<span class="swatch self" aria-hidden="true"></span>Ann</li>' in key
