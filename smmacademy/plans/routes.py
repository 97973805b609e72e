"""Views: a person's development plan, its states, items, own actions, CSV and printable page.

Who may do what is decided in services/plans (``can_view_plan``, ``can_lead_plan``,
``can_edit_plan``); every view is ``@login_required`` and checks the person.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalog_state import get_catalog, get_competencies, get_framework
from ..domain import plans as rules
from ..errors import render_error
from ..forms import error_summary
from ..i18n import localized
from ..security import login_required
from ..services import accounts, plan_views
from ..services import plans as plan_service
from ..services.csv_export import csv_response
from ..templating import PLAN_STATE_LABELS
from . import bp
from .forms import ActionForm, OwnActionForm, PlanItemForm


def _person(user_id: int):
    person = accounts.user_by_id(user_id)
    if person is None:
        abort(404)
    if not plan_service.can_view_plan(current_user, person.id):
        abort(403)
    return person


def _plan(plan_id: int, action: str = "view"):
    """The plan, or 404; 403 unless the viewer may ``view``, ``edit`` or ``lead`` it (services.plans.may)."""
    plan = plan_service.plan_by_id(plan_id)
    if plan is None:
        abort(404)
    if not plan_service.may(current_user, plan, action):
        abort(403)
    return plan


def _item(item_id: int, action: str = "edit"):
    """An item and its plan, or 404; 403 unless the viewer may ``edit`` (or ``lead``) the plan."""
    item = plan_service.item_by_id(item_id)
    if item is None:
        abort(404)
    return item, _plan(item.plan_id, action)


def _checked(form=None):
    """Refuse a POST whose form (CSRF included) does not validate, with what is wrong."""
    form = form or ActionForm()
    if not form.validate_on_submit():
        abort(make_response(render_error(400, error_summary(form))))
    return form


def _back(plan_or_person_id: int):
    return redirect(url_for("plans.person", user_id=plan_or_person_id))


@bp.route("/")
@login_required
def mine():
    return redirect(url_for("plans.person", user_id=current_user.id))


def _page_context(person, plan=None):
    """What the plan page, its printable page and its CSV show (``plan`` default: the person's latest)."""
    catalog = get_catalog()
    plan = plan or plan_service.latest_plan(person.id)
    framework = get_framework()
    competencies = get_competencies()
    return {
        "person": person,
        "plan": plan,
        "items": plan_views.item_views(catalog, plan, competencies) if plan else [],
        "status": plan_views.plan_status_of(plan),
        "profile": framework.profiles.get(plan.profile_id) if plan and framework else None,
        "competencies": competencies,
        "catalog": catalog,
        "state_labels": PLAN_STATE_LABELS,
    }


@bp.route("/people/<int:user_id>")
@login_required
def person(user_id: int):
    return _plan_page(_person(user_id))


def _plan_page(person, plan=None, item_form=None, item_id=None, own_form=None):
    """The plan page; an item's or an own action's form sent back with errors is shown in its place, typed values
    kept (status 400)."""
    context = _page_context(person, plan)
    plan = context["plan"]
    item_forms = {
        view["item"].id: PlanItemForm(formdata=None, data={"goal": view["goal"], "due_date": view["item"].due_date})
        for view in context["items"]
    }
    if item_form is not None:
        item_forms[item_id] = item_form
    return render_template(
        "plans/plan.html",
        lead=plan_service.can_lead_plan(current_user, person.id),
        edit=plan is not None and plan_service.can_edit_plan(current_user, plan),
        editable=plan is not None and rules.may_edit(plan.state),
        may_add=plan is not None and rules.may_add_own(plan.state),
        action_form=ActionForm(),
        item_forms=item_forms,
        own_form=own_form or OwnActionForm(formdata=None),
        **context,
    ), 400 if item_form or own_form else 200


@bp.route("/people/<int:user_id>/build", methods=["POST"])
@login_required
def build(user_id: int):
    person = _person(user_id)
    if not plan_service.can_lead_plan(current_user, person.id):
        abort(403)
    _checked()
    catalog = get_catalog()
    if catalog.framework is None:
        abort(503)
    outcome = plan_service.build(current_user, person, catalog, current_app.config["PLAN_DUE_DAYS"], date.today())
    if outcome.problem:
        flash(outcome.problem, "error")
    elif outcome.created:
        flash(_("A draft plan is ready. Check the goals and due dates, then agree it."), "success")
    else:
        flash(_("This person already has a plan in progress; here it is."), "info")
    return _back(person.id)


@bp.route("/<int:plan_id>/agree", methods=["POST"])
@login_required
def agree(plan_id: int):
    plan = _plan(plan_id, "lead")
    _checked()
    if not plan.items:
        return render_error(400, _("A plan without items cannot be agreed."))
    if plan_service.agree(current_user, plan, get_catalog()):
        flash(_("The plan is agreed."), "success")
    else:
        flash(_("The plan was already agreed."), "info")
    return _back(plan.user_id)


@bp.route("/<int:plan_id>/start", methods=["POST"])
@login_required
def start(plan_id: int):
    plan = _plan(plan_id, "edit")
    _checked()
    if plan_service.start(plan):
        flash(_("The plan is in progress."), "success")
    else:
        flash(
            _("Only an agreed plan can be started; this one is %(state)s.", state=PLAN_STATE_LABELS[plan.state]), "info"
        )
    return _back(plan.user_id)


@bp.route("/<int:plan_id>/reopen", methods=["POST"])
@login_required
def reopen(plan_id: int):
    plan = _plan(plan_id, "lead")
    _checked()
    if plan_service.reopen(plan):
        flash(_("The plan is a draft again: change it, then agree it again."), "success")
    else:
        flash(_("Only an agreed plan or one in progress can be reopened."), "info")
    return _back(plan.user_id)


@bp.route("/items/<int:item_id>", methods=["POST"])
@login_required
def edit_item(item_id: int):
    item, plan = _item(item_id)
    form = PlanItemForm()
    valid = form.validate_on_submit()
    if not valid and rules.may_edit(plan.state):
        return _plan_page(accounts.user_by_id(plan.user_id), plan, item_form=form, item_id=item.id)
    built = plan_views.built_goal(item, get_competencies())
    if not valid or not plan_service.update_item(item, form.goal.data.strip(), form.due_date.data, built):
        return render_error(409, _("The plan is agreed: reopen it before changing its items."))
    flash(_("The item is updated."), "success")
    return _back(plan.user_id)


@bp.route("/items/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(item_id: int):
    item, plan = _item(item_id)
    _checked()
    if not plan_service.remove_item(item):
        return render_error(409, _("The plan is agreed: reopen it before changing its items."))
    flash(_("The item is removed."), "success")
    return _back(plan.user_id)


@bp.route("/<int:plan_id>/actions", methods=["POST"])
@login_required
def add_action(plan_id: int):
    plan = _plan(plan_id, "edit")
    form = OwnActionForm()
    valid = form.validate_on_submit()
    if not valid and rules.may_add_own(plan.state):
        return _plan_page(accounts.user_by_id(plan.user_id), plan, own_form=form)
    if not valid or plan_service.add_own(current_user, plan, form.goal.data.strip(), form.due_date.data) is None:
        return render_error(409, _("The plan is done: it takes no more actions."))
    flash(_("Your action is added. Your manager confirms it once it is done."), "success")
    return _back(plan.user_id)


@bp.route("/items/<int:item_id>/confirm", methods=["POST"])
@login_required
def confirm(item_id: int):
    item, plan = _item(item_id, "lead")
    _checked()
    if not rules.needs_confirmation(item.kind, item.modules):
        return render_error(400, _("This item completes itself when its modules are passed."))
    if plan_service.confirm(current_user, item, get_catalog()):
        flash(_("Confirmed: the item is done."), "success")
    else:
        flash(_("This item was already confirmed."), "info")
    return _back(plan.user_id)


def _export_rows(context) -> list[list]:
    competencies = context["competencies"]
    rows = [[_("item"), _("competency"), _("goal"), _("modules"), _("due date"), _("done")]]
    for number, view in enumerate(context["items"], start=1):
        item = view["item"]
        competency = competencies.get(item.competency_id) if item.competency_id else None
        rows.append(
            [
                number,
                competency.name if competency else (_("own action") if item.kind == rules.KIND_OWN else ""),
                view["goal"],
                "; ".join(localized(m).title if m else key for key, m, _done in view["modules"]),
                f"{item.due_date:%Y-%m-%d}" if item.due_date else "",
                f"{item.done_at:%Y-%m-%d}" if item.done_at else "",
            ]
        )
    return rows


@bp.route("/<int:plan_id>.csv")
@login_required
def export(plan_id: int):
    plan = _plan(plan_id)
    context = _page_context(accounts.user_by_id(plan.user_id), plan)
    return csv_response(_export_rows(context), f"development-plan-{plan.user_id}-{date.today():%Y-%m-%d}.csv")


@bp.route("/<int:plan_id>/print")
@login_required
def printable(plan_id: int):
    plan = _plan(plan_id)
    context = _page_context(accounts.user_by_id(plan.user_id), plan)
    return render_template("plans/print.html", today=date.today(), **context)
