"""SCORM 1.2 export: a valid manifest (ADL's schemas), one SCO per module, the runtime inside the zip."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from smmacademy.content.catalog import load_catalog
from smmacademy.interop.scorm import scorm_package

from .conftest import REAL_COURSES, login

XSD_DIR = Path(__file__).parent / "scorm12_xsd"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"


class _ImsXmlResolver(etree.Resolver):
    """Serves ADL's ims_xml.xsd without its default-namespace binding to the xml namespace.

    The file declares ``xmlns="http://www.w3.org/XML/1998/namespace"``, which Namespaces in
    XML forbids and libxml2 rejects; the declaration is unused (every reference is
    prefixed), so dropping it changes no definition. The other three schemas load as shipped.
    """

    def resolve(self, url, pubid, context):
        if url.endswith("ims_xml.xsd"):
            text = (XSD_DIR / "ims_xml.xsd").read_text(encoding="utf-8")
            return self.resolve_string(text.replace('xmlns="http://www.w3.org/XML/1998/namespace"', ""), context)
        return None


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser()
    parser.resolvers.add(_ImsXmlResolver())
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "scorm12_manifest.xsd"), parser))


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_cli_writes_a_package_whose_manifest_validates(runner, tmp_path, schema):
    result = runner.invoke(args=["courses", "export-scorm", "basics", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 SCO(s)" in result.output
    archive = zipfile.ZipFile(tmp_path / "basics-scorm12.zip")
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    schema.assertValid(manifest)
    assert manifest.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"
    # No IMS metadata records: the driver schema does not load imsmd (see scorm12_xsd/README.md).
    assert not manifest.xpath("//*[namespace-uri()='http://www.imsglobal.org/xsd/imsmd_rootv1p2p1']")
    items = manifest.findall(f"{CP}organizations/{CP}organization/{CP}item")
    assert [i.findtext(f"{CP}title") for i in items] == ["Introduction to the roles", "Further reading"]
    assert items[0].findtext(f"{ADLCP}masteryscore") == "80"
    scos = [r for r in manifest.iter(f"{CP}resource") if r.get(f"{ADLCP}scormtype") == "sco"]
    assert [r.get("href") for r in scos] == ["sco/intro/index.html", "sco/reading/index.html"]
    # The schemas do reject what SCORM 1.2 does not allow.
    broken = etree.fromstring(archive.read("imsmanifest.xml"))
    broken.find(f"{CP}resources/{CP}resource").set(f"{ADLCP}scormtype", "lesson")
    assert not schema.validate(broken)
    assert "scormtype" in str(schema.error_log.last_error)
    # Every file the manifest names is in the zip, and the runtime ships inside it (no CDN).
    named = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert named <= set(archive.namelist())
    assert {"shared/scorm12.js", "shared/sco.css", "imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd"} <= named | set(
        archive.namelist()
    )
    page = archive.read("sco/intro/index.html").decode()
    assert 'src="../../shared/scorm12.js"' in page and "http" not in page.split("<main>")[0]


def test_unknown_course_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["courses", "export-scorm", "nope", str(tmp_path)])
    assert result.exit_code != 0 and "No course 'nope'" in result.output


def test_bundled_schemas_are_adls_originals():
    archive = _zip(scorm_package(load_catalog(REAL_COURSES).courses[next(iter(load_catalog(REAL_COURSES).courses))]))
    for name in ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"):
        assert archive.read(name) == (XSD_DIR / name).read_bytes()


def test_every_real_course_exports_a_valid_package_with_every_question(schema):
    catalog = load_catalog(REAL_COURSES)
    for course in catalog.courses.values():
        archive = _zip(scorm_package(course))
        schema.assertValid(etree.fromstring(archive.read("imsmanifest.xml")))
        for module in course.modules:
            page = archive.read(f"sco/{module.slug}/index.html").decode()
            if module.has_quiz:
                key = page.split('<script type="application/json" id="sco-quiz">')[1].split("</script>")[0]
                assert [q["id"] for q in json.loads(key)["questions"]] == [q.id for q in module.questions]
                assert json.loads(key)["passMark"] == module.pass_mark


def test_quiz_key_cannot_close_its_script_element():
    from smmacademy.interop.scorm import _json_for_script

    text = _json_for_script({"answers": ["</script><script>alert(1)</script>"]})
    assert "</" not in text and json.loads(text)["answers"][0].startswith("</script>")


def test_admin_downloads_the_package_from_the_course_page(app, client, make_user):
    login(client, make_user("admin"))
    assert "/admin/courses/basics/scorm12.zip" in client.get("/courses/basics").get_data(as_text=True)
    response = client.get("/admin/courses/basics/scorm12.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "imsmanifest.xml" in _zip(response.data).namelist()
    assert client.get("/admin/courses/nope/scorm12.zip").status_code == 404
