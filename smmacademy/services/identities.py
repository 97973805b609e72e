"""Corporate sign-in (OpenID Connect): find, link or create the account an ID token names.

The token itself (signature, issuer, audience, expiry, nonce) is checked by
Authlib in the ``sso`` blueprint before anything here runs; this module only
applies the site's rules to claims that are already trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..domain.sso import parse_role_map, role_for
from ..extensions import db
from ..models import User, UserIdentity
from ..models.base import utcnow
from . import accounts


class SignInRefused(Exception):
    """The provider vouched for someone this site will not sign in; the message says why."""


@dataclass(frozen=True)
class Claims:
    """The claims of a verified ID token that matter here."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    groups: tuple
    department: str

    @classmethod
    def from_token(cls, claims: dict, settings: dict) -> Claims:
        groups = claims.get(settings["groups_claim"]) or ()
        return cls(
            issuer=str(claims.get("iss", "")),
            subject=str(claims.get("sub", "")),
            email=User.normalise_email(str(claims.get("email") or "")),
            # Only a real boolean true counts: "true" strings and absent claims do not.
            email_verified=claims.get("email_verified") is True,
            name=str(claims.get("name") or claims.get("preferred_username") or "").strip(),
            groups=tuple(groups) if isinstance(groups, list | tuple) else (groups,),
            department=str(claims.get(settings["department_claim"]) or "").strip(),
        )


def password_allowed(user: User) -> bool:
    """False for people linked to a provider when local passwords are switched off for them."""
    if current_app.config.get("OIDC_LOCAL_PASSWORDS", True) or user.id is None:
        return True
    return db.session.scalar(UserIdentity.exists_for(user.id)) is None


def _apply_directory(user: User, claims: Claims, settings: dict) -> None:
    """Role and department from the claims (an account the provider created follows the directory)."""
    role = role_for(claims.groups, parse_role_map(settings["role_map"]))
    keeps_last_admin = user.role == "admin" and role != "admin" and accounts.count_active_admins() <= 1
    if not keeps_last_admin:
        user.role = role
    department = accounts.department_by_name_or_key(claims.department)
    if department is not None:
        user.department = department


def _new_account(claims: Claims, settings: dict) -> User:
    if not settings["create_accounts"]:
        raise SignInRefused(_("There is no account for %(email)s here. Ask your administrator.", email=claims.email))
    user = accounts.create_user(claims.email, claims.name or claims.email, commit=False)
    _apply_directory(user, claims, settings)
    return user


def sign_in(provider: str, settings: dict, token_claims: dict) -> User:
    """The active account for verified ID-token claims: linked, found by VERIFIED email, or created."""
    claims = Claims.from_token(token_claims, settings)
    if not claims.issuer or not claims.subject:
        raise SignInRefused(_("The identity provider's answer names no issuer or subject."))
    identity = db.session.scalar(UserIdentity.lookup(claims.issuer, claims.subject))
    if identity is None:
        if not claims.email:
            raise SignInRefused(_("The identity provider did not share your email address."))
        user = db.session.scalar(User.by_email(claims.email))
        if user is not None and not claims.email_verified:
            raise SignInRefused(
                _(
                    "An account with the address %(email)s exists, but the identity provider did not confirm "
                    "that the address is yours, so the two cannot be linked.",
                    email=claims.email,
                )
            )
        managed = user is None
        if user is None:
            try:
                user = _new_account(claims, settings)
            except accounts.AccountError as error:
                raise SignInRefused(str(error)) from None
        identity = UserIdentity(
            user=user, provider=provider, issuer=claims.issuer, subject=claims.subject, managed=managed
        )
        db.session.add(identity)
    elif identity.managed:
        _apply_directory(identity.user, claims, settings)
    if not identity.user.active:
        db.session.rollback()
        raise SignInRefused(_("Your account is deactivated. Ask your administrator."))
    identity.last_login_at = identity.user.last_login_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        # The same person's first sign-in in two tabs at once: the other one linked it.
        db.session.rollback()
        identity = db.session.scalar(UserIdentity.lookup(claims.issuer, claims.subject))
        if identity is None:
            raise
    return identity.user
