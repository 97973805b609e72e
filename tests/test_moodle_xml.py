"""Moodle XML export: well-formed files, every question, Moodle's structure and escaping."""

from __future__ import annotations

from lxml import etree

from smmacademy.content.catalog import load_catalog
from smmacademy.content.questions import Question
from smmacademy.interop.moodle_xml import module_to_moodle_xml, question_to_xml, xml_text

from .conftest import REAL_COURSES


def _parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def _question(root, name: str):
    return root.xpath(f"question[name/text='{name}']")[0]


def test_export_writes_one_well_formed_file_per_quiz(runner, tmp_path):
    result = runner.invoke(args=["courses", "export-moodle-xml", str(tmp_path / "xml")])
    assert result.exit_code == 0 and "Wrote 2 Moodle XML file(s)" in result.output
    root = _parse((tmp_path / "xml" / "basics--intro.moodle.xml").read_text())
    assert root.tag == "quiz"
    category = root.xpath("question[@type='category']/category/text")[0].text
    assert category == "$course$/SMM Academy/Basics of social media/Introduction to the roles"
    assert [q.get("type") for q in root.xpath("question[@type!='category']")] == [
        "multichoice",
        "multichoice",
        "truefalse",
        "shortanswer",
        "matching",
    ]


def test_each_type_follows_moodles_format(runner, tmp_path):
    runner.invoke(args=["courses", "export-moodle-xml", str(tmp_path)])
    root = _parse((tmp_path / "basics--intro.moodle.xml").read_text())

    single = _question(root, "intro-single")
    assert single.findtext("single") == "true"
    assert [(a.get("fraction"), a.findtext("text")) for a in single.findall("answer")] == [
        ("100", "<p>The SMM manager</p>"),
        ("0", "<p>An intern</p>"),
        ("0", "<p>Nobody</p>"),
    ]
    assert single.findtext("generalfeedback/text") == "<p>The manager builds the system first.</p>"
    assert single.find("questiontext").get("format") == "html"

    # Three correct options: each worth a third, each wrong one takes a third away (our partial credit).
    multiple = _question(root, "intro-multiple")
    assert multiple.findtext("single") == "false"
    assert [a.get("fraction") for a in multiple.findall("answer")] == ["33.33333", "33.33333", "-33.33333", "33.33333"]

    truefalse = _question(root, "intro-truefalse")
    assert [(a.findtext("text"), a.get("fraction")) for a in truefalse.findall("answer")] == [
        ("true", "0"),
        ("false", "100"),
    ]

    text = _question(root, "intro-text")
    assert text.findtext("usecase") == "0"
    assert [(a.findtext("text"), a.get("fraction")) for a in text.findall("answer")] == [
        ("3-4", "100"),
        ("3 to 4", "100"),
    ]

    matching = _question(root, "intro-matching")
    assert [(s.findtext("text"), s.findtext("answer/text")) for s in matching.findall("subquestion")] == [
        ("<p>Manager</p>", "Builds the system"),
        ("<p>Specialist</p>", "Executes tasks"),
        ("<p>Community manager</p>", "Keeps relationships"),
    ]


def test_markup_characters_travel_in_cdata_and_survive_parsing():
    question = Question(
        id="q-esc",
        type="text",
        prompt='Is <b> & "bold" the same? ]]> end',
        explanation="Use < and > carefully",
        answers=("a < b & c ]]> d",),
    )
    xml = question_to_xml(question)
    # Like Moodle's writer, a "]]>" inside the text is split across two CDATA sections.
    assert "<text><![CDATA[a < b & c ]]]]><![CDATA[> d]]></text>" in xml
    element = _parse(xml)
    # The question text is HTML, so its markup characters are entities inside the CDATA.
    assert element.findtext("questiontext/text") == '<p>Is &lt;b&gt; &amp; "bold" the same? ]]&gt; end</p>'
    # A short answer is compared with what the learner types: plain text, never HTML-escaped.
    assert element.findtext("answer/text") == "a < b & c ]]> d"
    assert xml_text("plain words") == "plain words"


def test_every_question_of_the_real_catalog_is_exported_once():
    catalog = load_catalog(REAL_COURSES)
    assert not catalog.errors
    exported: list[str] = []
    for course in catalog.courses.values():
        for module in course.modules:
            if module.has_quiz:
                root = _parse(module_to_moodle_xml(module, course.title))
                exported += root.xpath("question[@type!='category']/name/text/text()")
    assert sorted(exported) == sorted(catalog.questions)
    assert len(exported) > 100


def test_an_asterisk_in_a_short_answer_stays_literal():
    question = Question(id="q-star", type="text", prompt="Rating?", explanation="Five stars.", answers=("5*",))
    assert _parse(question_to_xml(question)).findtext("answer/text") == "5\\*"
