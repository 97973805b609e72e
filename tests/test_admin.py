"""Administration: users, departments, deactivation, CSV import with its error report."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from smmacademy.extensions import db
from smmacademy.models import Assignment, Department, User

from .conftest import login


@pytest.fixture
def admin(login_as):
    return login_as("admin", full_name="Ada Admin")


def dept_id(name: str) -> int:
    return db.session.scalar(select(Department.id).where(Department.name == name))


def test_default_departments_are_seeded(app):
    names = set(db.session.scalars(select(Department.name)))
    assert names == {
        "Marketing",
        "PR",
        "B2B sales",
        "B2C sales",
        "Supplier relations",
        "Partner relations",
        "Technical support",
        "HR",
    }


def test_admin_creates_a_user_who_gets_a_temporary_password(client, admin):
    response = client.post(
        "/admin/users/new",
        data={
            "full_name": "Lena Fischer",
            "email": "Lena@Example.com",
            "role": "learner",
            "department_id": dept_id("Marketing"),
            "job_title": "SMM specialist",
            "manager_id": admin.id,
            "active": "y",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    password = html.split("<code>")[1].split("</code>")[0]
    user = db.session.scalar(User.by_email("lena@example.com"))
    assert (user.role, user.department_name, user.manager_id, user.must_change_password) == (
        "learner",
        "Marketing",
        admin.id,
        True,
    )
    client.post("/logout")
    assert login(client, "lena@example.com", password).location == "/account/password"


def test_new_marketing_employee_gets_department_onboarding(client, admin):
    client.post(
        "/admin/users/new",
        data={
            "full_name": "Tom",
            "email": "tom@example.com",
            "role": "learner",
            "department_id": dept_id("Marketing"),
            "manager_id": 0,
            "active": "y",
        },
    )
    user = db.session.scalar(User.by_email("tom@example.com"))
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == user.id))
    assert (assignment.course_slug, assignment.module_slugs, assignment.source) == (
        "onboarding",
        ["start", "marketing"],
        "onboarding",
    )


def test_duplicate_email_in_other_case_is_refused(client, admin, make_user):
    make_user("learner", email="taken@example.com")
    response = client.post(
        "/admin/users/new",
        data={
            "full_name": "X",
            "email": "TAKEN@example.com",
            "role": "learner",
            "department_id": 0,
            "manager_id": 0,
            "active": "y",
        },
    )
    assert b"Another account already uses this email address." in response.data
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "taken@example.com")) == 1


def test_edit_changes_role_department_and_manager_and_moves_onboarding(client, admin, make_user):
    manager = make_user("manager")
    person = make_user("learner", department="Marketing")
    from smmacademy.catalog_state import get_catalog
    from smmacademy.services.onboarding import sync_onboarding

    sync_onboarding(person, get_catalog())
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "full_name": person.full_name,
            "email": person.email,
            "role": "manager",
            "department_id": dept_id("PR"),
            "job_title": "Lead",
            "manager_id": manager.id,
            "active": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.role, person.department_name, person.manager_id) == ("manager", "PR", manager.id)
    open_assignments = db.session.scalars(Assignment.open_for(person.id)).all()
    assert [a.module_slugs for a in open_assignments] == [["start", "pr"]]


def test_manager_loop_is_refused(client, admin, make_user):
    top = make_user("manager")
    middle = make_user("manager", manager=top)
    response = client.post(
        f"/admin/users/{top.id}",
        data={
            "full_name": top.full_name,
            "email": top.email,
            "role": "manager",
            "department_id": 0,
            "manager_id": middle.id,
            "active": "y",
        },
    )
    assert b"cannot report to themselves" in response.data
    db.session.refresh(top)
    assert top.manager_id is None


def test_deactivate_keeps_the_account_and_blocks_sign_in(client, admin, make_user):
    person = make_user("learner")
    client.post(f"/admin/users/{person.id}/active")
    db.session.refresh(person)
    assert person.active is False
    assert db.session.get(User, person.id) is not None
    client.post("/logout")
    assert login(client, person).status_code == 401


def test_admin_cannot_deactivate_themselves(client, admin):
    assert client.post(f"/admin/users/{admin.id}/active").status_code == 400
    db.session.refresh(admin)
    assert admin.active


def test_user_list_searches_by_name_and_filters_by_role(client, admin, make_user):
    make_user("learner", full_name="Zelda Quill")
    make_user("hr", full_name="Hugo Hr")
    html = client.get("/admin/?q=zelda").get_data(as_text=True)
    assert "Zelda Quill" in html and "Hugo Hr" not in html
    html = client.get("/admin/?role=hr").get_data(as_text=True)
    assert "Hugo Hr" in html and "Zelda Quill" not in html


def test_departments_can_be_added_and_renamed_but_not_duplicated(client, admin):
    assert client.post("/admin/departments", data={"name": "Legal"}).status_code == 302
    assert b"already exists" in client.post("/admin/departments", data={"name": "legal"}).data
    legal = dept_id("Legal")
    assert client.post(f"/admin/departments/{legal}", data={"name": "Legal and compliance"}).status_code == 302
    assert dept_id("Legal and compliance") == legal
    assert client.post(f"/admin/departments/{legal}", data={"name": "PR"}).status_code == 400


def upload(client, text: str):
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), "staff.csv")},
        content_type="multipart/form-data",
    )


GOOD_CSV = (
    "email,full_name,department,job_title,role,manager_email\n"
    "boss@example.com,Bea Boss,Marketing,Head,manager,\n"
    "ann@example.com,Ann Ames,marketing,Writer,learner,boss@example.com\n"
    "bob@example.com,Bob Berg,PR,,,boss@example.com\n"
)


def test_import_previews_then_creates_everyone_with_managers(client, admin):
    preview = upload(client, GOOD_CSV)
    assert preview.status_code == 200
    assert b"3 employees are ready to import." in preview.data
    assert db.session.scalar(select(func.count(User.id))) == 1  # nothing written by the preview
    data = preview.get_data(as_text=True).split('name="payload" type="hidden" value="')[1].split('"')[0]
    import html

    done = client.post("/admin/import/confirm", data={"payload": html.unescape(data)})
    assert done.status_code == 200 and b"Imported 3 employees." in done.data
    ann = db.session.scalar(User.by_email("ann@example.com"))
    assert (ann.manager.email, ann.department_name, ann.role, ann.must_change_password) == (
        "boss@example.com",
        "Marketing",
        "learner",
        True,
    )
    assert db.session.scalar(User.by_email("bob@example.com")).role == "learner"


def test_import_with_errors_reports_each_row_and_writes_nothing(client, admin, make_user):
    make_user("learner", email="exists@example.com")
    bad = (
        "email,full_name,department,job_title,role,manager_email\n"
        "not-an-email,Ann,Marketing,,learner,\n"
        "exists@example.com,Old,PR,,learner,\n"
        "new@example.com,,Nowhere,,wizard,ghost@example.com\n"
        "twice@example.com,T1,PR,,,\n"
        "twice@example.com,T2,PR,,,\n"
    )
    response = upload(client, bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for expected in [
        "&#39;not-an-email&#39; is not a valid email address",
        "exists@example.com already has an account",
        "full_name is empty",
        "unknown department &#39;Nowhere&#39;",
        "unknown role &#39;wizard&#39;",
        "manager ghost@example.com is neither an existing account nor in this file",
        "twice@example.com appears twice (also on line 5)",
    ]:
        assert expected in html, expected
    assert "Import these employees" not in html
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_import_with_missing_columns_or_wrong_encoding_is_explained(client, admin):
    assert b"Missing column(s): department" in upload(client, "email,full_name\na@b.co,A\n").data
    response = client.post(
        "/admin/import",
        data={"file": (io.BytesIO("email\nJosé Müller".encode("latin-1")), "x.csv")},
        content_type="multipart/form-data",
    )
    assert b"The file is neither UTF-8 nor Windows-1251 (Cyrillic) text" in response.data


def test_confirm_revalidates_and_refuses_an_edited_payload(client, admin):
    response = client.post("/admin/import/confirm", data={"payload": "email,full_name\n"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 1
