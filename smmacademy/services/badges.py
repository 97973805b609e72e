"""Open Badges for certificates: the issuer key, credentials, status lists, revocation, checks."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..interop import badges
from ..models import Certificate, User
from ..models.base import utcnow

_STATUS_PATH = re.compile(r"badges/status/(\d{1,9})")


def issuer_key() -> Ed25519PrivateKey:
    """The site's signing key, loaded (or generated) once per process."""
    path = current_app.config["BADGE_KEY_FILE"]
    cache = current_app.extensions.setdefault("smmacademy_badge_key", {})
    if path not in cache:
        cache[path] = badges.load_or_create_key(Path(path))
    return cache[path]


def site_urls(request_root: str) -> badges.IssuerUrls:
    """The issuer's public addresses: ``SMMACADEMY_BASE_URL`` when set, else the request's root."""
    root = current_app.config.get("BADGE_BASE_URL") or request_root
    return badges.IssuerUrls(root.rstrip("/") + "/")


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with a verification code (case-insensitive), or None."""
    code = code.strip().upper()[:32]
    return db.session.scalar(select(Certificate).where(Certificate.code == code)) if code else None


def credential_token(certificate: Certificate, urls: badges.IssuerUrls) -> str:
    """The certificate's signed Open Badges 3.0 credential (compact JWT-VC)."""
    facts = badges.CertificateFacts(
        id=certificate.id,
        code=certificate.code,
        course_slug=certificate.course_slug,
        course_title=certificate.course_title,
        holder_name=certificate.holder_name,
        holder_email=certificate.user.email,
        issued_at=certificate.issued_at,
    )
    return badges.sign(badges.build_credential(facts, urls), issuer_key())


def status_list_token(urls: badges.IssuerUrls, number: int) -> str:
    """Status list ``number`` as a signed credential, with every revoked certificate in its range."""
    # Inclusive bounds: the last list ends exactly at PostgreSQL's largest integer.
    first, last = number * badges.LIST_SIZE, (number + 1) * badges.LIST_SIZE - 1
    revoked = db.session.scalars(
        select(Certificate.id).where(Certificate.revoked_at.is_not(None), Certificate.id.between(first, last))
    )
    return badges.status_list_token(urls, number, revoked, issuer_key())


def revoke(certificate: Certificate, admin: User, reason: str) -> bool:
    """Revoke a certificate with a reason; False when it already was."""
    if certificate.revoked_at is not None:
        return False
    certificate.revoked_at = utcnow()
    certificate.revocation_reason = reason.strip()
    certificate.revoked_by_id = admin.id
    db.session.commit()
    return True


def check_token(token: str, urls: badges.IssuerUrls) -> badges.BadgeCheck:
    """Verify a presented JWT-VC against this site's key and status lists."""

    def fetch(url: str) -> bytes:
        # Only this site's own lists are answered, from the database, without a network call.
        match = _STATUS_PATH.fullmatch(url.removeprefix(urls.root)) if url.startswith(urls.root) else None
        if match is None:
            raise ValueError(f"{url} is not a status list of this site")
        return status_list_token(urls, int(match.group(1))).encode()

    return badges.verify(token.strip(), issuer_key(), fetch)


def check_certificate(certificate: Certificate, urls: badges.IssuerUrls) -> badges.BadgeCheck:
    """Issue the certificate's credential and verify it as a third party would (signature, revocation)."""
    return check_token(credential_token(certificate, urls), urls)
