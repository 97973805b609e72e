"""Corporate sign-in against a real OpenID Connect provider on localhost (discovery, JWKS, RS256, PKCE)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from smmacademy.config import _oidc_config
from smmacademy.domain.sso import RoleMapError, parse_role_map, role_for
from smmacademy.extensions import db
from smmacademy.models import User, UserIdentity

from .conftest import login
from .oidc_provider import Provider

CLAIMS = {
    "sub": "u-1001",
    "email": "nina@corp.example",
    "email_verified": True,
    "name": "Nina North",
    "groups": ["smm-leads", "everyone"],
    "department": "PR",
}


@pytest.fixture(scope="module")
def provider():
    server = Provider().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, provider):
    provider.mode, provider.claims = "", dict(CLAIMS)
    return {**app_config, **_oidc_config(provider.env())}


def sign_in_through(client, provider, claims=None, mode=""):
    """Click "Sign in with Corp Directory", let the provider answer, follow it back to the site."""
    provider.claims, provider.mode = {**CLAIMS, **(claims or {})}, mode
    start = client.get("/login/sso/corp?next=/courses")
    assert start.status_code == 302 and start.location.startswith(provider.issuer + "/authorize?")
    query = parse_qs(urlsplit(start.location).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    answer = requests.get(start.location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}"), f"{back.path}?{back.query}"


def test_the_login_page_offers_the_provider(client, make_user):
    make_user("admin")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Corp Directory" in page and 'href="/login/sso/corp' in page


def test_a_new_person_gets_an_account_with_the_mapped_role_and_department(client, provider, make_user):
    make_user("admin")
    response, _callback = sign_in_through(client, provider)
    assert response.status_code == 302 and response.location == "/courses"
    user = db.session.scalar(User.by_email("nina@corp.example"))
    assert (user.full_name, user.role, user.department_name, user.password_hash) == ("Nina North", "manager", "PR", "")
    identity = db.session.scalar(select(UserIdentity))
    assert (identity.issuer, identity.subject, identity.managed) == (provider.issuer, "u-1001", True)
    assert client.get("/team/").status_code == 200  # signed in, as a manager

    # The directory is the source of truth for accounts it created: the next sign-in follows it.
    client.post("/logout")
    sign_in_through(client, provider, {"groups": ["everyone"], "department": "Marketing"})
    db.session.refresh(user)
    assert (user.role, user.department_name) == ("learner", "Marketing")
    assert db.session.scalar(select(db.func.count(User.id)).where(User.email == "nina@corp.example")) == 1


def test_groups_never_give_more_than_the_mapping_says(client, provider, make_user):
    make_user("admin")
    sign_in_through(client, provider, {"groups": ["domain-admins", "Admins", "root"], "department": "Nowhere"})
    user = db.session.scalar(User.by_email("nina@corp.example"))
    assert user.role == "learner" and user.department is None
    assert role_for(["smm-leads", "it-admins"], parse_role_map("smm-leads=manager,it-admins=admin")) == "admin"
    assert role_for("people-team", {"people-team": "hr"}) == "hr"
    with pytest.raises(RoleMapError):
        parse_role_map("smm-leads=superuser")


def test_an_existing_account_is_linked_by_verified_email_only(client, provider, make_user):
    make_user("admin")
    existing = make_user("hr", email="nina@corp.example", full_name="Nina Existing", department="HR")
    refused, _callback = sign_in_through(client, provider, {"email_verified": False})
    assert refused.status_code == 403
    assert "did not confirm that the address is yours" in refused.get_data(as_text=True)
    assert db.session.scalar(select(UserIdentity)) is None
    # "true" as a string is not a verified address either.
    assert sign_in_through(client, provider, {"email_verified": "true"})[0].status_code == 403

    linked, _callback = sign_in_through(client, provider)
    assert linked.status_code == 302
    identity = db.session.scalar(select(UserIdentity))
    assert identity.user_id == existing.id and identity.managed is False
    db.session.refresh(existing)
    # A linked account keeps what the administrator gave it.
    assert (existing.role, existing.department_name) == ("hr", "HR")


def test_local_passwords_can_be_switched_off_for_directory_users(app, client, provider, make_user):
    make_user("admin")
    person = make_user("learner", email="nina@corp.example")
    sign_in_through(client, provider)
    client.post("/logout")
    assert login(client, person).status_code == 302  # still allowed by default
    client.post("/logout")
    app.config["OIDC_LOCAL_PASSWORDS"] = False
    assert login(client, person).status_code == 401
    assert sign_in_through(client, provider)[0].status_code == 302


def test_a_deactivated_account_is_refused(client, provider, make_user):
    make_user("admin")
    make_user("learner", email="nina@corp.example").active = False
    db.session.commit()
    response, _callback = sign_in_through(client, provider)
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize("mode", ["bad_signature", "wrong_audience", "expired"])
def test_a_token_that_fails_verification_is_refused_with_a_clear_page(client, provider, make_user, mode):
    make_user("admin")
    response, _callback = sign_in_through(client, provider, mode=mode)
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "Sign-in refused" in page and "could not be verified" in page
    assert db.session.scalar(User.by_email("nina@corp.example")) is None
    assert client.get("/home").status_code == 302  # not signed in


def test_a_replayed_nonce_and_a_replayed_callback_are_refused(client, provider, make_user):
    make_user("admin")
    first, callback = sign_in_through(client, provider)
    assert first.status_code == 302
    client.post("/logout")
    # The provider hands back an ID token minted for the earlier sign-in (its nonce).
    replayed, _ = sign_in_through(client, provider, mode="replay_nonce")
    assert replayed.status_code == 401 and "Sign-in refused" in replayed.get_data(as_text=True)
    # Opening the first callback URL again: its state was used up.
    again = client.get(callback)
    assert again.status_code == 401 and "Sign-in refused" in again.get_data(as_text=True)


def test_unknown_provider_is_404_and_settings_come_from_the_environment(client, make_user):
    assert client.get("/login/sso/elsewhere").status_code == 404
    config = _oidc_config(
        {
            "SMMACADEMY_OIDC_PROVIDERS": "corp, google",
            "SMMACADEMY_OIDC_GOOGLE_DISCOVERY_URL": "https://accounts.example/.well-known/openid-configuration",
            "SMMACADEMY_OIDC_GOOGLE_NAME": "Google Workspace",
            "SMMACADEMY_OIDC_GOOGLE_CREATE_ACCOUNTS": "0",
            "SMMACADEMY_OIDC_LOCAL_PASSWORDS": "off",
        }
    )
    assert list(config["OIDC_PROVIDERS"]) == ["corp", "google"]
    google = config["OIDC_PROVIDERS"]["google"]
    assert (google["name"], google["create_accounts"], google["groups_claim"]) == ("Google Workspace", False, "groups")
    assert config["OIDC_LOCAL_PASSWORDS"] is False


def test_without_account_creation_an_unknown_person_is_refused(app, client, provider, make_user):
    make_user("admin")
    app.config["OIDC_PROVIDERS"]["corp"]["create_accounts"] = False
    response, _callback = sign_in_through(client, provider)
    assert response.status_code == 403 and "There is no account for nina@corp.example" in response.get_data(
        as_text=True
    )
