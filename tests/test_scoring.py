"""Assessment scoring on the real framework, with personas."""

from __future__ import annotations

import copy
import random

import pytest

from smmacademy.domain import scoring

from .conftest import load_real_framework


@pytest.fixture(scope="module")
def framework():
    return load_real_framework()


@pytest.fixture(scope="module")
def snapshot(framework):
    return framework.snapshot()


def ratings_at(framework, levels: dict[str, int]) -> dict[str, int]:
    """Every statement rated at its competency's level."""
    return {s.id: levels[c.id] for c in framework.competencies.values() for s in c.statements}


def persona(framework, profile_id: str) -> dict[str, int]:
    targets = framework.profiles[profile_id].targets
    return ratings_at(framework, {cid: t.level for cid, t in targets.items()})


def with_noise(ratings: dict[str, int], rng: random.Random) -> dict[str, int]:
    """Move a random third of the statements one level up or down (within 1-5)."""
    noisy = dict(ratings)
    for sid in rng.sample(sorted(ratings), k=len(ratings) // 3):
        noisy[sid] = min(5, max(1, noisy[sid] + rng.choice((-1, 1))))
    return noisy


MISSION_PROFILES = ["smm-manager", "smm-specialist", "community-manager"]
PROFILES = MISSION_PROFILES + ["content-lead", "content-creator", "digital-marketer"]
NEW_COMPETENCIES = {
    "communication": ["communication.clarity", "communication.listen", "communication.present"],
    "creativity": ["creativity.ideas", "creativity.formats"],
    "seo-search": ["seo-search.keywords", "seo-search.discoverability"],
    "attention-to-detail": ["attention-to-detail.proofread", "attention-to-detail.consistency"],
}


def test_framework_has_12_to_22_competencies_with_2_to_4_statements(framework):
    assert 12 <= len(framework.competencies) <= 22
    assert all(2 <= len(c.statements) <= 4 for c in framework.competencies.values())


def test_six_profiles_with_the_missions_three_listed_first(framework):
    assert list(framework.profiles) == PROFILES
    assert framework.version >= 2


def test_the_new_competencies_have_exactly_the_ids_the_authors_use(framework):
    for cid, statements in NEW_COMPETENCIES.items():
        assert [s.id for s in framework.competencies[cid].statements] == statements
        assert all(cid in p.targets for p in framework.profiles.values())


def test_communication_is_core_for_the_three_mission_roles(framework):
    assert all(framework.profiles[pid].targets["communication"].level >= 4 for pid in MISSION_PROFILES)
    manager = framework.profiles["smm-manager"].targets
    assert [manager[c].level for c in ("business-processes", "evangelism", "analytics")] == [5, 5, 5]


@pytest.mark.parametrize("profile_id", PROFILES)
def test_answering_exactly_a_profiles_targets_maps_to_it(framework, snapshot, profile_id):
    result = scoring.score(snapshot, persona(framework, profile_id))
    assert result["best"]["profile"] == profile_id
    assert result["fits"][profile_id]["fit"] >= 95


@pytest.mark.parametrize("profile_id", PROFILES)
def test_persona_with_noise_still_maps_to_its_profile_in_90_percent_of_trials(framework, snapshot, profile_id):
    rng = random.Random(f"noise-{profile_id}")
    base = persona(framework, profile_id)
    hits = sum(scoring.score(snapshot, with_noise(base, rng))["best"]["profile"] == profile_id for _ in range(200))
    assert hits >= 180, f"{profile_id}: {hits}/200"


def test_all_lowest_answers_are_developing_for_every_profile(framework, snapshot):
    result = scoring.score(snapshot, ratings_at(framework, {cid: 1 for cid in framework.competencies}))
    assert {f["band"] for f in result["fits"].values()} == {"developing"}
    assert result["best"]["profile"] is None
    assert result["best"]["band"] == "developing"


def test_community_heavy_persona_maps_to_community_manager(framework, snapshot):
    levels = {cid: 3 for cid in framework.competencies}
    levels.update(
        {
            "community-building": 5,
            "moderation": 5,
            "events": 5,
            "empathy": 5,
            "strategy": 1,
            "business-processes": 1,
            "vendor-management": 1,
        }
    )
    result = scoring.score(snapshot, ratings_at(framework, levels))
    assert result["best"]["profile"] == "community-manager"


def test_manager_persona_is_ready_for_several_profiles_and_matched_to_the_most_demanding(framework, snapshot):
    result = scoring.score(snapshot, ratings_at(framework, {cid: 5 for cid in framework.competencies}))
    assert set(result["best"]["ready_for"]) == set(PROFILES)
    assert result["best"]["ready_for"][0] == result["best"]["profile"] == "smm-manager"


@pytest.mark.parametrize(
    "level, target, expected", [(5, 4, 1.0), (4, 4, 1.0), (3.5, 4, 0.75), (3, 4, 0.5), (2.9, 4, 0.0)]
)
def test_credit_is_full_at_target_partial_within_one_level_and_zero_beyond(level, target, expected):
    assert scoring.credit(level, target) == pytest.approx(expected)


def test_fit_is_weighted_share_of_targets_met():
    targets = {"a": [4, 3], "b": [3, 1]}
    assert scoring.profile_fit({"a": 4, "b": 1}, targets) == 75.0
    assert scoring.profile_fit({"a": 3, "b": 3}, targets) == 62.5


@pytest.mark.parametrize("fit, band", [(85, "ready"), (84.9, "close"), (60, "close"), (59.9, "developing")])
def test_bands(fit, band):
    assert scoring.band(fit) == band


@pytest.mark.parametrize(
    "ratings, message",
    [
        ({"strategy.goals": 6}, "must be a whole number from 1 to 5"),
        ({"strategy.goals": 0}, "must be a whole number from 1 to 5"),
        ({"strategy.goals": "2.5"}, "must be a whole number from 1 to 5"),
        ({"invented.statement": 3}, "unknown statement"),
    ],
)
def test_out_of_range_and_unknown_ratings_are_refused(snapshot, ratings, message):
    with pytest.raises(scoring.RatingError, match=message):
        scoring.validate_ratings(snapshot, ratings, require_all=False)


def test_incomplete_ratings_cannot_be_scored(framework, snapshot):
    ratings = persona(framework, "smm-specialist")
    ratings.pop("strategy.goals")
    with pytest.raises(scoring.RatingError, match="1 statement"):
        scoring.score(snapshot, ratings)


def test_evidence_and_overconfidence_flag():
    assert scoring.evidence_level(passed=1, total=4, attempted=2) == 2.0
    assert scoring.evidence_level(passed=0, total=4, attempted=0) is None
    assert scoring.overconfident(4.0, 2.0) is True
    assert scoring.overconfident(3.9, 2.0) is False
    assert scoring.overconfident(5.0, None) is False


def test_snapshot_keeps_scoring_independent_of_later_framework_edits(framework, snapshot):
    ratings = persona(framework, "smm-specialist")
    result = scoring.score(snapshot, ratings)
    edited = copy.deepcopy(snapshot)
    edited["profiles"]["smm-specialist"]["targets"] = {cid: [5, 3] for cid in snapshot["competencies"]}
    # The edit matters when scored against it ...
    assert result["fits"]["smm-specialist"] == {"fit": 100.0, "band": "ready"}
    assert scoring.score(edited, ratings)["fits"]["smm-specialist"]["fit"] < scoring.READY_AT
    # ... but the stored snapshot is untouched, so the stored result re-scores the same.
    assert snapshot["profiles"]["smm-specialist"]["targets"] != edited["profiles"]["smm-specialist"]["targets"]
    assert scoring.score(snapshot, ratings) == result
