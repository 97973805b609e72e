"""Departments have a stable key: content names keys, so renaming a department keeps its onboarding."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from smmacademy.catalog_state import get_catalog
from smmacademy.content.catalog import load_catalog
from smmacademy.domain.departments import new_key, slugify
from smmacademy.extensions import db
from smmacademy.models import Assignment, Department


@pytest.fixture
def admin(login_as):
    return login_as("admin", full_name="Ada Admin")


def department(name: str) -> Department:
    return db.session.scalar(select(Department).where(Department.name == name))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Маркетинг", "marketing"),
        ("Техническая поддержка", "tekhnicheskaia-podderzhka"),
        ("Отдел по работе с поставщиками", "otdel-po-rabote-s-postavshchikami"),
        ("B2B sales", "b2b-sales"),
        ("Café & Co.", "cafe-co"),
        ("HR", "hr-department"),  # "hr" is the HR role
        ("???", "department"),
    ],
)
def test_a_new_key_is_an_ascii_slug_of_the_name(name, key):
    assert new_key(name, set()) == key


def test_a_taken_key_gets_a_number_and_a_long_name_is_cut_at_a_word():
    assert new_key("PR", {"pr", "pr-2"}) == "pr-3"
    long_key = slugify("Отдел " * 30)
    assert len(long_key) <= 64 and not long_key.endswith("-") and long_key.startswith("otdel-otdel")


def test_default_departments_have_the_keys_the_shipped_content_uses(app):
    keys = dict(db.session.execute(select(Department.name, Department.key)).all())
    assert keys["Marketing"] == "marketing" and keys["HR"] == "hr-department" and keys["B2B sales"] == "b2b-sales"


def test_a_key_never_changes_after_creation(app):
    marketing = department("Marketing")
    with pytest.raises(ValueError, match="keeps its key"):
        marketing.key = "sales"
    assert marketing.key == "marketing"


def test_renaming_marketing_to_russian_keeps_onboarding_and_recommendation(client, admin, make_user):
    marketing = department("Marketing")
    response = client.post(f"/admin/departments/{marketing.id}", data={"name": "Маркетинг"})
    assert response.status_code == 302
    db.session.refresh(marketing)
    assert (marketing.name, marketing.key) == ("Маркетинг", "marketing")
    # A new member of the renamed department is onboarded with the Marketing modules...
    member = make_user("learner", department="Маркетинг")
    from smmacademy.services.accounts import welcome

    welcome(get_catalog(), [member])
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == member.id))
    assert (assignment.course_slug, assignment.module_slugs, assignment.withdrawn_at) == (
        "onboarding",
        ["start", "marketing"],
        None,
    )
    # ...running the sync again (any later edit) keeps it instead of withdrawing it...
    from smmacademy.services.onboarding import sync_onboarding

    assert [a.id for a in sync_onboarding(member, get_catalog())] == [assignment.id]
    # ...and the course is still recommended for the department.
    client.post("/logout")
    from .conftest import login

    login(client, member)
    html = client.get("/courses").get_data(as_text=True)
    onboarding_card = html[html.index("/courses/onboarding") - 600 : html.index("/courses/onboarding") + 600]
    assert "Recommended for your department" in onboarding_card


def test_renaming_before_the_member_joined_also_keeps_existing_assignments(app, make_user):
    member = make_user("learner", department="PR")
    from smmacademy.services import directory
    from smmacademy.services.onboarding import sync_onboarding

    first = sync_onboarding(member, get_catalog())
    directory.rename_department(department("PR"), "Связи с общественностью")
    again = sync_onboarding(member, get_catalog())
    assert [a.id for a in again] == [a.id for a in first] and again[0].withdrawn_at is None
    assert again[0].module_slugs == ["start", "pr"]


def test_admin_page_shows_keys_and_a_new_cyrillic_department_gets_a_transliterated_key(client, admin):
    html = client.get("/admin/departments").get_data(as_text=True)
    assert "<code>hr-department</code>" in html and "<code>b2c-sales</code>" in html
    response = client.post("/admin/departments", data={"name": "Юридический отдел"})
    assert response.status_code == 302
    assert department("Юридический отдел").key == "iuridicheskii-otdel"


def test_admin_may_choose_the_key_when_adding_but_not_a_bad_one(client, admin):
    assert client.post("/admin/departments", data={"name": "Legal", "key": "legal-team"}).status_code == 302
    assert department("Legal").key == "legal-team"
    for bad, message in (
        ("Legal Team", "lower-case Latin letters"),
        ("юристы", "lower-case Latin letters"),
        ("manager", "reserved audience word"),
        ("legal-team", "already has the key legal-team"),
    ):
        response = client.post("/admin/departments", data={"name": "Legal 2", "key": bad})
        assert response.status_code == 400, bad
        html = response.get_data(as_text=True)
        assert message in html and f'value="{bad}"' in html  # the input is kept, the message is inline
    assert department("Legal 2") is None


def test_renaming_ignores_a_key_sent_with_it(client, admin):
    pr = department("PR")
    assert client.post(f"/admin/departments/{pr.id}", data={"name": "Public relations", "key": "x"}).status_code == 302
    db.session.refresh(pr)
    assert (pr.name, pr.key) == ("Public relations", "pr")


def test_loader_refuses_a_department_name_in_audience_with_file_line_and_the_key_to_use(courses_dir):
    root = courses_dir
    module = root / "03-onboarding" / "02-marketing.md"
    module.write_text(module.read_text().replace("audience: [marketing]", "audience: [B2B sales]"))
    catalog = load_catalog(root)
    problems = [str(e) for e in catalog.errors]
    line = module.read_text().splitlines().index("audience: [B2B sales]") + 1
    assert problems == [
        f"courses/03-onboarding/02-marketing.md:{line}: audience 'B2B sales' is not a department key "
        "(perhaps 'b2b-sales'): use lower-case keys as listed under Admin -> Departments, "
        "or one of everyone, learner, manager, hr, admin"
    ]


def test_courses_check_warns_about_an_unknown_key_with_file_and_line(app, runner, courses_dir):
    root = courses_dir
    module = root / "03-onboarding" / "03-pr.md"
    module.write_text(module.read_text().replace("audience: [pr]", "audience: [legal]"))
    result = runner.invoke(args=["courses", "check", "--no-lint"])
    line = module.read_text().splitlines().index("audience: [legal]") + 1
    assert f"courses/03-onboarding/03-pr.md:{line}: warning: audience 'legal' names no department key" in result.output
    assert "audience 'pr'" not in result.output and "audience 'marketing'" not in result.output
    # Once the department exists, the warning goes.
    from smmacademy.services import directory

    directory.add_department("Legal", "legal")
    assert "audience 'legal'" not in runner.invoke(args=["courses", "check", "--no-lint"]).output


def test_admin_departments_page_lists_audiences_that_name_no_department(client, admin, app, courses_dir):
    root = courses_dir
    module = root / "03-onboarding" / "03-pr.md"
    module.write_text(module.read_text().replace("audience: [pr]", "audience: [legal]"))
    app.extensions["smmacademy_catalog"].catalog = load_catalog(root)
    html = client.get("/admin/departments").get_data(as_text=True)
    assert "Audiences that name no department" in html and "<code>legal</code>" in html


def test_catalog_filter_offers_departments_by_their_current_name_and_filters_by_key(client, admin):
    marketing = department("Marketing")
    client.post(f"/admin/departments/{marketing.id}", data={"name": "Маркетинг"})
    html = client.get("/courses").get_data(as_text=True)
    assert '<option value="marketing">Маркетинг</option>' in html
    filtered = client.get("/courses?audience=marketing").get_data(as_text=True)
    assert "/courses/onboarding" in filtered and "/courses/advanced" not in filtered
