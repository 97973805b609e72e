"""The team dashboard's summary cards, filters and columns, and the member page's assignment states."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from smmacademy.domain.team import OVERDUE
from smmacademy.domain.team_filter import TeamFilter, parse_team_filter
from smmacademy.extensions import db
from smmacademy.models import Assignment, ModuleProgress
from smmacademy.models.base import utcnow
from smmacademy.team.columns import COLUMNS, OPTIONAL, shown_columns

from .conftest import login, make_submitted_assessment

PRIORITY = ["name", "status", "assigned", "completion", "profile", "plan"]


@pytest.fixture
def board(make_user, client, app):
    """A manager with three reports: one overdue, one self-assessed, one with nothing."""
    make_user("admin")
    manager = make_user("manager", full_name="Mona Manager")
    late = make_user("learner", manager=manager, department="Marketing", full_name="Olga Overdue")
    assessed = make_user("learner", manager=manager, department="PR", full_name="Anna Assessed")
    quiet = make_user("learner", manager=manager, department="PR", full_name="Quentin Quiet")
    db.session.add(
        Assignment(user_id=late.id, kind="course", course_slug="basics", due_date=date.today() - timedelta(days=3))
    )
    make_submitted_assessment(app, assessed.id)
    db.session.commit()
    login(client, manager)
    return {"manager": manager, "late": late, "assessed": assessed, "quiet": quiet}


def people_listed(html: str) -> list[str]:
    """Names in the team table, in order."""
    table = html.split('class="data team-table', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td data-col="name"><a href="/team/members/\d+">([^<]+)</a>', table)


def card_links(html: str) -> dict[str, str]:
    """Summary card label -> its link."""
    found = re.findall(
        r'<a class="card stat stat-link" href="([^"]+)"[^>]*>.*?<span class="stat-label">([^<]+)</span>', html
    )
    return {label: unescape(href) for href, label in found}


def header_columns(html: str) -> list[str]:
    return re.findall(r'<th scope="col" data-col="(\w+)"', html)


def test_the_overdue_card_is_a_link_to_the_overdue_people_with_a_show_all_line(client, board):
    html = client.get("/team/").get_data(as_text=True)
    assert people_listed(html) == ["Anna Assessed", "Olga Overdue", "Quentin Quiet"]
    assert "Filtered:" not in html
    links = card_links(html)
    assert links["overdue assignment"] == "/team/?status=overdue"

    filtered = client.get(links["overdue assignment"]).get_data(as_text=True)
    assert people_listed(filtered) == ["Olga Overdue"]
    summary = filtered.split('class="filter-summary"', 1)[1].split("</p>", 1)[0]
    assert "Filtered:" in summary and "<strong>Overdue</strong>" in summary and "1 person of 3" in summary
    show_all = unescape(re.search(r'<a href="([^"]+)">Show all</a>', summary).group(1))
    assert show_all == "/team/"
    assert people_listed(client.get(show_all).get_data(as_text=True)) == [
        "Anna Assessed",
        "Olga Overdue",
        "Quentin Quiet",
    ]


def test_the_self_assessment_card_lists_people_without_one(client, board):
    link = card_links(client.get("/team/").get_data(as_text=True))["people without a self-assessment"]
    assert link == "/team/?assessed=no"
    html = client.get(link).get_data(as_text=True)
    assert people_listed(html) == ["Olga Overdue", "Quentin Quiet"]
    assert "<strong>without a self-assessment</strong>" in html
    assert people_listed(client.get("/team/?assessed=yes").get_data(as_text=True)) == ["Anna Assessed"]


def test_card_links_keep_the_scope_columns_and_order_and_replace_other_filters(client, board):
    html = client.get("/team/?view=branch&cols=department&q=anna&sort=status&dir=desc").get_data(as_text=True)
    overdue = card_links(html)["overdue assignment"]
    assert "status=overdue" in overdue and "q=" not in overdue
    assert "view=branch" in overdue and "cols=department" in overdue and "sort=status" in overdue
    assert card_links(html)["people in the team"] == "/team/?view=branch&cols=department&sort=status&dir=desc"


def test_the_current_card_is_marked(client, board):
    html = client.get("/team/?status=overdue").get_data(as_text=True)
    current = re.findall(r'<a class="card stat stat-link" href="[^"]+" aria-current="true">', html)
    assert len(current) == 1 and "status=overdue" in current[0]


@pytest.mark.parametrize(
    "query, value",
    [
        ("status=late", "late"),
        ("assessed=maybe", "maybe"),
        ("sort=salary", "salary"),
        ("dir=sideways", "sideways"),
        ("cols=salary", "salary"),
        ("status=%3Cscript%3E", "<script>"),
    ],
)
def test_an_unknown_filter_value_is_ignored_with_a_message_never_a_500(client, board, query, value):
    response = client.get(f"/team/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>" not in html.split("<main", 1)[1]
    assert f"The link asked for “{value}”, which the dashboard does not know; it was ignored." in unescape(html)
    assert people_listed(html) == ["Anna Assessed", "Olga Overdue", "Quentin Quiet"]
    export = client.get(f"/team/export.csv?{query}")
    assert export.status_code == 200 and export.data.decode("utf-8").count("\n") == 4


def test_the_csv_export_applies_the_same_filter(client, board):
    text = client.get("/team/export.csv?status=overdue").data.decode("utf-8")
    assert "Olga Overdue" in text and "Anna Assessed" not in text and "Quentin Quiet" not in text


def test_priority_columns_always_show_and_the_others_on_demand(client, board):
    assert header_columns(client.get("/team/").get_data(as_text=True)) == PRIORITY
    chosen = client.get("/team/?cols=activity&cols=department").get_data(as_text=True)
    assert header_columns(chosen) == [*PRIORITY, "department", "activity"]
    assert re.search(r'<input type="checkbox" name="cols" value="department" form="team-filters" checked>', chosen)
    assert header_columns(client.get("/team/?cols=all").get_data(as_text=True)) == [c.key for c in COLUMNS]


def test_sorting_by_status_puts_the_overdue_first(client, board):
    html = client.get("/team/?sort=status").get_data(as_text=True)
    assert people_listed(html)[0] == "Olga Overdue"
    assert 'data-col="status" aria-sort="ascending"' in html


def test_every_cell_but_the_name_is_labelled_for_the_phone_cards(client, board):
    html = client.get("/team/?cols=all").get_data(as_text=True)
    row = html.split("Olga Overdue</a>", 1)[1].split("</tr>", 1)[0]
    labels = re.findall(r'<td data-col="(\w+)" data-label="([^"]+)">', row)
    assert [key for key, _label in labels] == [c.key for c in COLUMNS][1:]
    assert dict(labels)["status"] == "Status"
    assert '<span class="overdue-count">1 overdue assignment</span>' in row


def test_filter_parsing_refuses_unknown_values_and_keeps_known_ones():
    assert parse_team_filter(" Ann ", "PR", OVERDUE, "no") == (TeamFilter("ann", "PR", OVERDUE, "no"), [])
    known = {"pr": "Public relations", "marketing": "Marketing"}
    assert parse_team_filter(department="pr", departments=known) == (TeamFilter(department="pr"), [])
    assert parse_team_filter(department="Marketing", departments=known) == (TeamFilter(department="marketing"), [])
    assert parse_team_filter(department="Sales", departments=known) == (TeamFilter(), [("department", "Sales")])
    assert parse_team_filter(status="late", assessed="x") == (TeamFilter(), [("status", "late"), ("assessed", "x")])
    assert not TeamFilter().active and TeamFilter(assessed="yes").active


def test_shown_columns_add_only_known_optional_columns():
    shown, unknown = shown_columns(["department", "bogus", ""])
    assert [c.key for c in shown] == [*PRIORITY, "department"] and unknown == ["bogus"]
    assert all(not c.priority for c in OPTIONAL) and len(shown_columns(["all"])[0]) == len(COLUMNS)


def test_the_member_page_shows_a_finished_course_as_done_not_open(client, board):
    person = board["quiet"]
    db.session.add(Assignment(user_id=person.id, kind="course", course_slug="basics"))
    db.session.add(Assignment(user_id=person.id, kind="course", course_slug="advanced"))
    now = utcnow()
    for module, fields in (("intro", {"quiz_passed_at": now, "best_score": 100, "attempts": 1}), ("reading", {})):
        db.session.add(
            ModuleProgress(user_id=person.id, course_slug="basics", module_slug=module, completed_at=now, **fields)
        )
    db.session.commit()
    html = client.get(f"/team/members/{person.id}").get_data(as_text=True)
    assignments = html.split("<h2>Assignments</h2>", 1)[1].split("</section>", 1)[0]
    rows = {
        re.search(r"<td>\s*([^<]+?)\s*<", row).group(1): re.search(r'data-state="(\w+)">([^<]+)<', row).groups()
        for row in assignments.split("<tr>")[2:]
    }
    assert rows == {"Basics of social media": ("complete", "Done"), "Advanced practice": ("open", "Open")}
    assert 'data-label="Status"' in assignments
    csv_text = client.get(f"/team/members/{person.id}.csv").data.decode("utf-8")
    assert "assignment,basics,Done" in csv_text and "assignment,advanced,Open" in csv_text
    board_row = client.get("/team/").get_data(as_text=True).split("Quentin Quiet</a>", 1)[1].split("</tr>", 1)[0]
    assert '<td data-col="assigned" data-label="Done / assigned">1 / 2</td>' in board_row


def test_the_filter_form_keeps_a_known_self_assessment_filter_and_the_order(client, board):
    html = client.get("/team/?assessed=no&sort=status&dir=desc").get_data(as_text=True)
    form = html.split('id="team-filters"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="assessed" value="no">' in form
    assert '<input type="hidden" name="sort" value="status"><input type="hidden" name="dir" value="desc">' in form
    refused = client.get("/team/?assessed=maybe").get_data(as_text=True)
    assert 'name="assessed"' not in refused.split('id="team-filters"', 1)[1].split("</form>", 1)[0]


def test_the_department_filter_keeps_working_after_the_department_is_renamed(client, board):
    pr = board["assessed"].department
    html = client.get(f"/team/?dept={pr.key}").get_data(as_text=True)
    assert people_listed(html) == ["Anna Assessed", "Quentin Quiet"]
    assert f'<option value="{pr.key}" selected>PR</option>' in html and "<strong>PR</strong>" in html
    pr.name = "Public relations"
    db.session.commit()
    renamed = client.get(f"/team/?dept={pr.key}").get_data(as_text=True)
    assert people_listed(renamed) == ["Anna Assessed", "Quentin Quiet"]
    assert "<strong>Public relations</strong>" in renamed
    by_name = client.get("/team/?dept=Public+relations").get_data(as_text=True)  # a link made with the name
    assert people_listed(by_name) == ["Anna Assessed", "Quentin Quiet"]
    unknown = client.get("/team/?dept=Sales").get_data(as_text=True)
    assert people_listed(unknown) == ["Anna Assessed", "Olga Overdue", "Quentin Quiet"]
    assert "The link asked for “Sales”, which the dashboard does not know; it was ignored." in unknown
