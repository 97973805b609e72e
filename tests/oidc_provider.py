"""A small OpenID Connect provider for the tests, served over HTTP on a free localhost port.

Discovery document, JWKS, authorization endpoint (it approves at once, as a
signed-in directory user would) and token endpoint with PKCE checks; ID tokens
are real RS256 JWTs signed with joserfc. ``mode`` makes it misbehave the ways
a relying party must notice: ``bad_signature``, ``wrong_audience``,
``expired`` and ``replay_nonce`` (the nonce of an earlier sign-in).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from .mailserver import free_port

CLIENT_ID = "smm-academy"
CLIENT_SECRET = "provider-test-secret"


class Provider:
    """The provider; set ``claims`` (who signs in next) and ``mode`` before each flow."""

    def __init__(self):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "main"}, private=True)
        self.forged_key = RSAKey.generate_key(2048, parameters={"kid": "main"}, private=True)
        self.claims: dict = {}
        self.mode = ""
        self.codes: dict[str, dict] = {}
        self.nonces: list[str] = []
        self.token_requests = 0
        self.app = self._build()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def env(self, prefix: str = "SMMACADEMY_OIDC_CORP_") -> dict:
        """Environment variables that configure the app for this provider as ``corp``."""
        return {
            "SMMACADEMY_OIDC_PROVIDERS": "corp",
            prefix + "NAME": "Corp Directory",
            prefix + "DISCOVERY_URL": self.discovery_url,
            prefix + "CLIENT_ID": CLIENT_ID,
            prefix + "CLIENT_SECRET": CLIENT_SECRET,
            prefix + "ROLE_MAP": "smm-leads=manager,people-team=hr,it-admins=admin",
        }

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["claims"],
        }
        key = self.key
        if self.mode == "bad_signature":
            key = self.forged_key
        elif self.mode == "wrong_audience":
            claims["aud"] = "some-other-app"
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.mode == "replay_nonce" and len(self.nonces) > 1:
            claims["nonce"] = self.nonces[-2]
        return jwt.encode({"alg": "RS256", "kid": "main"}, claims, key)

    def _build(self) -> Flask:
        app = Flask("test_oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=self.issuer + "/authorize",
                token_endpoint=self.issuer + "/token",
                jwks_uri=self.issuer + "/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
                abort(400)
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                abort(400, "PKCE required")
            if not args.get("nonce") or not args.get("state"):
                abort(400, "state and nonce required")
            code = secrets.token_urlsafe(16)
            self.nonces.append(args["nonce"])
            self.codes[code] = {
                "nonce": args["nonce"],
                "challenge": args["code_challenge"],
                "redirect_uri": args["redirect_uri"],
                "claims": dict(self.claims),
            }
            return redirect(f"{args['redirect_uri']}?code={code}&state={args['state']}")

        @app.post("/token")
        def token():
            self.token_requests += 1
            auth = request.authorization
            if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE verifier does not match"), 400
            return jsonify(
                access_token=secrets.token_urlsafe(16),
                token_type="Bearer",
                expires_in=300,
                id_token=self._id_token(grant),
            )

        return app
