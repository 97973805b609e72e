"""The team dashboard at 1,280 and 390 px, tables as cards, the phone header menu and radar labels, in Chromium."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from .conftest import PHONE, fits_phone, no_serious_a11y_violations, open_menu, sign_in

pytestmark = pytest.mark.browser
MANAGER = "maria@demo.smmacademy.local"
PRIORITY_HEADERS = [
    "Name",
    "Status",
    "Done / assigned",
    "Curriculum completion",
    "Best-fit profile",
    "Plan",
]


def clear_due_dates(server) -> None:
    """Take the due dates off the demo's own assignments, so only those a test adds are overdue."""
    engine = create_engine(server.env["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE assignments SET due_date = NULL"))
    engine.dispose()


def make_overdue(server, *emails: str) -> None:
    """Make exactly these people overdue: a course assignment due last week (the site refuses past dates, so
    in SQL), after the demo's own assignments lose their due dates."""
    clear_due_dates(server)
    engine = create_engine(server.env["DATABASE_URL"])
    with engine.begin() as connection:
        for email in emails:
            connection.execute(
                text(
                    "INSERT INTO assignments (user_id, kind, course_slug, due_date, note, source, created_at, updated_at)"
                    " SELECT id, 'course', 'smm-roles', :due, '', 'manager', :now, :now FROM users"
                    " WHERE email = :email"
                ),
                {"due": date.today() - timedelta(days=7), "now": date.today() - timedelta(days=30), "email": email},
            )
    engine.dispose()


def open_as(server, pages, person: str = "maria", url: str | None = "/team/", phone: bool = True) -> Page:
    """A fresh page, 390 or 1,280 px wide, signed in as the demo ``person`` and opened on ``url``."""
    page = pages.new(f"{person}-{390 if phone else 1280}", phone=phone, bypass_csp=True)
    sign_in(page, server, f"{person}@demo.smmacademy.local", server.demo_password)
    if url:
        page.goto(server.url + url)
    return page


def no_sideways_scroll(page: Page) -> None:
    """Neither the page nor the team table is wider than the window (the 1,280 px problem: 1,389 px in 1,066)."""
    page.wait_for_load_state("load")
    sizes = page.evaluate(
        """() => {
          const table = document.querySelector('table.team-table').getBoundingClientRect();
          const frame = document.querySelector('.team-frame').getBoundingClientRect();
          return {scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,
                  tableRight: table.right, frameRight: frame.right};
        }"""
    )
    assert sizes["scroll"] <= sizes["inner"], sizes
    assert sizes["tableRight"] <= sizes["frameRight"], sizes


def in_view(page: Page, locator) -> None:
    """The element is visible and lies inside the window's width."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.evaluate("() => window.innerWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


def test_the_team_table_fits_1280_px_with_status_and_best_fit_and_more_columns_on_demand(server, pages):
    server.load_demo()
    make_overdue(server, "sofia@demo.smmacademy.local")
    page = open_as(server, pages, phone=False)
    headers = page.locator("table.team-table thead th")
    assert [t.strip(" ▲▼") for t in headers.all_inner_texts()] == PRIORITY_HEADERS
    no_sideways_scroll(page)
    for name in ("Status", "Best-fit profile"):
        in_view(page, page.get_by_role("columnheader", name=name))
    sofia = page.get_by_role("row", name=re.compile("Sofia Rossi"))
    in_view(page, sofia.locator('td[data-col="status"]'))
    expect(sofia.locator('td[data-col="status"]')).to_contain_text("Overdue")
    in_view(page, sofia.locator('td[data-col="profile"]'))
    no_serious_a11y_violations(page)

    # The other columns on demand, remembered in the address (sort links and cards keep them).
    page.get_by_text("Show more columns").click()
    page.get_by_label("Department", exact=True).last.check()
    page.get_by_label("Last activity").check()
    page.get_by_role("button", name="Show these columns").click()
    expect(headers).to_have_count(len(PRIORITY_HEADERS) + 2)
    assert "cols=department" in page.url and "cols=activity" in page.url
    page.get_by_role("link", name="Status").click()
    assert "cols=department" in page.url and "sort=status" in page.url
    expect(headers).to_have_count(len(PRIORITY_HEADERS) + 2)
    expect(page.locator("table.team-table tbody tr").first).to_contain_text("Sofia Rossi")  # the overdue first
    no_sideways_scroll(page)

    page.goto(server.url + "/team/?cols=all")
    expect(headers).to_have_count(len(PRIORITY_HEADERS) + 4)  # every column
    no_sideways_scroll(page)
    no_serious_a11y_violations(page)


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "390"])
def test_a_manager_reaches_the_overdue_list_from_the_summary_card(server, pages, phone):
    server.load_demo()
    make_overdue(server, "sofia@demo.smmacademy.local", "nina@demo.smmacademy.local")
    page = open_as(server, pages, url=None, phone=phone)
    if "/team/" not in page.url:  # until managers land on their team, one click in the menu
        open_menu(page)
        page.get_by_role("link", name="My team").click()
    card = page.get_by_role("link", name=re.compile("^2 overdue assignments"))
    card.click()
    assert page.url.endswith("/team/?status=overdue")
    rows = page.locator("table.team-table tbody tr")
    expect(rows).to_have_count(2)
    assert sorted(rows.locator('td[data-col="name"] a').all_inner_texts()) == ["Nina Kowalska", "Sofia Rossi"]
    summary = page.get_by_role("status")
    expect(summary).to_contain_text("Filtered: Overdue")
    expect(summary).to_contain_text("2 people of 6")
    expect(page.get_by_role("link", name=re.compile("^2 overdue assignments"))).to_have_attribute(
        "aria-current", "true"
    )
    no_serious_a11y_violations(page)
    if phone:
        fits_phone(page)
    summary.get_by_role("link", name="Show all").click()
    expect(rows).to_have_count(6)
    expect(page.get_by_role("status")).to_have_count(0)


def test_on_a_phone_the_team_is_one_card_per_person(server, pages):
    server.load_demo()
    make_overdue(server, "sofia@demo.smmacademy.local")
    page = open_as(server, pages)
    fits_phone(page)
    expect(page.locator("table.team-table thead")).to_be_hidden()
    cards = page.locator("table.team-table tbody tr")
    expect(cards).to_have_count(6)
    for card in cards.all():
        assert card.evaluate("row => getComputedStyle(row).display") == "block"
        for column in ("name", "status", "assigned", "completion", "profile"):
            in_view(page, card.locator(f'td[data-col="{column}"]'))
    sofia = page.get_by_role("row", name=re.compile("Sofia Rossi"))
    expect(sofia.locator('td[data-col="status"]')).to_contain_text("Overdue")
    label = sofia.locator('td[data-col="status"]').evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Status"'
    sofia.get_by_role("link", name="Sofia Rossi").click()
    expect(page.get_by_role("heading", name="Sofia Rossi")).to_be_visible()
    fits_phone(page)
    assignment = page.locator("section.card", has=page.get_by_role("heading", name="Assignments")).locator("tbody tr")
    in_view(page, assignment.first.locator("[data-state]"))
    no_serious_a11y_violations(page)


@pytest.mark.parametrize(
    "person, url, column",
    [
        ("admin", "/admin/", "Role"),
        ("admin", "/admin/", "Status"),
        ("hr", "/hr/", "Status"),
    ],
)
def test_other_wide_tables_become_cards_on_a_phone(server, pages, person, url, column):
    server.load_demo()
    page = open_as(server, pages, person, url=None)
    if person == "hr":  # a candidate to list
        page.goto(server.url + "/hr/new")
        page.get_by_label("Candidate's full name").fill("Cara Candidate")
        page.get_by_label("Email").fill("cara@mail.example")
        page.get_by_label("Position applied for").select_option(label="Community manager")
        page.get_by_role("button", name="Create the invitation link").click()
    page.goto(server.url + url)
    fits_phone(page)
    cells = page.locator(f'table.table-cards td[data-label="{column}"]')
    assert cells.count() >= 1
    in_view(page, cells.first)
    no_serious_a11y_violations(page)


def header_on_one_line(page: Page) -> bool:
    """Whether every visible item of the header overlaps the brand's line."""
    return page.evaluate(
        """() => {
          const brand = document.querySelector('.brand').getBoundingClientRect();
          return [...document.querySelectorAll('.header-row > *')]
            .filter(e => e.getClientRects().length && getComputedStyle(e).display !== 'none')
            .every(e => { const box = e.getBoundingClientRect();
                          return box.top < brand.bottom && box.bottom > brand.top; });
        }"""
    )


def test_the_phone_header_is_one_line_with_a_menu_button(server, pages):
    server.load_demo()
    page = open_as(server, pages)
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    assert header_on_one_line(page)
    assert page.locator("header.site-header").bounding_box()["height"] < 70
    expect(page.get_by_role("link", name="Courses", exact=True)).to_be_hidden()
    fits_phone(page)

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-menu")).to_be_visible()
    no_serious_a11y_violations(page)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    button.click()
    page.get_by_role("link", name="Courses", exact=True).click()
    expect(page.get_by_role("heading", name="Courses", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")

    # At 1,280 px the same header shows everything on one line and no button.
    wide = open_as(server, pages, phone=False)
    expect(wide.get_by_role("button", name="Menu")).to_be_hidden()
    expect(wide.get_by_role("link", name="My team")).to_be_visible()
    assert header_on_one_line(wide)

    # The Russian header fits one line too (the choice is stored on the account).
    page.get_by_role("button", name="Русский").click()
    expect(page.get_by_role("button", name="Меню")).to_have_attribute("aria-controls", "site-menu")
    assert header_on_one_line(page)


def test_without_javascript_the_phone_menu_is_simply_open(server, pages):
    server.load_demo()
    context = pages.browser.new_context(viewport=PHONE, java_script_enabled=False)
    pages.contexts.append(context)
    page = context.new_page()
    pages.opened.append(("no-js", page))
    sign_in(page, server, MANAGER, server.demo_password)
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.get_by_role("link", name="My team")).to_be_visible()
    fits_phone(page)


@pytest.mark.parametrize("person, url", [("maria", "/team/"), ("admin", "/admin/"), ("hr", "/hr/")])
def test_filter_labels_stay_beside_their_fields_on_a_phone(server, pages, person, url):
    server.load_demo()
    page = open_as(server, pages, person, url)
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('form.filters label[for]')].map(label => {
          const field = document.getElementById(label.htmlFor).getBoundingClientRect();
          const box = label.getBoundingClientRect();
          return {label: label.textContent.trim(), labelRight: box.right, labelMiddle: (box.top + box.bottom) / 2,
                  fieldLeft: field.left, fieldTop: field.top, fieldBottom: field.bottom, fieldRight: field.right};
        })"""
    )
    assert len(pairs) >= 2
    for pair in pairs:
        assert pair["fieldTop"] <= pair["labelMiddle"] <= pair["fieldBottom"], pair  # on the field's line
        assert pair["labelRight"] <= pair["fieldLeft"], pair  # just before it
        assert pair["fieldRight"] <= PHONE["width"], pair
    fits_phone(page)


def radar_sizes(page: Page) -> dict:
    """Rendered sizes (px) of the radar's visible axis labels and of its key, via getBoundingClientRect."""
    return page.evaluate(
        """() => {
          const svg = document.querySelector('svg.radar');
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const visible = [...svg.querySelectorAll('text.label tspan')].filter(t => getComputedStyle(t).display !== 'none');
          const key = document.querySelector('.radar-key');
          return {
            kinds: [...new Set(visible.map(t => t.getAttribute('class')))],
            heights: visible.map(t => t.getBoundingClientRect().height),
            fonts: visible.map(t => parseFloat(getComputedStyle(t).fontSize) * scale),
            keyShown: key.getClientRects().length > 0,
            keyFont: parseFloat(getComputedStyle(key.querySelector('li')).fontSize),
            axes: svg.querySelectorAll('text.label').length,
            keyAxes: key.querySelectorAll('ol li').length,
          };
        }"""
    )


def test_radar_labels_are_readable_on_a_phone(server, pages):
    server.load_demo()
    page = open_as(server, pages, url="/team/?assessed=yes")
    page.locator('table.team-table td[data-col="name"] a').first.click()
    expect(page.locator("svg.radar")).to_be_visible()
    sizes = radar_sizes(page)
    assert sizes["kinds"] == ["axis-number"]
    assert min(sizes["heights"]) >= 11, sizes
    assert min(sizes["fonts"]) >= 11, sizes
    assert sizes["keyShown"] and sizes["keyFont"] >= 11 and sizes["keyAxes"] == sizes["axes"]
    fits_phone(page)
    no_serious_a11y_violations(page)

    wide = open_as(server, pages, phone=False, url=page.url.removeprefix(server.url))
    sizes = radar_sizes(wide)
    assert sizes["kinds"] == ["axis-name"] and not sizes["keyShown"]
