"""Property: no URL rule answers any role with a 500, whatever the ids, query string or form body.

For every rule of ``app.url_map`` and every role, Hypothesis builds URLs from
random converter values (huge, negative, zero, leading zeros, non-numeric, real
ids), random query strings and, for POST rules, random form bodies and CSV
uploads. It is derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from smmacademy.extensions import db
from smmacademy.models import Assignment, Certificate, DevelopmentPlan, PlanItem, User
from smmacademy.params import IdConverter
from smmacademy.services import candidates, reviews

from .conftest import login, make_attempt, make_submitted_assessment

ROLES = ("anonymous", "learner", "manager", "hr", "admin")
EXAMPLES_PER_RULE = 5
BIG = "99999999999999999999"
PLACEHOLDER = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")

NASTY = [
    "",
    "0",
    "-1",
    "007",
    BIG,
    "2147483647",
    "2147483648",
    "1e9",
    "²",
    "\x00",
    "a\x00b",
    "\x1f",
    "\r\n",
    "'; DROP TABLE users;--",
    "<script>alert(1)</script>",
    "%00",
    "x" * 300,
    "N" * 5000,
    "2026-02-30",
    "9999-12-31",
    "learner",
    "admin",
    "smm-manager",
    "course:basics",
    "course:nope",
    "assessment",
    "next",
    "back",
    "later",
    "start",
    "submit",
    "on",
    "desc",
    "branch",
]
FORM_KEYS = [
    "full_name",
    "email",
    "role",
    "department_id",
    "job_title",
    "manager_id",
    "active",
    "name",
    "payload",
    "text",
    "status",
    "note",
    "due_date",
    "people",
    "whole_team",
    "target",
    "time_limit",
    "profile_id",
    "consent",
    "direction",
    "action",
    "attempt",
    "password",
    "confirm",
    "current",
    "remember",
    "peers",
    "person",
    "profile",
]
QUERY_KEYS = [
    "page",
    "manager",
    "department",
    "person",
    "ids",
    "q",
    "role",
    "view",
    "dept",
    "status",
    "sort",
    "dir",
    "profile",
    "next",
    "audience",
    "code",
]
CSV_HEADER = "email,full_name,department,job_title,role,manager_email"

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
number_strings = st.one_of(
    st.integers(min_value=-5, max_value=12).map(str),
    st.integers(min_value=2**31 - 3, max_value=2**31 + 3).map(str),
    st.integers(min_value=2**63 - 2, max_value=10**30).map(str),
    st.integers(min_value=0, max_value=99).map(lambda n: f"00{n}"),
    st.sampled_from(["abc", "1.5", "²", "%00", "", "-0", "+1"]),
)


def csv_bytes(rows: list[str]) -> bytes:
    """A CSV file with the right header, random rows and mixed line endings."""
    return ("\r".join([CSV_HEADER, *rows[:2]]) + "\n" + "\r\n".join(rows[2:])).encode("utf-8", "surrogatepass")


csv_files = st.one_of(
    st.binary(max_size=120),
    st.lists(
        st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), min_size=0, max_size=7).map(",".join),
        max_size=4,
    ).map(csv_bytes),
)


@pytest.fixture
def world(app, make_user, client):
    """A user per role, records to point ids at, a client per role (anonymous holds a candidate link)."""
    users = {role: make_user(role) for role in ROLES[1:]}
    owner = make_user("learner", manager=users["manager"])
    framework = app.extensions["smmacademy_catalog"].catalog.framework
    assessment = make_submitted_assessment(app, owner.id)
    attempt = make_attempt(owner.id, "fuzz-1")
    assignment = Assignment(user_id=owner.id, kind="course", course_slug="basics")
    cert = Certificate(code="FUZZ1", user_id=owner.id, course_slug="basics", course_title="Basics", holder_name="O")
    plan = DevelopmentPlan(
        user_id=owner.id,
        profile_id="smm-manager",
        items=[
            PlanItem(kind="competency", competency_id="strategy", modules=["basics/intro"], goal="Reach level 5"),
            PlanItem(kind="own", goal="Read a book", position=1),
        ],
    )
    db.session.add_all([assessment, attempt, assignment, cert, plan])
    db.session.commit()
    [review] = reviews.start_rounds(users["manager"], [owner], framework, None)
    candidate, token = candidates.invite(users["hr"], "Cand One", "c1@mail.example", "smm-manager", "", 14, None)
    clients = {"anonymous": client}
    assert client.get(f"/candidate/invite/{token}").status_code in (200, 302)
    for role in ROLES[1:]:
        clients[role] = app.test_client()
        assert login(clients[role], users[role]).status_code == 302
    catalog = app.extensions["smmacademy_catalog"].catalog
    names = {
        "ids": [
            owner.id,
            assessment.id,
            attempt.id,
            assignment.id,
            candidate.id,
            plan.id,
            *[i.id for i in plan.items],
            review.id,
            1,
        ],
        "slugs": ["basics", "advanced", "onboarding", "intro", "reading", "deep", "FUZZ1", "strategy"]
        + [area.id for area in framework.areas],
        "fields": FORM_KEYS
        + [f"r-{sid}" for sid in list(framework.statements)[:6]]
        + [f"level-{cid}" for cid in list(framework.competencies)[:3]]
        + [f"note-{cid}" for cid in list(framework.competencies)[:3]]
        + [f"q-{qid}" for qid in list(catalog.questions)[:6]],
    }
    return users, clients, names


def rule_cases(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every rule except static files."""
    cases = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cases.append((rule.endpoint, method, rule.rule))
    return sorted(cases)


def part_strategy(converter: str, names: dict):
    """Random text for one URL part, URL-encoded."""
    if converter == "int":
        return st.one_of(number_strings, st.sampled_from(names["ids"]).map(str))
    safe = "/" if converter == "path" else ""
    return st.one_of(st.sampled_from(names["slugs"]), values, st.text(min_size=1, max_size=20)).map(
        lambda text: quote(text, safe=safe) or "x"
    )


def url_strategy(rule: str, names: dict):
    """URLs for ``rule`` with every placeholder filled, plus a random query string."""
    placeholders = PLACEHOLDER.findall(rule)
    parts = st.tuples(*[part_strategy(conv or "default", names) for conv, _name in placeholders])
    queries = st.lists(
        st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=8)), st.one_of(values, number_strings)),
        max_size=4,
    )

    def build(args):
        filled, query = args
        iterator = iter(filled)
        path = PLACEHOLDER.sub(lambda _m: next(iterator), rule)
        return path + ("?" + urlencode(query) if query else "")

    return st.tuples(parts, queries).map(build)


# Always sent once per rule and role, before the random examples: the inputs of issue 11.
EXPLICIT_QUERY = urlencode(
    [("page", BIG), ("manager", BIG), ("department", BIG), ("person", BIG), ("ids", "1"), ("ids", BIG)]
)
EXPLICIT_FIELDS = [("full_name", "N" * 5000), ("name", "a\x00b"), ("text", "\x00"), ("note", "\x1f"), ("email", BIG)]
EXPLICIT_CSV = f'{CSV_HEADER}\rx@example.com,"Anna ""Annie"" Smith",PR,,,\r'.encode()


def explicit_url(rule: str) -> str:
    """``rule`` with a 20-digit number for every id and a plain word for every other part."""
    path = PLACEHOLDER.sub(lambda m: BIG if m.group(1) == "int" else "x", rule)
    return f"{path}?{EXPLICIT_QUERY}"


def body_strategy(names: dict):
    """A random form body: known and unknown fields, nasty values, sometimes a CSV upload."""
    fields = st.lists(
        st.tuples(st.one_of(st.sampled_from(names["fields"]), st.text(max_size=8)), st.one_of(values, number_strings)),
        max_size=8,
    )
    upload = st.one_of(st.none(), csv_files)
    return st.tuples(fields, upload)


def test_the_rule_list_and_the_id_converter_are_what_the_fuzzer_expects(app):
    cases = rule_cases(app)
    assert len(cases) >= 50
    assert isinstance(app.url_map.converters["int"](app.url_map), IdConverter)
    assert all(PLACEHOLDER.sub("", rule).count("<") == 0 for _e, _m, rule in cases), "a placeholder the fuzzer misses"


@pytest.mark.parametrize("role", ROLES)
def test_no_rule_answers_a_500_to_random_input(app, world, role):
    users, clients, names = world
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    for endpoint, method, rule in rule_cases(app):
        probe = make_probe(clients[role], users.get(role), names, method, rule, answered.setdefault(endpoint, set()))
        try:
            probe()
        except AssertionError as error:
            failures.append(f"{endpoint}: {error}")
    assert not failures, "\n".join(failures)
    # The fuzzer must reach real pages, not only refusals.
    ok = {endpoint for endpoint, codes in answered.items() if 200 in codes}
    assert len(ok) >= (3 if role == "anonymous" else 10), sorted(ok)


def make_probe(client, user: User | None, names: dict, method: str, rule: str, answered: set[int]):
    """A Hypothesis test sending random requests for one rule as one role."""

    @settings(
        max_examples=EXAMPLES_PER_RULE,
        deadline=None,
        derandomize=True,
        database=None,
        # No shrinking: the first failing request is reported as sent, and a
        # regression fails in seconds instead of minutes of minimising.
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(url=url_strategy(rule, names), body=body_strategy(names))
    @example(url=explicit_url(rule), body=(EXPLICIT_FIELDS, EXPLICIT_CSV))
    def probe(url, body):
        fields, upload = body
        data = MultiDict(fields) if method == "POST" else None
        if method == "POST" and upload is not None:
            data.add("file", (io.BytesIO(upload), "staff.csv"))
        response = client.open(url, method=method, data=data)
        answered.add(response.status_code)
        if user is not None and response.status_code == 302 and "/login" in (response.location or ""):
            _sign_in_again(user, client)
        assert response.status_code < 500, f"{method} {url!r} {fields!r} file={upload!r} -> {response.status_code}"

    return probe


def _sign_in_again(user: User, client) -> None:
    """Undo what random admin actions did to a role's account (deactivated, new password) and sign in."""
    db.session.rollback()
    user = db.session.get(User, user.id)
    user.active = True
    user.must_change_password = False
    user.set_password("correct-horse-battery")
    db.session.commit()
    login(client, user)
