"""Export a course as a SCORM 1.2 package: one SCO per module, quiz graded in the page.

Layout of the zip (ADL SCORM 1.2 Content Aggregation Model):

* ``imsmanifest.xml`` and the CAM schemas at the root;
* ``sco/<module>/index.html``: the lesson and its quiz, one SCO per module;
* ``shared/scorm12.js`` and ``shared/sco.css``: the runtime, no CDN;
* ``assets/``: the images the lessons show.

The quiz's answer keys travel inside the page (an offline SCO has nowhere
else to grade), so a package is for LMS delivery, not for exams that matter.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import escape
from pathlib import Path

from jinja2 import Environment

from ..content.exchange import option_weights
from ..content.model import Course, Module
from ..content.questions import Question, presentations

RUNTIME = Path(__file__).parent / "scorm12"
SCHEMAS = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
SHARED = ("shared/scorm12.js", "shared/sco.css")
NAMESPACES = (
    'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd '
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    'http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"'
)
# Fixed shuffle: every learner of the package sees the same (shuffled) option order.
SHUFFLE_SEED = 1_2

_PAGE = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    """<!DOCTYPE html>
<html lang="{{ language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="../../shared/sco.css">
<script src="../../shared/scorm12.js" defer></script>
</head>
<body>
<main>
<p class="course">{{ course_title }}</p>
<h1>{{ title }}</h1>
{# Sanitised by the content loader (nh3), as on the site. #}
{{ lesson|safe }}
{% if questions %}
<section class="quiz" aria-labelledby="quiz-title">
<h2 id="quiz-title">Quiz</h2>
<p>Pass mark: {{ pass_mark }}%.</p>
<form id="sco-quiz-form">
{% for q in questions %}
{% set view = order[q.id] %}
{% if q.type in ("single", "multiple") %}
<fieldset id="question-{{ q.id }}"><legend>{{ q.prompt }}</legend>
{% for key in view.order %}
<label class="option"><input type="{{ 'radio' if q.type == 'single' else 'checkbox' }}" name="q-{{ q.id }}" value="{{ key }}"> {{ q.option_text(key) }}</label>
{% endfor %}
</fieldset>
{% elif q.type == "truefalse" %}
<fieldset id="question-{{ q.id }}"><legend>{{ q.prompt }}</legend>
<label class="option"><input type="radio" name="q-{{ q.id }}" value="true"> True</label>
<label class="option"><input type="radio" name="q-{{ q.id }}" value="false"> False</label>
</fieldset>
{% elif q.type == "text" %}
<div class="question" id="question-{{ q.id }}"><label class="prompt" for="q-{{ q.id }}">{{ q.prompt }}</label><br>
<input type="text" id="q-{{ q.id }}" name="q-{{ q.id }}" maxlength="200" autocomplete="off"></div>
{% elif q.type == "matching" %}
<fieldset id="question-{{ q.id }}"><legend>{{ q.prompt }}</legend>
{% for left in view.lefts %}
<div class="matching-row"><label for="q-{{ q.id }}-{{ left }}">{{ q.pairs[left][0] }}</label>
<select id="q-{{ q.id }}-{{ left }}" name="q-{{ q.id }}-{{ left }}"><option value="">Choose…</option>
{% for right in view.rights %}<option value="{{ right }}">{{ q.pairs[right][1] }}</option>{% endfor %}
</select></div>
{% endfor %}
</fieldset>
{% endif %}
{% endfor %}
<p><button type="submit">Check my answers</button></p>
</form>
<p id="sco-result" class="result" role="status" hidden></p>
<script type="application/json" id="sco-quiz">{{ quiz_json|safe }}</script>
</section>
{% endif %}
</main>
</body>
</html>
"""
)


def quiz_key(module: Module) -> dict:
    """What the in-page grader needs: the pass mark and each question's key."""
    questions = []
    for q in module.questions:
        entry: dict = {"id": q.id, "type": q.type}
        if q.type in ("single", "multiple"):
            entry["weights"] = option_weights(q)
        elif q.type == "truefalse":
            entry["truth"] = bool(q.truth)
        elif q.type == "text":
            entry["answers"] = list(q.answers)
        elif q.type == "matching":
            entry["pairs"] = len(q.pairs)
        questions.append(entry)
    return {
        "passMark": module.pass_mark,
        "questions": questions,
        "labels": {"passed": "Passed with %s%%.", "failed": "Not passed yet: %s%%. Read the lesson again and retry."},
    }


def _json_for_script(data: dict) -> str:
    # Inside <script>, "</" would end the element: escape it (and & / < generally).
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _localise_images(html: str, course_slug: str, asset_prefix: str) -> tuple[str, list[str]]:
    """Point lesson images at ``assets/`` inside the package; return the rewritten HTML and the files."""
    prefix = re.escape(escape(f"{asset_prefix}{course_slug}/", quote=True))
    files: list[str] = []

    def rewrite(match: re.Match) -> str:
        files.append(match.group(2))
        return f"{match.group(1)}../../assets/{match.group(2)}"

    return re.sub(rf'(src="){prefix}([^"]+)', rewrite, html), files


def sco_page(course: Course, module: Module, asset_prefix: str = "/learn/assets/") -> tuple[str, list[str]]:
    """The SCO page of one module and the course images it needs."""
    text = module.text_for()
    lesson, images = _localise_images(text.html, course.slug, asset_prefix)
    questions: tuple[Question, ...] = text.questions
    page = _PAGE.render(
        language="en",
        title=text.title,
        course_title=course.title,
        lesson=lesson,
        questions=questions,
        order=presentations(questions, SHUFFLE_SEED),
        pass_mark=module.pass_mark,
        quiz_json=_json_for_script(quiz_key(module)),
    )
    return page, images


def _identifier(prefix: str, slug: str) -> str:
    """An xsd:ID (NCName) from a slug, which may start with a digit."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_.-]', '_', slug)}"


def manifest(course: Course, module_files: dict[str, list[str]]) -> str:
    """``imsmanifest.xml`` for the course: one item and one SCO resource per module."""
    org = _identifier("ORG", course.slug)
    items, resources = [], []
    for module in course.modules:
        item, res = _identifier("ITEM", module.slug), _identifier("RES", module.slug)
        mastery = f"\n        <adlcp:masteryscore>{module.pass_mark}</adlcp:masteryscore>" if module.has_quiz else ""
        items.append(
            f'      <item identifier="{item}" identifierref="{res}" isvisible="true">\n'
            f"        <title>{escape(module.title)}</title>{mastery}\n"
            "      </item>"
        )
        files = "\n".join(f'      <file href="{escape(f, quote=True)}"/>' for f in module_files[module.slug])
        resources.append(
            f'    <resource identifier="{res}" type="webcontent" adlcp:scormtype="sco" '
            f'href="sco/{escape(module.slug, quote=True)}/index.html">\n{files}\n'
            '      <dependency identifierref="RES-shared"/>\n'
            "    </resource>"
        )
    shared = "\n".join(f'      <file href="{f}"/>' for f in SHARED)
    resources.append(
        f'    <resource identifier="RES-shared" type="webcontent" adlcp:scormtype="asset">\n{shared}\n    </resource>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="{_identifier("SMMACADEMY", course.slug)}" version="1.0" {NAMESPACES}>\n'
        "  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>1.2</schemaversion>\n  </metadata>\n"
        f'  <organizations default="{org}">\n'
        f'    <organization identifier="{org}">\n'
        f"      <title>{escape(course.title)}</title>\n" + "\n".join(items) + "\n    </organization>\n"
        "  </organizations>\n"
        "  <resources>\n" + "\n".join(resources) + "\n  </resources>\n"
        "</manifest>\n"
    )


def scorm_package(course: Course, asset_prefix: str = "/learn/assets/") -> bytes:
    """The course as a SCORM 1.2 zip (bytes)."""
    buffer = io.BytesIO()
    module_files: dict[str, list[str]] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for module in course.modules:
            page, images = sco_page(course, module, asset_prefix)
            path = f"sco/{module.slug}/index.html"
            archive.writestr(path, page)
            module_files[module.slug] = [path] + [f"assets/{image}" for image in images]
            for image in images:
                if f"assets/{image}" not in archive.namelist():
                    archive.write(Path(course.path) / image, f"assets/{image}")
        for name in SHARED:
            archive.write(RUNTIME / Path(name).name, name)
        for schema in SCHEMAS:
            archive.write(RUNTIME / schema, schema)
        archive.writestr("imsmanifest.xml", manifest(course, module_files))
    return buffer.getvalue()


def export_scorm(course: Course, target: Path) -> Path:
    """Write ``<course>-scorm12.zip`` into ``target``; return its path."""
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{course.slug}-scorm12.zip"
    path.write_bytes(scorm_package(course))
    return path
