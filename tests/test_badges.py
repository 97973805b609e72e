"""Open Badges 3.0: certificates as signed JWT-VCs, public issuer documents, revocation, verification."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from openbadgeslib.ob3.did import multikey_from_pem

from smmacademy import create_app
from smmacademy.extensions import db
from smmacademy.interop.badges import public_pem
from smmacademy.models import Certificate
from smmacademy.services import badges

from .conftest import PASSWORD, csrf_token, login

ROOT = "http://localhost/"


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@pytest.fixture
def issued(app, client, make_user):
    """A learner with a certificate, signed in."""
    owner = make_user("learner", full_name="Olga Owner")
    certificate = Certificate(
        code="C0FFEE12", user_id=owner.id, course_slug="basics", course_title="Basics", holder_name="Olga Owner"
    )
    db.session.add(certificate)
    db.session.commit()
    login(client, owner)
    return owner, certificate


def _download(client, code: str = "C0FFEE12") -> str:
    response = client.get(f"/certificates/{code}/badge.jwt")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def _published_key(client) -> Ed25519PublicKey:
    """The issuer's public key as a third party gets it: from the published JWKS."""
    jwk = client.get("/badges/issuer/jwks.json").get_json()["keys"][0]
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("OKP", "Ed25519", "EdDSA")
    return Ed25519PublicKey.from_public_bytes(_b64(jwk["x"]))


def _verifier(client) -> OB3Verifier:
    return OB3Verifier(public_pem_of(_published_key(client)))


def public_pem_of(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _fetch_with(client):
    """A status-list fetcher that asks the site over HTTP (the test client), like a wallet would."""

    def fetch(url: str) -> bytes:
        response = client.get(url.removeprefix(ROOT.rstrip("/")))
        assert response.status_code == 200
        return response.data

    return fetch


def test_downloaded_badge_is_an_ob3_credential_signed_with_the_published_key(client, issued):
    token = _download(client)
    header, payload, signature = token.split(".")
    assert json.loads(_b64(header))["alg"] == "EdDSA"
    # Independent of the library: the EdDSA signature over "header.payload" checks with the JWKS key.
    _published_key(client).verify(_b64(signature), f"{header}.{payload}".encode())
    claims = json.loads(_b64(payload))
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["issuer"]["id"] == claims["iss"] == f"{ROOT}badges/issuer"
    assert claims["credentialSubject"]["achievement"]["name"] == "Basics"
    assert {"type": "IdentityObject", "hashed": False, "identityHash": "Olga Owner", "identityType": "name"} in claims[
        "credentialSubject"
    ]["identifier"]
    assert claims["credentialStatus"]["statusListCredential"] == f"{ROOT}badges/status/0"

    credential = _verifier(client).verify(token, check_status=True, download=_fetch_with(client))
    assert credential.achievement.name == "Basics"


def test_a_tampered_badge_fails_verification(client, issued):
    token = _download(client)
    header, payload, signature = token.split(".")
    claims = json.loads(_b64(payload))
    claims["credentialSubject"]["achievement"]["name"] = "Advanced"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    tampered = f"{header}.{forged}.{signature}"
    with pytest.raises(InvalidSignature):
        _published_key(client).verify(_b64(signature), f"{header}.{forged}".encode())
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        _verifier(client).verify(tampered)
    page = client.post("/verify/badge", data={"token": tampered}).get_data(as_text=True)
    assert "This is not a genuine SMM Academy credential" in page


def _admin_client(app, make_user):
    admin = make_user("admin")
    other = app.test_client()
    login(other, admin)
    return admin, other


def test_revoked_badge_reports_revoked_everywhere(app, client, issued, make_user):
    owner, certificate = issued
    token = _download(client)
    assert "is genuine" in client.post("/verify/badge", data={"token": token}).get_data(as_text=True)

    admin, admin_client = _admin_client(app, make_user)
    response = admin_client.post(f"/admin/certificates/{certificate.code}/revoke", data={"reason": "Exam fraud"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "Exam fraud" and certificate.revoked_by_id == admin.id

    with pytest.raises(OB3VerificationError, match="'revocation' is set at index"):
        _verifier(client).verify(token, check_status=True, download=_fetch_with(client))
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Revoked: the certificate C0FFEE12 was withdrawn" in page and "Exam fraud" in page
    assert "has been revoked. It no longer certifies anything." in page
    assert "has been revoked" in client.post("/verify/badge", data={"token": token}).get_data(as_text=True)
    # Revoking twice changes nothing.
    admin_client.post(f"/admin/certificates/{certificate.code}/revoke", data={"reason": "Again"})
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "Exam fraud"


def test_revoking_needs_a_reason(app, issued, make_user):
    _, certificate = issued
    _, admin_client = _admin_client(app, make_user)
    response = admin_client.post(f"/admin/certificates/{certificate.code}/revoke", data={"reason": ""})
    assert response.status_code == 400 and "Give a reason for revoking the certificate." in response.get_data(
        as_text=True
    )
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_verify_page_checks_the_credential_in_plain_words(client, issued):
    page = client.get("/verify/c0ffee12").get_data(as_text=True)
    assert "Valid: Olga Owner completed" in page
    assert "The Open Badges credential is genuine" in page


def test_certificate_page_offers_the_badge_and_only_admins_the_revoke_form(app, client, issued, make_user):
    page = client.get("/certificates/C0FFEE12").get_data(as_text=True)
    assert "/certificates/C0FFEE12/badge.jwt" in page and "/certificates/C0FFEE12/badge.json" in page
    assert "Revoke certificate" not in page
    _, admin_client = _admin_client(app, make_user)
    assert "Revoke certificate" in admin_client.get("/certificates/C0FFEE12").get_data(as_text=True)


def test_json_download_envelopes_the_same_signed_credential(client, issued):
    token = _download(client)
    document = client.get("/certificates/C0FFEE12/badge.json").get_json(force=True)
    assert document["type"] == "EnvelopedVerifiableCredential"
    assert document["id"] == f"data:application/vc+jwt,{token}"


def test_issuer_profile_publishes_the_key_as_multikey(client, app):
    profile = client.get("/badges/issuer").get_json(force=True)
    assert profile["id"] == f"{ROOT}badges/issuer" and profile["type"] == ["Profile"]
    method = profile["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["publicKeyMultibase"] == multikey_from_pem(public_pem_of(_published_key(client)))


def test_issuer_key_is_generated_once_and_kept_private(app, app_config, tmp_path):
    key = badges.issuer_key()
    path = tmp_path / "badge_key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = create_app(app_config)
    with again.app_context():
        assert public_pem(badges.issuer_key()) == public_pem(key)


def test_configured_base_url_names_the_issuer(app, client, issued):
    app.config["BADGE_BASE_URL"] = "https://academy.example.com"
    claims = json.loads(_b64(_download(client).split(".")[1]))
    assert claims["iss"] == "https://academy.example.com/badges/issuer"


def test_pasting_nothing_is_a_clear_400(client):
    response = client.post("/verify/badge", data={"token": ""})
    assert response.status_code == 400 and "Paste a credential" in response.get_data(as_text=True)


def test_status_lists_past_the_largest_id_are_not_found(client):
    assert client.get("/badges/status/16383").status_code == 200
    assert client.get("/badges/status/99999999999").status_code == 404


def test_revoking_takes_the_csrf_token_of_the_certificate_page(app_config, make_user):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    admin = make_user("admin")
    certificate = Certificate(
        code="CAFE0001", user_id=admin.id, course_slug="basics", course_title="B", holder_name="A"
    )
    db.session.add(certificate)
    db.session.commit()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_token(login_page)})
    url = "/admin/certificates/CAFE0001/revoke"
    assert client.post(url, data={"reason": "Forged"}).status_code == 400
    db.session.refresh(certificate)
    assert certificate.revoked_at is None
    token = csrf_token(client.get("/certificates/CAFE0001").get_data(as_text=True))
    assert client.post(url, data={"reason": "Forged", "csrf_token": token}).status_code == 302
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "Forged"
