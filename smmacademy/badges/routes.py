"""Views: the issuer's public documents, badge downloads, revocation and checking a presented badge."""

from __future__ import annotations

import json

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..interop import badges as ob
from ..learn.routes import certificate_page
from ..security import login_required, public, role_required
from ..services import badges, management
from . import bp
from .forms import BadgeCheckForm, RevokeForm

JWT_MIMETYPE = "application/vc+jwt"


def _urls() -> ob.IssuerUrls:
    return badges.site_urls(request.url_root)


def _certificate_or_404(code: str):
    certificate = badges.certificate_by_code(code)
    if certificate is None:
        abort(404)
    return certificate


def _json(document: dict, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=mimetype)


@bp.route("/badges/issuer")
@public
def issuer():
    return _json(ob.issuer_profile(_urls(), badges.issuer_key()), "application/ld+json")


@bp.route("/badges/issuer/jwks.json")
@public
def jwks():
    return jsonify({"keys": [{**ob.public_jwk(badges.issuer_key()), "kid": _urls().key_id}]})


# int4 ids: list 16383 holds the largest id PostgreSQL can store.
@bp.route("/badges/status/<int(min=0, max=16383):number>")
@public
def status_list(number: int):
    response = Response(badges.status_list_token(_urls(), number), mimetype=JWT_MIMETYPE)
    # Verifiers may cache a list for a while; a revocation shows within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/certificates/<code>/badge.<any(jwt, json):kind>")
@login_required
def download(code: str, kind: str):
    certificate = _certificate_or_404(code)
    if not management.can_view_certificate(current_user, certificate.user_id):
        abort(403)
    token = badges.credential_token(certificate, _urls())
    as_json = kind == "json"
    response = _json(ob.enveloped(token), "application/vc") if as_json else Response(token, mimetype=JWT_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="smm-academy-{certificate.code}.{kind}"'
    return response


@bp.route("/admin/certificates/<code>/revoke", methods=["POST"])
@role_required("admin")
def revoke(code: str):
    certificate = _certificate_or_404(code)
    form = RevokeForm()
    if not form.validate_on_submit():
        return certificate_page(certificate, revoke_form=form, status=400)
    if badges.revoke(certificate, current_user, form.reason.data):
        flash(_("Certificate revoked. Its badge now verifies as revoked."), "success")
    else:
        flash(_("This certificate was already revoked."), "info")
    return redirect(url_for("learn.certificate", code=certificate.code))


@bp.route("/verify/badge", methods=["GET", "POST"])
@public
def check():
    form = BadgeCheckForm()
    result = badges.check_token(form.token.data, _urls()) if form.validate_on_submit() else None
    status = 400 if request.method == "POST" and result is None else 200
    return render_template("learn/badge_check.html", form=form, result=result), status
