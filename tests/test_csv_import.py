"""The employee CSV import reads every real-world CSV correctly or explains, per row, why not."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from smmacademy.extensions import db
from smmacademy.models import User

HEADER = "email,full_name,department,job_title,role,manager_email"


@pytest.fixture
def admin(login_as):
    return login_as("admin", full_name="Ada Admin")


def upload(client, data: bytes | str):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(raw), "staff.csv")},
        content_type="multipart/form-data",
    )


def confirm(client, preview):
    """Send the preview's hidden payload back, as the "Import" button does."""
    payload = preview.get_data(as_text=True).split('name="payload" type="hidden" value="')[1].split('"')[0]
    return client.post("/admin/import/confirm", data={"payload": html.unescape(payload)})


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def row_errors(response, line: int) -> str:
    """The text of the preview table row for CSV line ``line``."""
    page = response.get_data(as_text=True)
    match = re.search(rf"<tr[^>]*>\s*<td>{line}</td>(.*?)</tr>", page, re.S)
    assert match, f"no preview row for line {line}"
    return html.unescape(match.group(1))


ROWS = [
    "boss@example.com,Bea Boss,Marketing,Head,manager,",
    "ann@example.com,Ann Ames,marketing,Writer,learner,boss@example.com",
]


@pytest.mark.parametrize(
    ("name", "ending", "bom"),
    [
        ("CR only (old Excel for Mac)", "\r", False),
        ("CRLF (Windows)", "\r\n", False),
        ("LF", "\n", False),
        ("CRLF with a byte-order mark", "\r\n", True),
        ("CR only with a byte-order mark", "\r", True),
    ],
)
def test_any_line_ending_with_or_without_bom_is_read(client, admin, name, ending, bom):
    text = ending.join([HEADER, *ROWS]) + ending
    data = ("\ufeff" + text if bom else text).encode("utf-8")
    preview = upload(client, data)
    assert preview.status_code == 200, name
    assert b"2 employees are ready to import." in preview.data
    done = confirm(client, preview)
    assert b"Imported 2 employees." in done.data
    ann = db.session.scalar(User.by_email("ann@example.com"))
    assert (ann.full_name, ann.job_title, ann.manager.email) == ("Ann Ames", "Writer", "boss@example.com")


def test_doubled_quotes_are_imported_exactly(client, admin):
    text = HEADER + "\r" + 'anna@example.com,"Anna ""Annie"" Smith",PR,"Head of ""Social"", EMEA",,\r'
    preview = upload(client, text)
    assert preview.status_code == 200
    assert 'Anna "Annie" Smith' in row_errors(preview, 2)
    assert b"Imported 1 employee." in confirm(client, preview).data
    anna = db.session.scalar(User.by_email("anna@example.com"))
    assert anna.full_name == 'Anna "Annie" Smith'
    assert anna.job_title == 'Head of "Social", EMEA'


def test_semicolon_files_from_european_excel_are_read_with_quotes(client, admin):
    text = "email;full_name;department;job_title;role;manager_email\n" + 'eu@example.com;"Dupont; Jean";PR;;;\n'
    preview = upload(client, text)
    assert preview.status_code == 200
    confirm(client, preview)
    assert db.session.scalar(User.by_email("eu@example.com")).full_name == "Dupont; Jean"


def test_a_line_break_inside_a_quoted_name_is_refused_like_the_form_does(client, admin):
    preview = upload(client, HEADER + '\nmulti@example.com,"Anna\nSmith",PR,,,\n')
    assert preview.status_code == 400
    assert "full_name contains an invisible control character (U+000A)" in row_errors(preview, 3)


def test_a_5000_character_name_is_refused_in_the_preview_with_its_row(client, admin):
    long_name = "A" * 5000
    text = "\n".join([HEADER, ROWS[0], f"long@example.com,{long_name},PR,,,", ""])
    preview = upload(client, text)
    assert preview.status_code == 400
    assert "full_name is too long: 5000 characters, at most 200" in row_errors(preview, 3)
    assert row_errors(preview, 2).count("error") == 0  # the good row is shown without errors
    assert "Import these employees" not in preview.get_data(as_text=True)
    assert user_count() == 1


def test_the_import_limits_are_the_user_forms_limits(client, admin):
    # 200 characters is exactly what the form and the column take; 201 is one too many.
    fits, too_long = "B" * 200, "C" * 201
    title = "T" * 201
    text = "\n".join([HEADER, f"fits@example.com,{fits},PR,,,", f"long@example.com,{too_long},PR,{title},,", ""])
    preview = upload(client, text)
    assert "error" not in row_errors(preview, 2)
    errors = row_errors(preview, 3)
    assert "full_name is too long: 201 characters, at most 200" in errors
    assert "job_title is too long: 201 characters, at most 200" in errors
    form = client.post("/admin/users/new", data={"full_name": too_long, "email": "form@example.com", "role": "learner"})
    assert form.status_code == 400 and b"200 characters" in form.data


def test_a_nul_byte_is_refused_and_nothing_is_stored(client, admin):
    text = HEADER + "\nnul@example.com,Nul\x00Person,PR,,,\nok@example.com,Ok Person,PR,Wri\x01ter,,\n"
    preview = upload(client, text)
    assert preview.status_code == 400
    assert "full_name contains an invisible control character (U+0000)" in row_errors(preview, 2)
    assert "job_title contains an invisible control character (U+0001)" in row_errors(preview, 3)
    # A hand-made confirm request with the same data is validated again.
    again = client.post("/admin/import/confirm", data={"payload": text})
    assert again.status_code == 400
    assert user_count() == 1


def test_a_stray_quote_is_explained_with_its_line_and_nothing_is_imported(client, admin):
    text = "\n".join([HEADER, ROWS[0], 'bad@example.com,"Anna "Annie" Smith",PR,,,', ""])
    preview = upload(client, text)
    assert preview.status_code == 400
    page = html.unescape(preview.get_data(as_text=True))
    assert "Line 3 cannot be read as CSV" in page
    assert "a quote inside a quoted value is written twice" in page
    assert user_count() == 1


def test_an_unclosed_quote_is_explained(client, admin):
    preview = upload(client, HEADER + '\nopen@example.com,"Anna Smith,PR,,,\n')
    assert preview.status_code == 400
    assert "cannot be read as CSV" in html.unescape(preview.get_data(as_text=True))


def test_extra_values_are_reported_instead_of_dropped(client, admin):
    preview = upload(client, HEADER + "\nextra@example.com,Smith, Anna,PR,Writer,learner,\n")
    assert preview.status_code == 400
    assert "7 values but the header has 6 columns; put quotes around a value that contains a ','" in row_errors(
        preview, 2
    )


def test_trailing_empty_columns_from_spreadsheets_are_fine(client, admin):
    preview = upload(client, HEADER + ",,\ntrail@example.com,Trail Person,PR,,,,,\n")
    assert preview.status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"email,full_name\n\x81\x98\x00", "neither UTF-8 nor Windows-1251 (Cyrillic) text (unreadable from byte 17)"),
        ("email;full_name\n".encode("utf-16"), "The file is UTF-16"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb2", "This is an Excel workbook (.xlsx), not a CSV file"),
        (b"", "Missing column(s)"),
        (b"\x00\x00\x00", "Missing column(s)"),
        ((HEADER + "\n").encode(), "The file has a header but no employees."),
    ],
)
def test_unreadable_files_get_a_clear_message(client, admin, data, message):
    preview = upload(client, data)
    assert preview.status_code == 400
    assert message in html.unescape(preview.get_data(as_text=True))
    assert user_count() == 1


RUSSIAN_ROWS = [
    "email;full_name;department;job_title;role;manager_email",
    "boss@example.com;Пётр Ёлкин;Маркетинг;Руководитель;manager;",
    'olga@example.com;"Ольга Щукина; старший";pr;"Контент; SMM, тексты";;boss@example.com',
]


def test_excel_cp1251_with_semicolons_and_quoted_separators_is_read_and_said(client, admin):
    from smmacademy.models import Department

    marketing = db.session.scalar(select(Department).where(Department.key == "marketing"))
    marketing.name = "Маркетинг"
    db.session.commit()
    data = "\r\n".join(RUSSIAN_ROWS).encode("cp1251")
    assert data.decode("cp1251").encode("cp1251") == data and b"\xcf\xb8\xf2\xf0" in data  # "Пётр" in real cp1251
    preview = upload(client, data)
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200, page
    assert "Read as Windows-1251 (Cyrillic), values separated by semicolons." in page
    assert "2 employees are ready to import." in page
    done = confirm(client, preview)
    assert b"Imported 2 employees." in done.data
    boss = db.session.scalar(User.by_email("boss@example.com"))
    olga = db.session.scalar(User.by_email("olga@example.com"))
    assert (boss.full_name, boss.department.key, boss.job_title) == ("Пётр Ёлкин", "marketing", "Руководитель")
    assert (olga.full_name, olga.department.key, olga.job_title, olga.manager_id) == (
        "Ольга Щукина; старший",
        "pr",
        "Контент; SMM, тексты",
        boss.id,
    )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ("\ufeff" + "\n".join(RUSSIAN_ROWS), "Read as UTF-8 (with a byte-order mark), values separated by semicolons."),
        ("\n".join(RUSSIAN_ROWS), "Read as UTF-8, values separated by semicolons."),
        (HEADER + "\n" + ROWS[0], "Read as UTF-8, values separated by commas."),
        (HEADER.replace(",", "\t") + "\n" + ROWS[0].replace(",", "\t"), "Read as UTF-8, values separated by tabs."),
    ],
)
def test_preview_says_which_encoding_and_separator_were_detected(client, admin, data, said):
    preview = upload(client, data.encode("utf-8"))
    assert said in html.unescape(preview.get_data(as_text=True))


@pytest.mark.parametrize(
    "data",
    [
        "email,full_name,department,job_title,role,manager_email\nj@example.com,José Müller,PR,Café,,\n".encode(
            "latin-1"
        ),
        b"email;full_name\n" + bytes(range(128, 256)),
    ],
    ids=["latin-1 accents", "binary"],
)
def test_a_file_that_is_neither_utf8_nor_cp1251_is_refused_clearly_and_nothing_changes(client, admin, data):
    preview = upload(client, data)
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 400
    assert "neither UTF-8 nor Windows-1251 (Cyrillic) text" in page and "Nothing was imported." in page
    assert "Read as" not in page and 'name="payload"' not in page  # no guess is offered for import
    assert user_count() == 1


def test_template_has_stable_columns_and_an_example_in_the_persons_language(client, admin):
    english = client.get("/admin/import/template.csv", headers={"Accept-Language": "en"})
    assert english.status_code == 200 and english.mimetype == "text/csv"
    assert english.data.decode("utf-8") == (
        "\ufeffemail,full_name,department,job_title,role,manager_email\r\n"
        "anna.smith@example.com,Anna Smith,Marketing,SMM specialist,learner,\r\n"
    )
    russian = client.get("/admin/import/template.csv", headers={"Accept-Language": "ru"})
    text = russian.data.decode("utf-8")
    assert text.startswith("\ufeffemail;full_name;department;job_title;role;manager_email\r\n")
    assert "Анна Смирнова" in text and "SMM-специалист" in text
    # The template itself imports as it is.
    preview = upload(client, russian.data)
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200 and "1 employee is ready to import." in page


def test_import_page_links_the_template(client, admin):
    page = client.get("/admin/import").get_data(as_text=True)
    assert 'action="/admin/import/template.csv"' in page and "Download the template" in page


def test_russian_preview_says_how_the_file_was_read_in_russian(client, admin):
    response = client.post(
        "/admin/import",
        data={"file": (io.BytesIO("\r\n".join(RUSSIAN_ROWS).encode("cp1251")), "staff.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "ru"},
    )
    page = html.unescape(response.get_data(as_text=True))
    assert "Файл прочитан в кодировке Windows-1251 (кириллица), значения разделены точками с запятой." in page
