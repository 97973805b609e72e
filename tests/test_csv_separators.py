"""Every CSV export lets the person choose comma or semicolon; Russian defaults to semicolon; always a UTF-8 BOM."""

from __future__ import annotations

import csv
import io

import pytest

from smmacademy.extensions import db
from smmacademy.services.csv_export import to_csv

from .conftest import login, make_submitted_assessment

RU = {"Accept-Language": "ru"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def exports(app, client, make_user):
    """(page URL, export URL) of every export, each opened by a person allowed to, who is signed in in turn."""
    admin = make_user("admin", full_name="Ada; Admin")
    manager = make_user("manager", full_name="Mona Manager")
    member = make_user("learner", manager=manager, full_name="Lee, Learner", department="PR")
    make_user("hr", full_name="Hal Hr")
    assessment = make_submitted_assessment(app, member.id)
    db.session.commit()
    return {
        "team dashboard": (manager, "/team/", "/team/export.csv"),
        "member page": (manager, f"/team/members/{member.id}", f"/team/members/{member.id}.csv"),
        "assessment result": (
            member,
            f"/assessment/results/{assessment.id}",
            f"/assessment/results/{assessment.id}.csv",
        ),
        "question quality": (admin, "/admin/quality/basics?attempts=all", "/admin/quality/basics.csv?attempts=all"),
        "candidates": (db.session.scalar(_by_role("hr")), "/hr/", "/hr/export.csv"),
    }


def _by_role(role):
    from sqlalchemy import select

    from smmacademy.models import User

    return select(User).where(User.role == role)


def _rows(response, delimiter):
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff"), "no byte-order mark: Excel would not detect UTF-8"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def _joiner(url: str) -> str:
    return "&" if "?" in url else "?"


EXPORTS = ["team dashboard", "member page", "assessment result", "question quality", "candidates"]


@pytest.mark.parametrize("name", EXPORTS)
def test_export_defaults_to_comma_in_english_and_semicolon_in_russian(client, exports, name):
    person, _page, url = exports[name]
    login(client, person)
    english = client.get(url, headers=EN)
    assert english.status_code == 200 and english.mimetype == "text/csv"
    columns = len(_rows(english, ",")[0])
    assert columns > 1 and ";" not in english.data.decode("utf-8").splitlines()[0]
    russian = client.get(url, headers=RU)
    assert len(_rows(russian, ";")[0]) == columns
    assert len(_rows(russian, ",")[0]) < columns  # read with commas, Excel would not see the columns


@pytest.mark.parametrize("name", EXPORTS)
def test_export_follows_the_chosen_separator_and_remembers_it(client, exports, name):
    person, _page, url = exports[name]
    login(client, person)
    chosen = client.get(url + _joiner(url) + "sep=semicolon", headers=EN)
    header = _rows(chosen, ";")[0]
    assert len(header) > 1 and "csv_separator=semicolon" in chosen.headers["Set-Cookie"]
    # The next download without a choice keeps it, in English too...
    assert len(_rows(client.get(url, headers=EN), ";")[0]) == len(header)
    # ...until the person picks comma.
    assert len(_rows(client.get(url + _joiner(url) + "sep=comma", headers=RU), ",")[0]) == len(header)
    assert len(_rows(client.get(url, headers=RU), ",")[0]) == len(header)


@pytest.mark.parametrize("name", EXPORTS)
def test_export_page_offers_the_choice_with_the_language_default_selected(client, exports, name):
    person, page, url = exports[name]
    login(client, person)
    html = client.get(page, headers=RU).get_data(as_text=True)
    assert '<option value="semicolon" selected>' in html and '<option value="comma">' in html
    assert f'action="{url.split("?")[0]}"' in html
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert '<option value="comma" selected>' in html


def test_an_unknown_separator_falls_back_to_the_default(client, exports):
    person, _page, url = exports["team dashboard"]
    login(client, person)
    response = client.get(url + "?sep=tab", headers=RU)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert len(_rows(response, ";")[0]) > 1


def test_the_dashboard_export_keeps_the_filters_as_hidden_fields(client, exports):
    person, _page, _url = exports["team dashboard"]
    login(client, person)
    html = client.get("/team/?view=branch", headers=EN).get_data(as_text=True)
    form = html[html.index('action="/team/export.csv"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="view" value="branch">' in form


def test_cells_with_the_separator_inside_are_quoted():
    text = to_csv([["name", "note"], ["Lee; Learner", "a,b"]], "semicolon")
    assert text == '\ufeffname;note\r\n"Lee; Learner";a,b\r\n'
    text = to_csv([["Lee; Learner", "a,b"]], "comma")
    assert text == '\ufeffLee; Learner,"a,b"\r\n'


def test_stats_command_writes_the_chosen_separator(runner, tmp_path):
    target = tmp_path / "stats.csv"
    result = runner.invoke(
        args=["courses", "stats", "--course", "basics", "--csv", str(target), "--separator", "semicolon"]
    )
    assert result.exit_code == 0, result.output
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("\ufeff") and ";" in header and "," not in header
