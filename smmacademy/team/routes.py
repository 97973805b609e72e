"""Views: dashboard, CSV exports, member page, assigning and withdrawing trainings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from ..catalog_state import get_catalog, get_framework
from ..domain.charts import bar_chart, line_chart
from ..domain.plans import PLAN_STATUSES
from ..domain.report import snapshot_names
from ..domain.results import radar_for
from ..domain.team import STATUSES
from ..domain.team_filter import TeamFilter, parse_team_filter
from ..errors import render_error
from ..forms import error_summary
from ..i18n import localized, report_texts, snapshot_profiles
from ..models import Assignment, User
from ..models.assignment import KIND_ASSESSMENT, KIND_COURSE
from ..params import int_arg
from ..security import role_required
from ..services import accounts, members, reviews
from ..services import agreed_levels as agreed_service
from ..services import assignments as assignment_service
from ..services import team as team_service
from ..services.csv_export import csv_response
from ..services.management import may_manage
from ..templating import ASSIGNMENT_STATE_LABELS, BAND_LABELS, PLAN_STATUS_LABELS, TEAM_STATUS_LABELS
from . import bp, columns
from .forms import AssignForm, EditAssignmentForm

# The query arguments that narrow the list (cleared by "Show all"), as opposed to scope, columns and order.
FILTER_ARGS = ("q", "dept", "status", "assessed", "plan")


def _scope() -> tuple[team_service.Scope, dict]:
    """The scope requested in the query string, limited to what the viewer may see."""
    branch = request.args.get("view") == "branch"
    params = {"view": "branch" if branch else "direct"}
    if current_user.role == "admin":
        manager_id = int_arg("manager")
        department_id = int_arg("department")
        if manager_id:
            params["manager"] = manager_id
            return team_service.Scope(manager_id=manager_id, branch=branch), params
        if department_id:
            params["department"] = department_id
            return team_service.Scope(department_id=department_id), params
        return team_service.Scope(everyone=True), params
    return team_service.Scope(manager_id=current_user.id, branch=branch), params


@dataclass(frozen=True)
class _BoardRequest:
    """What the dashboard's query string asks for, checked: filter, columns, order, and what was ignored."""

    filters: TeamFilter
    columns: list
    sort: str
    direction: str
    ignored: list[str]


def _departments_of(board) -> dict[str, str]:
    """The departments of the people on a board, key -> name, by name."""
    found = {r.user.department_key: r.user.department_name for r in board.rows if r.user.department_key}
    return dict(sorted(found.items(), key=lambda item: item[1].lower()))


def _board_request(departments: dict[str, str]) -> _BoardRequest:
    args = request.args
    filters, refused = parse_team_filter(
        args.get("q", ""),
        args.get("dept", ""),
        args.get("status", ""),
        args.get("assessed", ""),
        args.get("plan", ""),
        departments,
    )
    shown, unknown_columns = columns.shown_columns(args.getlist("cols"))
    ignored = [value for _field, value in refused] + unknown_columns
    sort = args.get("sort", columns.DEFAULT_SORT)
    if sort not in columns.BY_KEY:
        ignored.append(sort)
        sort = columns.DEFAULT_SORT
    direction = args.get("dir", "asc")
    if direction not in ("asc", "desc"):
        ignored.append(direction)
        direction = "asc"
    return _BoardRequest(filters, shown, sort, direction, ignored)


def _filtered_rows(dashboard, wanted: _BoardRequest) -> list:
    rows = wanted.filters.apply(dashboard.rows)
    return columns.sort_rows(rows, wanted.sort, wanted.direction == "desc")


def _dashboard_url(**changes) -> str:
    """This dashboard's address with some query arguments changed (None removes one); repeated ones kept."""
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return url_for("team.dashboard", **args)


def _require_member(user_id: int) -> User:
    person = accounts.user_by_id(user_id)
    if person is None:
        abort(404)
    if not may_manage(current_user, person.id):
        abort(403)
    return person


@bp.route("/")
@role_required("manager")
def dashboard():
    catalog = get_catalog()
    scope, params = _scope()
    board = team_service.build_dashboard(catalog, scope)
    departments = _departments_of(board)
    wanted = _board_request(departments)
    return render_template(
        "team/dashboard.html",
        board=board,
        rows=_filtered_rows(board, wanted),
        wanted=wanted,
        columns=wanted.columns,
        optional_columns=columns.OPTIONAL,
        dashboard_url=_dashboard_url,
        clear_filters={name: None for name in FILTER_ARGS},
        params=params,
        statuses=STATUSES,
        plan_statuses=PLAN_STATUSES,
        departments=departments,
        all_departments=accounts.departments() if current_user.role == "admin" else [],
        managers=accounts.managers() if current_user.role == "admin" else [],
        course_chart=bar_chart(board.course_completion, _("Completion per course across the team")),
        weekly_chart=line_chart(board.weekly_completion, _("Team completion over the last 12 weeks")),
        profiles=get_framework().profiles if catalog.framework else {},
    )


@bp.route("/export.csv")
@role_required("manager")
def export():
    catalog = get_catalog()
    scope, _params = _scope()
    board = team_service.build_dashboard(catalog, scope)
    profiles = get_framework().profiles if catalog.framework else {}
    rows = [
        [
            _("name"),
            _("email"),
            _("department"),
            _("job title"),
            _("assigned"),
            _("completed"),
            _("completion %"),
            _("average quiz score"),
            _("modules in progress"),
            _("last activity"),
            _("overdue"),
            _("status"),
            _("best-fit profile"),
            _("band"),
            _("development plan"),
        ]
    ]
    for r in _filtered_rows(board, _board_request(_departments_of(board))):
        rows.append(
            [
                r.user.full_name,
                r.user.email,
                r.user.department_name,
                r.user.job_title,
                r.assigned,
                r.assigned_done,
                f"{r.completion:.0f}",
                "" if r.avg_score is None else f"{r.avg_score:g}",
                r.in_progress,
                r.last_activity.strftime("%Y-%m-%d") if r.last_activity else "",
                r.overdue,
                TEAM_STATUS_LABELS.get(r.status, r.status),
                profiles[r.best_profile].name if r.best_profile in profiles else "",
                BAND_LABELS.get(r.best_band, r.best_band or ""),
                PLAN_STATUS_LABELS[r.plan],
            ]
        )
    return csv_response(rows, f"team-{date.today():%Y-%m-%d}.csv")


def _member_data(person: User):
    catalog = get_catalog()
    record = members.member_record(catalog, person.id)
    return catalog, record.progress, record.attempts, record.history, record.assignments


@bp.route("/members/<int:user_id>")
@role_required("manager")
def member(user_id: int):
    person = _require_member(user_id)
    catalog, progress, attempts, history, assignments = _member_data(person)
    chart = ""
    if history:
        latest = history[0]
        result = latest.outcome
        labels, profiles = snapshot_names(latest.framework, get_framework())
        profile = profiles[result.shown_profile]
        chart = radar_for(
            result,
            profile,
            labels,
            texts=report_texts(),
            person=person.full_name,
            title=_("%(name)s against the %(profile)s profile", name=person.full_name, profile=profile["name"]),
        )
    return render_template(
        "team/member.html",
        person=person,
        catalog=catalog,
        progress=progress,
        attempts=attempts,
        history=history,
        assignments=assignments,
        chart=chart,
        edit_form=EditAssignmentForm(),
        review_rounds=reviews.rounds_about(person.id),
        review_changes=agreed_service.latest_changes(person.id),
        competency_names={cid: c.name for cid, c in (get_framework().competencies if get_framework() else {}).items()},
    )


@bp.route("/members/<int:user_id>.csv")
@role_required("manager")
def member_export(user_id: int):
    person = _require_member(user_id)
    catalog, progress, attempts, history, assignments = _member_data(person)
    rows = [[_("section"), _("course"), _("module"), _("started"), _("completed"), _("score"), _("passed"), _("date")]]
    for p in progress:
        module = catalog.module(p.course_slug, p.module_slug)
        rows.append(
            [
                _("module"),
                p.course_slug,
                localized(module).title if module else p.module_slug,
                f"{p.started_at:%Y-%m-%d}",
                f"{p.completed_at:%Y-%m-%d}" if p.completed_at else "",
                "" if p.best_score is None else f"{p.best_score:g}",
                _("yes") if p.quiz_passed_at else "",
                "",
            ]
        )
    for a in attempts:
        module = catalog.module(a.course_slug, a.module_slug)
        rows.append(
            [
                _("quiz attempt"),
                a.course_slug,
                localized(module).title if module else a.module_slug,
                "",
                "",
                f"{a.score:g}",
                _("yes") if a.passed else _("no"),
                f"{a.submitted_at:%Y-%m-%d %H:%M}",
            ]
        )
    for h in history:
        rows.append(
            [
                _("self-assessment"),
                "",
                snapshot_profiles(h.framework)[h.best_profile]["name"] if h.best_profile else _("no confident match"),
                "",
                "",
                "",
                BAND_LABELS.get(h.best_band, h.best_band or ""),
                f"{h.submitted_at:%Y-%m-%d}",
            ]
        )
    for item in assignments:
        a = item.assignment
        what = a.course_slug if a.kind == KIND_COURSE else _("self-assessment")
        rows.append(
            [
                _("assignment"),
                what,
                str(ASSIGNMENT_STATE_LABELS[item.state]),
                f"{a.created_at:%Y-%m-%d}",
                "",
                "",
                "",
                f"{a.due_date:%Y-%m-%d}" if a.due_date else "",
            ]
        )
    return csv_response(rows, f"member-{person.id}-{date.today():%Y-%m-%d}.csv")


def _assign_form(scope) -> tuple[AssignForm, list[User]]:
    catalog = get_catalog()
    people = members.people_in(scope)
    form = AssignForm()
    form.people.choices = [
        SelectChoice(p.id, f"{p.full_name} — {p.department_name or _('no department')}") for p in people
    ]
    form.target.choices = [
        SelectChoice(f"course:{slug}", localized(c).title) for slug, c in catalog.courses.items()
    ] + [SelectChoice(KIND_ASSESSMENT, _("The self-assessment"))]
    return form, people


@bp.route("/assign", methods=["GET", "POST"])
@role_required("manager")
def assign():
    scope, params = _scope()
    scope = team_service.Scope(
        manager_id=scope.manager_id, branch=True, department_id=scope.department_id, everyone=scope.everyone
    )
    form, people = _assign_form(scope)
    person = int_arg("person")
    if request.method == "GET" and person:
        form.people.data = [person]
    if form.validate_on_submit():
        chosen = people if form.whole_team.data else [p for p in people if p.id in set(form.people.data or [])]
        if not chosen:
            form.people.errors.append(_("Choose at least one person, or the whole team."))
        elif form.due_date.data and form.due_date.data < date.today():
            form.due_date.errors.append(_("The due date is in the past."))
        else:
            target = form.target.data
            kind, slug = (
                (KIND_ASSESSMENT, None) if target == KIND_ASSESSMENT else (KIND_COURSE, target.split(":", 1)[1])
            )
            created, updated = team_service.assign(
                current_user, chosen, kind, slug, form.due_date.data, (form.note.data or "").strip()
            )
            flash(
                _(
                    "Assigned to %(people)s (%(updated)s).",
                    people=ngettext("%(num)s person", "%(num)s people", created),
                    updated=ngettext(
                        "%(num)s existing assignment updated", "%(num)s existing assignments updated", updated
                    ),
                ),
                "success",
            )
            return redirect(url_for("team.dashboard", **params))
    return render_template("team/assign.html", form=form, params=params), 400 if form.errors else 200


def _own_assignment(assignment_id: int) -> Assignment:
    assignment = assignment_service.assignment_by_id(assignment_id)
    if assignment is None or assignment.withdrawn_at is not None:
        abort(404)
    _require_member(assignment.user_id)
    return assignment


@bp.route("/assignments/<int:assignment_id>", methods=["POST"])
@role_required("manager")
def edit_assignment(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    form = EditAssignmentForm()
    if not form.validate_on_submit():
        return render_error(400, error_summary(form))
    assignment_service.update(assignment, form.due_date.data, (form.note.data or "").strip())
    flash(_("Assignment updated."), "success")
    return redirect(url_for("team.member", user_id=assignment.user_id))


@bp.route("/assignments/<int:assignment_id>/withdraw", methods=["POST"])
@role_required("manager")
def withdraw_assignment(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    assignment_service.withdraw(assignment)
    flash(_("Assignment withdrawn."), "success")
    return redirect(url_for("team.member", user_id=assignment.user_id))
