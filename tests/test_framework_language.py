"""The competency framework in Russian: an overlay keyed by the English ids, used on every page."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from smmacademy import create_app
from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Assessment

from .conftest import REAL_COURSES, login, make_submitted_assessment
from .test_assessment_pages import fill_all
from .test_hr import complete_flow, invite

RU = {"Accept-Language": "ru"}


def test_every_entry_of_the_framework_has_a_russian_translation():
    english = yaml.safe_load((REAL_COURSES / "competencies.yml").read_text(encoding="utf-8"))
    russian = yaml.safe_load((REAL_COURSES / "competencies.ru.yml").read_text(encoding="utf-8"))
    assert set(russian["scale"]) == {level["level"] for level in english["scale"]}
    assert all(set(entry) == {"name", "description"} for entry in russian["scale"].values())
    competencies = [c for area in english["areas"] for c in area["competencies"]]
    assert set(russian["areas"]) == {area["id"] for area in english["areas"]}
    assert set(russian["competencies"]) == {c["id"] for c in competencies}
    assert all(set(entry) == {"name", "description"} for entry in russian["competencies"].values())
    assert set(russian["statements"]) == {s["id"] for c in competencies for s in c["statements"]}
    assert set(russian["profiles"]) == {p["id"] for p in english["profiles"]}
    assert all(set(entry) == {"name", "summary"} for entry in russian["profiles"].values())


def test_the_loader_merges_the_overlay_and_keeps_ids_and_targets(app):
    framework = get_catalog().framework
    russian = framework.localized("ru")
    assert russian.profiles["smm-manager"].name == "SMM-менеджер"
    assert russian.competencies["strategy"].statements[0].text.startswith("Могу перевести")
    assert russian.scale[0].name == "Не приходилось" and russian.areas[0].name == "Стратегия и лидерство"
    assert russian.profiles["smm-manager"].targets == framework.profiles["smm-manager"].targets
    assert list(russian.statements) == list(framework.statements) and russian.version == framework.version
    assert framework.localized("en") is framework and framework.localized("de") is framework


def test_missing_entries_fall_back_to_english_and_unknown_ids_are_reported(app_config, courses_dir):
    (courses_dir / "competencies.ru.yml").write_text(
        "areas:\n  strategy: Стратегия\n  telepathy: Телепатия\nprofiles:\n  smm-manager: {name: SMM-менеджер}\n",
        encoding="utf-8",
    )
    app = create_app({**app_config, "ALLOW_INVALID_CONTENT": True})
    with app.app_context():
        russian = get_catalog().framework.localized("ru")
        assert russian.areas[0].name == "Стратегия" and russian.areas[1].name == "Content"
        assert russian.profiles["smm-manager"].name == "SMM-менеджер"
        assert russian.profiles["smm-manager"].summary.startswith("Builds and runs")
    result = app.test_cli_runner().invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "competencies.ru.yml:3: areas: unknown id 'telepathy'" in result.output


def test_the_self_assessment_and_its_results_speak_russian(client, make_user):
    make_user("admin")
    person = make_user("learner")
    login(client, person)
    framework = get_catalog().framework
    client.post("/assessment/start")
    area = client.get(f"/assessment/area/{framework.areas[0].id}", headers=RU).get_data(as_text=True)
    assert "Стратегия и лидерство" in area and "Могу перевести маркетинговые цели" in area
    assert "Не приходилось" in area
    fill_all(client, framework)
    location = client.post("/assessment/submit").location
    stored = db.session.scalar(select(Assessment))
    assert stored.framework["profiles"]["smm-manager"]["name"] == "SMM manager"  # stored in English
    html = client.get(location, headers=RU).get_data(as_text=True)
    assert "SMM-менеджер" in html and "Комьюнити-менеджер" in html and "SMM manager" not in html
    assert '<text class="label"' in html and '<tspan class="axis-name">SMM-стратегия</tspan>' in html  # radar labels
    csv_text = client.get(location + ".csv", headers=RU).data.decode("utf-8")
    # Russian readers get semicolons by default: Excel in a Russian locale splits on them.
    assert csv_text.startswith("\ufeffраздел;пункт;значение;цель;уровень или примечание")
    assert "соответствие профилю;SMM-менеджер;" in csv_text and "компетенция;SMM-стратегия;" in csv_text


def test_the_member_page_and_the_hr_report_name_competencies_in_russian(app, client, make_user):
    make_user("admin")
    manager = make_user("manager")
    member = make_user("learner", manager=manager)
    make_submitted_assessment(app, member.id)
    db.session.commit()
    login(client, manager)
    page = client.get(f"/team/members/{member.id}", headers=RU).get_data(as_text=True)
    assert ">SMM-стратегия</tspan></text>" in page and "Цель профиля" in page

    hr_client = app.test_client()
    login(hr_client, make_user("hr"))
    candidate, link, _html = invite(hr_client)
    browser = app.test_client()
    browser.get(link)
    catalog = get_catalog()
    assert complete_flow(browser, catalog.framework, catalog).status_code == 200
    report = hr_client.get(f"/hr/candidates/{candidate.id}", headers=RU).get_data(as_text=True)
    assert "Комьюнити-менеджер" in report and ">Эмпатия и чуткость</tspan></text>" in report
    assert "<dt>Вакансия</dt><dd>Комьюнити-менеджер</dd>" in report
