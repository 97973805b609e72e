"""A Russian-speaking learner and a Russian candidate go all the way through, on a 390 px phone.

The server loads the shipped ``courses/`` tree, so the journey reads and passes the real Russian lessons and
quizzes of the shortest course; the right answers come from the catalog (keys of the Russian variant).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from smmacademy.models.user import DEFAULT_DEPARTMENTS

from ..test_untranslated_pages import untranslated, visible
from .conftest import fits_phone, no_serious_a11y_violations, open_menu, rate_every_area, sign_in
from .test_journeys import CATALOG, SHORT_COURSE, progress_value
from .test_russian import invite_in_russian

pytestmark = pytest.mark.browser
RUSSIAN = "ru-RU"
# Four Latin words in a row: an English sentence (or a fragment of one) left on a Russian page.
ENGLISH_SENTENCE = re.compile(r"(?<![\w/.@-])[A-Za-z]+(?:,? [A-Za-z]+){3,}(?![\w/.@-])")
# A run of capitalised words only is names (people, tools such as "Canva ChatGPT Feedly" listed as
# options), which are data in any language; an interface sentence has lowercase words.
NAMES_ONLY = re.compile(r"[A-Z][A-Za-z]*(?:,? [A-Z][A-Za-z]*)*")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
PROFILES_RU = CATALOG.framework.localized("ru").profiles
PROFILES_EN = CATALOG.framework.profiles
ACCEPTED_ANSWERS = re.compile(r"<p>Принимаемые ответы:.*?</p>", re.S)
PEOPLE_CHOICES = re.compile(r'<select[^>]*name="manager_id".*?</select>', re.S)
# Department names are data an admin keeps (seeded in English), not interface text.
DATA = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in sorted(DEFAULT_DEPARTMENTS, key=len, reverse=True)))


def russian_page(page: Page, axe: bool = False) -> str:
    """The page is Russian (lang, no English interface phrase or sentence) and fits the phone; returns its text."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "ru", page.url
    html = page.content()
    assert untranslated(html) == [], f"{page.url}: English interface text {untranslated(html)[:5]}"
    # A review lists a text question's accepted answers, English synonyms included on purpose; a list of
    # people to choose from (a hire form's line managers) shows their job titles, data kept in English.
    text = visible(PEOPLE_CHOICES.sub("", ACCEPTED_ANSWERS.sub("", html)))
    english = [run for run in ENGLISH_SENTENCE.findall(DATA.sub("·", text)) if not NAMES_ONLY.fullmatch(run)]
    assert english == [], f"{page.url}: English on the page"
    assert page.locator("main [lang=en]").count() == 0, f"{page.url}: content marked as English"
    fits_phone(page)
    if axe:
        no_serious_a11y_violations(page)
    return text


def read_module(page: Page, module) -> None:
    """The lesson, its headings, objectives and quiz section are the Russian variant."""
    russian = module.text_for("ru")
    expect(page.get_by_role("heading", name=russian.title, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="После этого модуля вы сможете")).to_be_visible()
    for objective in russian.objectives:
        expect(page.locator(".objectives li", has_text=objective.text)).to_be_visible()
    expect(page.get_by_role("navigation", name="На этой странице")).to_be_visible()
    expect(page.locator(".lesson-body h2", has_text=re.compile("^Главное$"))).to_have_count(1)
    for level, _anchor, name in russian.toc:
        assert CYRILLIC.search(name), f"heading {name!r} (h{level}) is not Russian"
    expect(page.locator("#quiz h2")).to_have_text("Тест")


def pass_quiz_in_russian(page: Page, module) -> str:
    """Answer every question of the Russian quiz correctly and submit; returns the review page text."""
    russian = module.text_for("ru")
    page.get_by_role("link", name="Пройти тест", exact=True).click()
    russian_page(page)
    for question in russian.questions:
        name = f"q-{question.id}"
        expect(page.locator(f"#prompt-{question.id}")).to_contain_text(question.prompt.split()[0])
        if question.type in ("single", "multiple"):
            for key in sorted(question.correct):
                page.locator(f'input[name="{name}"][value="{key}"]').check()
        elif question.type == "truefalse":
            page.locator(f'input[name="{name}"][value="{"true" if question.truth else "false"}"]').check()
        elif question.type == "text":
            russian_answer = next(a for a in question.answers if CYRILLIC.search(a))
            page.locator(f'input[name="{name}"]').fill(russian_answer)
        else:  # matching: choose each Russian right-hand side by its label
            for index, (_left, right) in enumerate(question.pairs):
                page.locator(f'select[name="{name}-{index}"]').select_option(label=right)
    page.get_by_role("button", name="Отправить ответы").click()
    expect(page.get_by_role("heading", name="Разбор теста")).to_be_visible()
    expect(page.locator(".score-card .score")).to_have_text("100%")
    expect(page.get_by_text(re.compile(r"^Сдано — проходной балл \d+%\.$"))).to_be_visible()
    return russian_page(page)


def test_a_russian_learner_takes_a_whole_real_course_and_gets_the_certificate_on_a_phone(server, pages):
    password = server.load_demo()
    course = SHORT_COURSE
    page = pages.new("lena", phone=True, bypass_csp=True, locale=RUSSIAN)
    sign_in(page, server, "lena@demo.smmacademy.local", password, russian=True)
    open_menu(page)
    page.get_by_role("link", name="Курсы", exact=True).first.click()
    page.get_by_role("link", name=course.text_for("ru").title).click()
    expect(page.get_by_role("heading", name=course.text_for("ru").title, level=1)).to_be_visible()
    assert progress_value(page) == 0
    russian_page(page, axe=True)
    course_url = page.url

    for number, module in enumerate(course.modules, start=1):
        page.goto(course_url)
        page.get_by_role("link", name=module.text_for("ru").title).click()
        read_module(page, module)
        russian_page(page, axe=number == 1)
        review = pass_quiz_in_russian(page, module)
        if number == 1:
            no_serious_a11y_violations(page)
        if number < len(course.modules):
            assert "Открыть сертификат" not in review
            page.get_by_role("link", name="Вернуться к курсу").click()
            assert progress_value(page) == round(100 * number / len(course.modules))

    page.get_by_role("link", name="Открыть сертификат").click()
    expect(page.get_by_role("heading", name="Сертификат о прохождении курса")).to_be_visible()
    expect(page.locator(".cert-name")).to_have_text("Lena Fischer")
    expect(page.locator(".cert-course")).to_have_text(course.text_for("ru").title)
    text = russian_page(page, axe=True)
    assert re.search(r"Код проверки: \w+", text), text[:500]
    page.goto(course_url)
    assert progress_value(page) == 100


def test_the_russian_learner_completes_the_self_assessment_and_reads_russian_results(server, pages):
    password = server.load_demo()
    page = pages.new("lena", phone=True, bypass_csp=True, locale=RUSSIAN)
    sign_in(page, server, "lena@demo.smmacademy.local", password, russian=True)
    open_menu(page)
    page.get_by_role("link", name="Самооценка").first.click()
    russian_page(page)
    page.get_by_role("button", name="Начать самооценку").click()
    rate_every_area(page, 3, lambda area: russian_page(page, axe=area == 0))
    russian_page(page)
    page.get_by_role("button", name="Отправить и посмотреть результаты").click()
    expect(page.get_by_role("heading", name="Результаты самооценки")).to_be_visible()
    text = russian_page(page, axe=True)
    fits = page.locator("ul.fits li a")
    assert sorted(fits.all_inner_texts()) == sorted(p.name for p in PROFILES_RU.values())
    for profile in PROFILES_EN.values():
        if profile.name != PROFILES_RU[profile.id].name:
            assert profile.name not in text, f"English profile name {profile.name!r} on the results page"
    for course in CATALOG.courses.values():  # the gaps list the modules to learn, with their course
        assert course.title not in text, f"English course title {course.title!r} on the results page"
    expect(page.locator("svg.radar text", has_text="SMM-стратегия")).to_be_visible()


def test_a_candidate_invited_in_russian_completes_the_whole_flow_on_a_phone(server, pages):
    hr, link = invite_in_russian(server, pages)
    russian_page(hr, axe=True)

    candidate = pages.new("candidate", phone=True, bypass_csp=True)  # an English phone browser: the link decides
    candidate.goto(link)
    expect(candidate.get_by_role("heading", name="Добро пожаловать, Вера Кандидатова")).to_be_visible()
    russian_page(candidate, axe=True)
    candidate.get_by_role("checkbox").check()
    candidate.get_by_role("button", name="Начать").click()
    russian_page(candidate)
    candidate.get_by_role("link", name="Начать").click()
    areas = rate_every_area(candidate, 4, lambda area: russian_page(candidate, axe=area == 0))
    assert areas == len(CATALOG.framework.areas)
    expect(candidate.get_by_role("heading", name="2. Тест на знания")).to_be_visible()
    russian_page(candidate)
    candidate.get_by_role("button", name="Начать тест").click()
    expect(candidate.get_by_role("heading", name="Тест на знания")).to_be_visible()
    russian_page(candidate, axe=True)
    questions = candidate.locator("li.question")
    assert questions.count() > 0
    for prompt in candidate.locator("li.question .prompt").all_inner_texts():
        assert CYRILLIC.search(prompt), f"English question on the Russian test: {prompt!r}"
    for group in questions.all():
        radios = group.locator('input[type="radio"], input[type="checkbox"]')
        if radios.count():
            radios.first.check()
        elif group.locator('input[type="text"]').count():
            group.locator('input[type="text"]').fill("стратегия")
        else:
            for select in group.locator("select").all():
                select.select_option(index=1)
    candidate.get_by_role("button", name="Сохранить ответы").click()  # the test stays open
    russian_page(candidate)
    candidate.get_by_role("button", name="Проверить и отправить").click()
    russian_page(candidate)
    candidate.get_by_role("button", name="Отправить тест").click()
    candidate.get_by_role("button", name="Отправить ответы").click()
    expect(candidate.get_by_role("heading", name="Спасибо")).to_be_visible()
    russian_page(candidate, axe=True)
    candidate.goto(link)
    expect(candidate.locator("main")).to_contain_text("уже")
    russian_page(candidate)

    hr.goto(server.url + "/hr/")
    expect(hr.get_by_role("cell", name="Отправлено")).to_be_visible()
    russian_page(hr)
    hr.get_by_role("link", name="Вера Кандидатова").click()
    russian_page(hr, axe=True)
    expect(hr.locator("svg.radar")).to_be_visible()
