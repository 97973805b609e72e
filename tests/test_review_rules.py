"""Review rules (Flask-free): anonymity threshold, blind spots and hidden strengths, calibrated profile match."""

from __future__ import annotations

import pytest

from smmacademy.domain import reviews, scoring
from smmacademy.domain.reviews import BLIND_SPOT, HIDDEN_STRENGTH, ReviewError

SNAPSHOT = {
    "version": 1,
    "competencies": {
        "a": {"name": "A", "area": "x", "statements": ["a1", "a2"]},
        "b": {"name": "B", "area": "x", "statements": ["b1"]},
        "c": {"name": "C", "area": "y", "statements": ["c1"]},
    },
    "profiles": {
        "junior": {"name": "Junior", "targets": {"a": [2, 1], "b": [2, 1]}},
        "senior": {"name": "Senior", "targets": {"a": [4, 2], "b": [4, 1], "c": [4, 1]}},
    },
}


def rated(level: int) -> dict[str, int]:
    return {sid: level for sid in ("a1", "a2", "b1", "c1")}


def test_two_peers_expose_no_peer_value_anywhere():
    result = reviews.build_result(
        SNAPSHOT, self_ratings=rated(3), manager_ratings=rated(3), peer_ratings=[rated(5), rated(1)]
    )
    assert result.peers_shown is False
    assert result.peers_submitted == 2
    assert all(row.peers is None for row in result.rows)
    assert "peers" not in result.levels
    data = result.to_json()
    assert data["peers_shown"] is False
    assert all("peers" not in row for row in data["competencies"])
    assert reviews.peer_average(SNAPSHOT, [rated(5), rated(1)]) is None


def test_three_peers_give_their_average():
    result = reviews.build_result(
        SNAPSHOT, self_ratings=rated(3), manager_ratings=rated(3), peer_ratings=[rated(5), rated(1), rated(3)]
    )
    assert result.peers_shown is True
    assert {row.competency: row.peers for row in result.rows} == {"a": 3.0, "b": 3.0, "c": 3.0}
    assert result.to_json()["competencies"][0]["peers"] == 3.0


def test_each_peer_weighs_the_same_in_the_average():
    # Statement means first (a: 4.5 and 1, 1, 1), then across peers.
    peers = [{"a1": 5, "a2": 4, "b1": 1, "c1": 1}, rated(1), rated(1)]
    assert reviews.peer_average(SNAPSHOT, peers)["a"] == round((4.5 + 1 + 1) / 3, 2)


@pytest.mark.parametrize(
    ("own", "others", "expected"),
    [
        (4.0, (3.0, None), BLIND_SPOT),  # exactly one step above the manager
        (3.9, (3.0, None), None),  # 0.9 steps: nothing
        (2.0, (3.0, None), HIDDEN_STRENGTH),  # exactly one step below
        (2.1, (3.0, None), None),
        (4.0, (3.0, 3.0), BLIND_SPOT),  # the others' mean
        (4.0, (3.5, 3.5), None),
        (4.0, (2.5, 3.5), BLIND_SPOT),  # mean 3.0
        (4.0, (None, None), None),  # nobody else answered
        (None, (3.0, 3.0), None),
    ],
)
def test_blind_spot_and_hidden_strength_boundaries(own, others, expected):
    assert reviews.mark(own, others) == expected


def test_hidden_peers_do_not_make_a_blind_spot():
    # Self 4, manager 3.5 (no mark); two peers at 1 would make a blind spot, but they are not shown.
    result = reviews.build_result(
        SNAPSHOT,
        self_ratings=rated(4),
        manager_ratings={"a1": 4, "a2": 3, "b1": 4, "c1": 4},
        peer_ratings=[rated(1), rated(1)],
    )
    assert [row.mark for row in result.rows] == [None, None, None]
    shown = reviews.build_result(
        SNAPSHOT,
        self_ratings=rated(4),
        manager_ratings={"a1": 4, "a2": 3, "b1": 4, "c1": 4},
        peer_ratings=[rated(2), rated(2), rated(2)],
    )
    assert [row.mark for row in shown.rows] == [BLIND_SPOT, BLIND_SPOT, BLIND_SPOT]
    assert [r.competency for r in shown.blind_spots] == ["a", "b", "c"]


def test_profile_match_uses_the_scoring_rules():
    agreed = {"a": 4, "b": 4, "c": 3}
    match = reviews.profile_match(SNAPSHOT, agreed)
    assert match["fits"]["senior"]["fit"] == scoring.profile_fit(agreed, SNAPSHOT["profiles"]["senior"]["targets"])
    assert match["fits"]["senior"]["fit"] == 87.5  # c one below: half credit, weight 1 of 4
    assert match["best"].profile == "senior"
    low = reviews.profile_match(SNAPSHOT, {"a": 2, "b": 2, "c": 1})
    assert low["best"].profile == "junior"


def test_self_ratings_never_reach_the_profile_match():
    # A self-rating of 5 everywhere and a manager at 1: the result carries no fit at all;
    # the fit comes only from the agreed levels passed to profile_match.
    result = reviews.build_result(
        SNAPSHOT, self_ratings=rated(5), manager_ratings=rated(1), peer_ratings=[], agreed={"a": 2, "b": 2, "c": 2}
    )
    assert not hasattr(result, "fits")
    agreed = {row.competency: row.agreed for row in result.rows}
    assert reviews.profile_match(SNAPSHOT, agreed)["best"].profile == "junior"


def test_peer_count_must_be_three_to_eight():
    for count in (3, 8):
        reviews.check_peer_count(count)
    for count in (0, 2, 9):
        with pytest.raises(ReviewError, match="from 3 to 8 peers"):
            reviews.check_peer_count(count)


def test_agreed_levels_need_every_competency_as_a_whole_number():
    assert reviews.validate_agreed(SNAPSHOT, {"a": "3", "b": "5", "c": "1"}) == {"a": 3, "b": 5, "c": 1}
    for bad in ({"a": "3", "b": "5"}, {"a": "3", "b": "6", "c": "1"}, {"a": "x", "b": "1", "c": "1"}):
        with pytest.raises(ReviewError):
            reviews.validate_agreed(SNAPSHOT, bad)
    with pytest.raises(ReviewError, match="unknown competency"):
        reviews.validate_agreed(SNAPSHOT, {"a": "3", "b": "5", "c": "1", "zz": "2"})


def test_notes_are_bounded_and_clean():
    assert reviews.validate_notes(SNAPSHOT, {"a": "  ok  "})["a"] == "ok"
    with pytest.raises(ReviewError):
        reviews.validate_notes(SNAPSHOT, {"a": "x" * 1001})
    with pytest.raises(ReviewError):
        reviews.validate_notes(SNAPSHOT, {"a": "bad\x00"})


def test_target_gaps_biggest_weighted_gap_first():
    rows = reviews.target_gaps({"a": 2, "b": 4, "c": 3}, SNAPSHOT["profiles"]["senior"]["targets"])
    assert [(r.competency, r.gap) for r in rows] == [("a", 2.0), ("c", 1.0), ("b", 0.0)]


def test_changes_between_rounds():
    rows = reviews.changes({"a": 2, "b": 3}, {"a": 3, "b": 3, "c": 4}, ["a", "b", "c"])
    assert [(r.competency, r.previous, r.current, r.delta) for r in rows] == [
        ("a", 2, 3, 1),
        ("b", 3, 3, 0),
        ("c", None, 4, None),
    ]
