"""Bad input gets a 404, a 400 or an inline error, never a 500: ids, query integers, control characters."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from smmacademy.domain.text import MAX_ID, control_character, parse_id
from smmacademy.extensions import db
from smmacademy.models import Assessment, Candidate, CandidateEvent, Department, QuizAttempt, User
from smmacademy.models.base import utcnow
from smmacademy.services import candidates

from .conftest import login
from .test_learn import RIGHT, attempt_token

BIG = "99999999999999999999"

# Every rule with an <int:...> part, as the admin (who passes every access check) calls it.
ID_ROUTES = [
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/active"),
    ("POST", "/admin/users/{id}/password"),
    ("POST", "/admin/departments/{id}"),
    ("POST", "/admin/outbox/{id}/retry"),
    ("GET", "/team/members/{id}"),
    ("GET", "/team/members/{id}.csv"),
    ("POST", "/team/assignments/{id}"),
    ("POST", "/team/assignments/{id}/withdraw"),
    ("GET", "/hr/candidates/{id}"),
    ("POST", "/hr/candidates/{id}/note"),
    ("POST", "/hr/candidates/{id}/status"),
    ("POST", "/hr/candidates/{id}/hire"),
    ("POST", "/hr/candidates/{id}/revoke"),
    ("POST", "/hr/candidates/{id}/reissue"),
    ("POST", "/hr/candidates/{id}/delete"),
    ("GET", "/assessment/results/{id}"),
    ("GET", "/assessment/results/{id}.csv"),
    ("GET", "/courses/basics/intro/attempts/{id}"),
    ("GET", "/reviews/{id}"),
    ("POST", "/reviews/{id}/peers"),
    ("GET", "/reviews/{id}/rate"),
    ("POST", "/reviews/{id}/rate"),
    ("POST", "/reviews/{id}/calibrate"),
    ("POST", "/reviews/{id}/cancel"),
    ("GET", "/reviews/{id}.csv"),
    ("GET", "/reviews/{id}.json"),
    ("GET", "/reviews/{id}/print"),
    ("GET", "/reviews/people/{id}/target"),
    ("POST", "/reviews/people/{id}/target"),
    ("GET", "/plans/people/{id}"),
    ("POST", "/plans/people/{id}/build"),
    ("POST", "/plans/{id}/agree"),
    ("POST", "/plans/{id}/start"),
    ("POST", "/plans/{id}/reopen"),
    ("POST", "/plans/items/{id}"),
    ("POST", "/plans/items/{id}/remove"),
    ("POST", "/plans/{id}/actions"),
    ("POST", "/plans/items/{id}/confirm"),
    ("GET", "/plans/{id}.csv"),
    ("GET", "/plans/{id}/print"),
]


def test_every_int_rule_is_in_the_id_route_list(app):
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(template.format(id="1"), method=method)[0] for method, template in ID_ROUTES}
    assert listed == {rule.endpoint for rule in app.url_map.iter_rules() if "<int:" in rule.rule}


@pytest.mark.parametrize(("method", "template"), ID_ROUTES)
def test_an_id_outside_the_integer_range_is_not_found(client, login_as, method, template):
    login_as("admin")
    for value in (BIG, str(MAX_ID + 1), "00000000000000000001", "007", "0", "-1", "+1", "1e3"):
        response = client.open(template.format(id=value), method=method)
        assert response.status_code == 404, (method, template, value, response.status_code)
        assert b"Page not found" in response.data


def test_the_largest_id_is_looked_up_and_not_found(client, login_as):
    login_as("admin")
    assert client.get(f"/admin/users/{MAX_ID}").status_code == 404
    assert client.get(f"/hr/candidates/{MAX_ID}").status_code == 404


def test_urls_for_real_ids_still_work(client, login_as):
    admin = login_as("admin")
    assert client.get(f"/admin/users/{admin.id}").status_code == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("2147483647", MAX_ID),
        ("2147483648", None),
        (BIG, None),
        ("0", None),
        ("007", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1 ", None),
        ("", None),
        (None, None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("٣", None),  # an Arabic-Indic digit
        ("1.0", None),
    ],
)
def test_parse_id_accepts_only_plain_ids_in_range(text, expected):
    assert parse_id(text) == expected


@pytest.fixture
def admin_with_staff(login_as, make_user):
    admin = login_as("admin", full_name="Ada Admin")
    boss = make_user("manager", full_name="Bea Boss", department="PR")
    make_user("learner", full_name="Liam Learner", manager=boss, department="PR")
    make_user("learner", full_name="Olga Outsider", department="Sales")
    return admin, boss


# A NUL ("%00") is refused before any page runs: test_a_nul_in_the_query_string_is_a_400_in_the_readers_language.
@pytest.mark.parametrize("value", [BIG, "abc", "-3", "0", "1.5", "%25"])
def test_admin_user_list_treats_a_bad_department_or_page_as_absent(client, admin_with_staff, value):
    for query in (f"department={value}", f"page={value}", f"department={value}&page={value}"):
        response = client.get(f"/admin/?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, query
        assert "Liam Learner" in html and "Ada Admin" in html, query


def test_admin_user_list_page_past_the_end_shows_the_last_page(client, admin_with_staff):
    response = client.get(f"/admin/?page={MAX_ID}")
    assert response.status_code == 200
    assert "Liam Learner" in response.get_data(as_text=True)


@pytest.mark.parametrize("arg", ["manager", "department"])
@pytest.mark.parametrize("value", [BIG, "x", "-1", "0"])
def test_team_dashboard_and_export_treat_a_bad_scope_id_as_absent(client, admin_with_staff, arg, value):
    dashboard = client.get(f"/team/?{arg}={value}")
    assert dashboard.status_code == 200
    assert "Liam Learner" in dashboard.get_data(as_text=True)  # everyone, as without the argument
    export = client.get(f"/team/export.csv?{arg}={value}")
    assert export.status_code == 200
    assert "Liam Learner" in export.data.decode("utf-8")


def test_team_scope_ids_in_range_still_filter(client, admin_with_staff):
    _admin, boss = admin_with_staff
    html = client.get(f"/team/?manager={boss.id}").get_data(as_text=True)
    assert "Liam Learner" in html and "Olga Outsider" not in html


def test_assign_form_ignores_a_bad_person_and_preselects_a_good_one(client, admin_with_staff):
    _admin, boss = admin_with_staff
    bad = client.get(f"/team/assign?person={BIG}")
    assert bad.status_code == 200 and "checked" not in bad.get_data(as_text=True)
    good = client.get(f"/team/assign?person={boss.id}").get_data(as_text=True)
    assert f'value="{boss.id}" checked' in good or 'checked id="people-' in good


def test_compare_ignores_malformed_ids(client, login_as, make_user):
    make_user("admin")  # without an administrator, sign-in leads to the setup page
    hr = login_as("hr")
    first, _ = candidates.invite(hr, "Cand One", "c1@mail.example", "smm-manager", "", 14, None)
    for query in (f"ids={first.id}&ids={BIG}", f"ids={first.id}&ids=%C2%B2", f"ids={first.id}&ids=-2"):
        response = client.get(f"/hr/compare?{query}")
        assert response.status_code == 400, query
        assert b"Choose at least two candidates" in response.data


# --- control characters in forms -----------------------------------------------------------------

CONTROL_MESSAGE = "This text contains an invisible control character (U+0000)"


def test_user_form_refuses_a_nul_in_the_name_with_an_inline_error(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={"full_name": "Ann\x00Ames", "email": "ann@example.com", "role": "learner", "department_id": 0},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert CONTROL_MESSAGE in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(User.by_email("ann@example.com")) is None


def test_optional_field_with_only_a_control_character_is_refused(client, login_as):
    # Python's str.strip() removes U+001F, so Optional() alone would have let it through.
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={"full_name": "Ann Ames", "email": "ann@example.com", "role": "learner", "job_title": "\x1f"},
    )
    assert response.status_code == 400
    assert "invisible control character (U+001F)" in response.get_data(as_text=True)
    assert db.session.scalar(User.by_email("ann@example.com")) is None


def test_department_form_refuses_control_characters(client, login_as):
    login_as("admin")
    count = db.session.scalar(select(func.count(Department.id)))
    response = client.post("/admin/departments", data={"name": "Le\x07gal"})
    assert response.status_code == 400
    assert "invisible control character (U+0007)" in response.get_data(as_text=True)
    pr = db.session.scalar(select(Department).where(Department.name == "PR"))
    renamed = client.post(f"/admin/departments/{pr.id}", data={"name": "P\x00R"})
    assert renamed.status_code == 400
    assert CONTROL_MESSAGE in renamed.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Department.id))) == count
    assert db.session.get(Department, pr.id).name == "PR"


@pytest.fixture
def hr_and_candidate(login_as, make_user):
    make_user("admin")
    hr = login_as("hr")
    candidate, _ = candidates.invite(hr, "Cand One", "c1@mail.example", "smm-manager", "", 14, None)
    return hr, candidate


def test_hr_note_keeps_tabs_and_line_breaks_but_refuses_nul(client, hr_and_candidate):
    _hr, candidate = hr_and_candidate
    ok = client.post(f"/hr/candidates/{candidate.id}/note", data={"text": "First line\r\n\tindented"})
    assert ok.status_code == 302
    bad = client.post(f"/hr/candidates/{candidate.id}/note", data={"text": "bad\x00note"})
    assert bad.status_code == 400
    assert CONTROL_MESSAGE in bad.get_data(as_text=True)  # on the report page, under the note field
    texts = db.session.scalars(select(CandidateEvent.text).where(CandidateEvent.kind == "note")).all()
    assert texts == ["First line\r\n\tindented"]


def test_invite_form_refuses_nul_in_the_name_inline(client, hr_and_candidate):
    response = client.post(
        "/hr/new",
        data={"full_name": "Nul\x00Person", "email": "n@mail.example", "profile_id": "smm-manager"},
    )
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Candidate.id))) == 1


def test_login_with_a_nul_in_the_email_is_an_inline_error(client, make_user):
    make_user("admin")
    make_user("learner", email="lea@example.com")
    response = client.post("/login", data={"email": "lea@example.com\x00", "password": "x"})
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.get_data(as_text=True)


def test_control_character_rule_allows_line_breaks_only_in_multi_line_text():
    assert control_character("Anna\tSmith") == "\t"
    assert control_character("Anna\tSmith", multiline=True) is None
    assert control_character("a\r\nb\nc\rd", multiline=True) is None
    assert control_character("a\x00b", multiline=True) == "\x00"
    assert control_character("a\x85b", multiline=True) == "\x85"  # C1 "next line"
    assert control_character("Zoë Łukasiewicz – 日本") is None


# --- Cache-Control ----------------------------------------------------------------------------------


def test_every_csv_export_and_signed_in_response_is_not_stored(app, client, make_user):
    admin = make_user("admin")
    owner = make_user("learner", manager=admin)
    assessment = Assessment(
        user_id=owner.id,
        ratings={},
        framework_version=1,
        framework=app.extensions["smmacademy_catalog"].catalog.framework.snapshot(),
        result={"levels": {}, "fits": {}, "best": {"profile": None, "band": "developing", "ready_for": []}},
        submitted_at=utcnow(),
    )
    db.session.add(assessment)
    db.session.commit()
    assert login(client, admin).status_code == 302
    for url in (
        "/team/export.csv",
        f"/team/members/{owner.id}.csv",
        "/hr/export.csv",
        f"/assessment/results/{assessment.id}.csv",
        "/admin/",
        "/admin/users/nope",
    ):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    export = client.get("/team/export.csv")
    assert export.mimetype == "text/csv" and export.status_code == 200
    redirect = client.post(f"/admin/users/{owner.id}/active")
    assert redirect.status_code == 302 and redirect.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching_when_signed_in(client, login_as):
    login_as("learner")
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"


def test_a_rule_may_start_its_numbers_at_zero_but_never_accept_signs_or_overflow(client):
    # Status lists are numbered from 0 (they are not row ids); the bounds still hold.
    assert client.get("/badges/status/0").status_code == 200
    for bad in ("00", "-1", "+1", "16384", "99999999999999999999"):
        assert client.get(f"/badges/status/{bad}").status_code == 404, bad


PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _string_rules(app) -> list[tuple[str, str]]:
    """Every GET or POST rule with a text placeholder (not ``<int:...>``), the placeholders filled with ``x%00y``."""
    found = []
    for rule in app.url_map.iter_rules():
        texts = [name for converter, name in PLACEHOLDER.findall(rule.rule) if converter != "int"]
        if not texts:
            continue
        values = {name: "1" for name in rule.arguments} | {name: "x\x00y" for name in texts}
        if "kind" in values:
            values["kind"] = "json"  # <any(jwt, json):kind> accepts only its words
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        found += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return found


def test_a_nul_in_any_text_part_of_an_address_is_a_400_that_says_why(app, client, login_as):
    login_as("admin")
    rules = _string_rules(app)
    # Certificates, verification, tokens, course and module slugs, assets, providers, quality pages…
    assert len(rules) >= 12, rules
    for method, url in rules:
        assert "%00" in url
        response = client.open(url, method=method)
        assert response.status_code == 400, (method, url, response.status_code)
        assert "NUL character (%00)" in response.get_data(as_text=True), (method, url)


@pytest.mark.parametrize("query", ["q=a%00b", "a%00=1", "dept=%00&status=active"])
def test_a_nul_in_the_query_string_is_a_400_in_the_readers_language(client, login_as, query):
    user = login_as("manager")
    assert client.get(f"/team?{query}").status_code == 400
    user.language = "ru"
    db.session.commit()
    response = client.get(f"/verify?{query}")
    assert response.status_code == 400
    assert "Уберите его из адреса" in response.get_data(as_text=True)


def test_an_address_without_nul_still_reaches_the_page(client, login_as):
    login_as("learner")
    assert client.get("/verify/NO-SUCH-CODE").status_code == 404
    assert client.get("/courses?q=%25&x=%C2%A0").status_code == 200


def _multipart_with_a_nameless_field(**fields) -> MultiDict:
    # Werkzeug reads a multipart field whose name holds a line break as the name None.
    data = MultiDict([("a\nb", "1"), *fields.items()])
    data.add("file", (io.BytesIO(b"email\r\n"), "staff.csv"))
    return data


def test_a_form_field_without_a_readable_name_is_a_400_on_every_post_rule(app, client, login_as):
    login_as("admin")
    adapter = app.url_map.bind("localhost")
    posts = [
        adapter.build(rule.endpoint, {name: "1" for name in rule.arguments} | {"kind": "json"})
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
    ]
    assert len(posts) >= 40, posts
    for url in posts:
        response = client.post(url, data=_multipart_with_a_nameless_field())
        assert response.status_code == 400, (url, response.status_code)
        assert "one of its fields has no readable name" in response.get_data(as_text=True), url


def test_a_quiz_sent_with_a_nameless_field_is_refused_and_stores_nothing(client, login_as):
    learner = login_as("learner")
    # A valid attempt and every right answer: only the nameless field is wrong.
    data = _multipart_with_a_nameless_field(attempt=attempt_token(client))
    for name, value in RIGHT.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    response = client.post("/courses/basics/intro/quiz", data=data)
    assert response.status_code == 400
    assert "one of its fields has no readable name" in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == learner.id)) == 0
    )
