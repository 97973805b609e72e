"""Open Badges 3.0 credentials for certificates: build, sign (JWT-VC, EdDSA), revoke, verify.

Built on ``openbadgeslib``'s OB 3.0 track (credential model, signer, Bitstring
Status List, verifier), so what we issue is checked by the same code a third
party would run. Flask-free: URLs, keys and data come in as arguments.

Revocation uses one W3C Bitstring Status List per :data:`LIST_SIZE` certificates:
certificate ``id`` N has bit ``N % LIST_SIZE`` of list ``N // LIST_SIZE``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openbadgeslib.errors import LibOpenBadgesException
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3Verifier,
    OpenBadgeCredential,
    build_status_list_credential,
    multikey_from_pem,
    sign_status_list_credential,
    status_entry,
)
from openbadgeslib.ob3.credential import OB3_CONTEXT

ALGORITHM = "EdDSA"
LIST_SIZE = 131072  # the W3C minimum: a list's population hides in a large set
LIST_VALIDITY = timedelta(days=1)  # a replayed old list stops verifying after this
ISSUER_NAME = "SMM Academy"


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The issuer's Ed25519 key from a PEM file, generated once (owner-only) when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half of ``key`` as PEM."""
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class IssuerUrls:
    """The stable public addresses of one site's issuer (all derived from the site root)."""

    root: str  # "https://academy.example.com/" (with the trailing slash)

    @property
    def profile(self) -> str:
        return f"{self.root}badges/issuer"

    @property
    def jwks(self) -> str:
        return f"{self.root}badges/issuer/jwks.json"

    @property
    def key_id(self) -> str:
        return f"{self.profile}#key-1"

    def status_list(self, number: int) -> str:
        return f"{self.root}badges/status/{number}"

    def achievement(self, course_slug: str) -> str:
        return f"{self.root}courses/{course_slug}"

    def verify(self, code: str) -> str:
        return f"{self.root}verify/{code}"


@dataclass(frozen=True)
class CertificateFacts:
    """What a credential says about one certificate (a plain snapshot of the row)."""

    id: int
    code: str
    course_slug: str
    course_title: str
    holder_name: str
    holder_email: str
    issued_at: datetime


def status_position(certificate_id: int) -> tuple[int, int]:
    """(status list number, bit index) of a certificate."""
    return divmod(certificate_id, LIST_SIZE)


def issuer(urls: IssuerUrls) -> Issuer:
    """The issuer object embedded in every credential."""
    return Issuer(id=urls.profile, name=ISSUER_NAME, url=urls.root)


def issuer_profile(urls: IssuerUrls, key: Ed25519PrivateKey) -> dict:
    """The public Profile document, with the signing key as a Multikey verification method."""
    profile = {"@context": OB3_CONTEXT, **issuer(urls).to_dict()}
    profile["verificationMethod"] = [
        {
            "id": urls.key_id,
            "type": "Multikey",
            "controller": urls.profile,
            "publicKeyMultibase": multikey_from_pem(public_pem(key)),
        }
    ]
    profile["jwks_uri"] = urls.jwks
    return profile


def public_jwk(key: Ed25519PrivateKey) -> dict:
    """The issuer's public key as a JWK (OKP, Ed25519)."""
    from jwt.algorithms import OKPAlgorithm

    jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "use": "sig", "alg": ALGORITHM}


def build_credential(facts: CertificateFacts, urls: IssuerUrls) -> OpenBadgeCredential:
    """The OB 3.0 credential of a certificate (deterministic: the same row gives the same credential)."""
    number, index = status_position(facts.id)
    achievement = Achievement(
        id=urls.achievement(facts.course_slug),
        name=facts.course_title,
        description=f"Completed every module of the SMM Academy course “{facts.course_title}”.",
        criteria_narrative="Pass the quiz of every required module of the course (or read it, where it has none).",
        achievement_type="Certificate",
    )
    return OpenBadgeCredential(
        id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, urls.verify(facts.code))}",
        issuer=issuer(urls),
        recipient_id=None,
        achievement=achievement,
        name=f"{facts.course_title} — {facts.holder_name}",
        issuance_date=facts.issued_at,
        # The holder proves the badge is theirs with their e-mail (salted hash) and name.
        identifiers=[
            IdentityObject.create(facts.holder_email.casefold(), salt=facts.code),
            IdentityObject(identity_hash=facts.holder_name, identity_type="name", hashed=False),
        ],
        evidence_url=urls.verify(facts.code),
        credential_status=[status_entry(urls.status_list(number), "revocation", index)],
    )


def sign(credential: OpenBadgeCredential, key: Ed25519PrivateKey) -> str:
    """The credential as a compact JWT-VC signed with EdDSA."""
    from openbadgeslib.ob3 import OB3Signer

    return OB3Signer(key, algorithm=ALGORITHM).sign(credential)


def enveloped(token: str) -> dict:
    """The JWT-VC wrapped as a VC 2.0 JSON document (EnvelopedVerifiableCredential)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def status_list_token(urls: IssuerUrls, number: int, revoked_ids: Iterable[int], key: Ed25519PrivateKey) -> str:
    """The signed BitstringStatusListCredential for list ``number``, with the revoked certificates' bits set."""
    now = datetime.now(UTC)
    indices = [status_position(i)[1] for i in revoked_ids if status_position(i)[0] == number]
    document = build_status_list_credential(
        urls.profile,
        urls.status_list(number),
        "revocation",
        indices,
        size_bits=LIST_SIZE,
        issued=now,
        valid_until=now + LIST_VALIDITY,
    )
    return sign_status_list_credential(document, key, ALGORITHM)


@dataclass(frozen=True)
class BadgeCheck:
    """The outcome of verifying a credential, for plain-words display."""

    signature_ok: bool
    revoked: bool
    problem: str = ""
    credential: OpenBadgeCredential | None = None

    @property
    def valid(self) -> bool:
        return self.signature_ok and not self.revoked and not self.problem


def verify(token: str, key: Ed25519PrivateKey, fetch: Callable[[str], bytes]) -> BadgeCheck:
    """Check signature, structure and revocation of a JWT-VC with the library's verifier.

    ``fetch`` returns the bytes served at a status list URL (the site answers
    its own lists without a network round trip).
    """
    verifier = OB3Verifier(public_pem(key))
    try:
        credential = verifier.verify(token)
    except LibOpenBadgesException as error:
        return BadgeCheck(signature_ok=False, revoked=False, problem=str(error))
    try:
        verifier.check_status(credential, verify_list=True, download=fetch)
    except LibOpenBadgesException as error:
        # The library reports a set bit as "Credential status 'revocation' is set at index …".
        revoked = "'revocation' is set" in str(error)
        return BadgeCheck(True, revoked, "" if revoked else str(error), credential)
    return BadgeCheck(True, False, "", credential)
