"""The Russian edition in Chromium on a 390 px phone: layout, accessibility and the language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import fits_phone, no_serious_a11y_violations, rate_area, rate_every_area, sign_in
from .test_journeys import MAIN_PAGES

pytestmark = pytest.mark.browser
RUSSIAN = "ru-RU"


def holds_in_russian(page: Page) -> None:
    """The page is Russian, fits the phone and has no serious accessibility problems."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "ru", page.url
    fits_phone(page)
    no_serious_a11y_violations(page)


def test_main_pages_in_russian_fit_a_phone_and_pass_axe(server, pages):
    password = server.load_demo()
    anonymous = pages.new("anonymous", phone=True, bypass_csp=True, locale=RUSSIAN)
    for url in ["/login", "/verify"]:
        anonymous.goto(server.url + url)
        holds_in_russian(anonymous)
    extra = {"admin": ["/admin/content"], "maria": [], "hr": [], "lena": []}
    for person, urls in MAIN_PAGES.items():
        page = pages.new(person, phone=True, bypass_csp=True, locale=RUSSIAN)
        sign_in(page, server, f"{person}@demo.smmacademy.local", password, russian=True)
        for url in urls + extra[person]:
            page.goto(server.url + url)
            holds_in_russian(page)
        if person == "maria":
            page.goto(server.url + "/team/")
            page.get_by_role("link", name="Lena Fischer").click()
            expect(page.get_by_role("heading", name="Lena Fischer")).to_be_visible()
            holds_in_russian(page)


def test_a_russian_speaker_switches_language_and_takes_the_self_assessment_on_a_phone(server, pages):
    password = server.load_demo()
    page = pages.new("tom", phone=True, bypass_csp=True)  # an English browser
    sign_in(page, server, "tom@demo.smmacademy.local", password)
    page.goto(server.url + "/assessment/")
    page.get_by_role("button", name="Русский").click()
    expect(page.get_by_role("heading", name="Самооценка по ролевым компетенциям")).to_be_visible()
    assert page.url.endswith("/assessment/")  # back on the same page
    page.get_by_role("button", name="Начать самооценку").click()
    rate_every_area(page, 4, lambda _: holds_in_russian(page))
    page.get_by_role("button", name="Отправить и посмотреть результаты").click()
    expect(page.get_by_role("heading", name="Результаты самооценки")).to_be_visible()
    expect(page.locator("svg.radar text", has_text="SMM-стратегия")).to_be_visible()
    holds_in_russian(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Self-assessment results")).to_be_visible()


def invite_in_russian(server, pages) -> tuple[Page, str]:
    """HR, on a Russian phone browser, invites Вера Кандидатова; returns HR's page and the invitation link."""
    password = server.load_demo()
    hr = pages.new("hr", phone=True, bypass_csp=True, locale=RUSSIAN)
    sign_in(hr, server, "hr@demo.smmacademy.local", password, russian=True)
    hr.goto(server.url + "/hr/new")
    hr.get_by_label("ФИО кандидата").fill("Вера Кандидатова")
    hr.get_by_label("Эл. почта").fill("vera@mail.example")
    hr.get_by_label("Вакансия").select_option(label="Комьюнити-менеджер")
    expect(hr.get_by_label("Язык приглашения и оценки")).to_have_value("ru")
    hr.get_by_role("button", name="Создать ссылку-приглашение").click()
    return hr, hr.get_by_label("Ссылка-приглашение").input_value()


def test_hr_invites_in_russian_and_the_candidate_answers_on_a_phone(server, pages):
    hr, link = invite_in_russian(server, pages)
    holds_in_russian(hr)

    candidate = pages.new("candidate", phone=True, bypass_csp=True)  # the candidate's browser is English
    candidate.goto(link)
    expect(candidate.get_by_role("heading", name="Добро пожаловать, Вера Кандидатова")).to_be_visible()
    holds_in_russian(candidate)
    candidate.get_by_role("checkbox").check()
    candidate.get_by_role("button", name="Начать").click()
    holds_in_russian(candidate)
    candidate.get_by_role("link", name="Начать").click()
    holds_in_russian(candidate)
    rate_area(candidate, 3)
    candidate.get_by_role("button", name="Сохранить и закончить позже").click()
    expect(candidate.get_by_role("heading", name="2. Тест на знания")).to_be_visible()
    candidate.get_by_role("button", name="Начать тест").click()
    holds_in_russian(candidate)

    hr.goto(server.url + "/hr/")
    holds_in_russian(hr)
