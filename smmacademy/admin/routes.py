"""Views: user list, create/edit, deactivate, password reset, departments, CSV import, translations, mail outbox."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from ..catalog_state import get_catalog
from ..choices import department_choices
from ..content.translations import CURRENT, MISSING, STALE, UNMARKED, translation_report
from ..domain.notifications import KINDS as MAIL_KINDS
from ..errors import render_error
from ..models import ROLES, User
from ..models.notification import STATUSES as OUTBOX_STATUSES
from ..params import int_arg
from ..security import role_required
from ..services import accounts, directory, imports, item_stats, mail
from ..services.assessment_quality import competency_report
from ..services.csv_export import csv_response
from . import bp
from .forms import ConfirmForm, DepartmentForm, ImportConfirmForm, ImportUploadForm, UserForm

PAGE_SIZE = 50
TRANSLATION_STATES = {
    MISSING: _l("Missing"),
    STALE: _l("Stale: the English changed since this translation"),
    UNMARKED: _l("No source hash recorded"),
    CURRENT: _l("Up to date"),
}


def _fill_choices(form: UserForm, editing: User | None = None) -> None:
    form.department_id.choices = department_choices()
    managers = accounts.managers(active_only=True)
    form.manager_id.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(m.id, f"{m.full_name} ({m.email})") for m in managers if editing is None or m.id != editing.id
    ]


def _apply(form: UserForm, user: User) -> None:
    """Copy the form into ``user``; raises AccountError on an invalid change."""
    manager = accounts.user_by_id(form.manager_id.data)
    accounts.check_manager(user, manager)
    if accounts.email_taken(form.email.data, except_id=user.id):
        raise accounts.AccountError(_("Another account already uses this email address."))
    if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
        raise accounts.AccountError(_("You cannot remove your own administrator role or deactivate yourself."))
    user.full_name = form.full_name.data.strip()
    user.email = User.normalise_email(form.email.data)
    user.role = form.role.data
    user.job_title = (form.job_title.data or "").strip()
    user.department = accounts.department_by_id(form.department_id.data)
    user.manager = manager
    user.active = form.active.data


@bp.route("/")
@role_required("admin")
def users():
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    department_id = int_arg("department")
    found = directory.search_users(query, role, department_id, int_arg("page", 1), PAGE_SIZE)
    return render_template(
        "admin/users.html",
        people=found.people,
        query=query,
        role=role,
        department_id=department_id,
        departments=accounts.departments(),
        page=found.page,
        pages=found.pages,
        total=found.total,
        roles=ROLES,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    form = UserForm()
    _fill_choices(form)
    password = None
    if form.validate_on_submit():
        user = User(email="", full_name="", must_change_password=True)
        try:
            _apply(form, user)
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            password = accounts.open_account(get_catalog(), user)
            return render_template("admin/password_issued.html", user=user, password=password, created=True)
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    user = accounts.user_by_id(user_id) or abort(404)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    if request.method == "GET":
        form.department_id.data = user.department_id or 0
        form.manager_id.data = user.manager_id or 0
    _fill_choices(form, user)
    status = 200
    if form.validate_on_submit():
        try:
            accounts.save_user(
                current_user._get_current_object(), user, lambda target: _apply(form, target), get_catalog()
            )
        except accounts.AccountError as error:
            flash(str(error), "error")
            status = 409
        else:
            flash(_("Saved %(name)s.", name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, confirm=ConfirmForm()
    ), 400 if form.errors else status


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def toggle_active(user_id: int):
    user = accounts.user_by_id(user_id) or abort(404)
    if user.id == current_user.id:
        return render_error(400, _("You cannot deactivate your own account."))
    try:
        accounts.set_active(current_user._get_current_object(), user, not user.active)
    except accounts.AccountError as error:
        return render_error(409, str(error))
    message = (
        _("%(name)s can sign in again.", name=user.full_name)
        if user.active
        else _("%(name)s is deactivated: they cannot sign in, and their learning history is kept.", name=user.full_name)
    )
    flash(message, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required("admin")
def reset_password(user_id: int):
    user = accounts.user_by_id(user_id) or abort(404)
    password = accounts.reset_password(user)
    return render_template("admin/password_issued.html", user=user, password=password, created=False)


@bp.route("/departments", methods=["GET", "POST"])
@role_required("admin")
def departments():
    form = DepartmentForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        key = (form.key.data or "").strip()
        problem = directory.key_problem(key) if key else None
        if accounts.department_by_name(name):
            flash(_("A department called %(name)s already exists.", name=name), "error")
        elif problem:
            message, values = problem
            form.key.errors = [_(message, **values)]
        else:
            department = directory.add_department(name, key)
            flash(_("Added %(name)s (key %(key)s).", name=name, key=department.key), "success")
            return redirect(url_for("admin.departments"))
    return _departments_page(form)


def _departments_page(form, renamed=None, rename_form=None):
    """The departments page; a rename sent back shows its error and typed name on that department's row."""
    return render_template(
        "admin/departments.html",
        form=form,
        counts=directory.department_head_counts(),
        departments=accounts.departments(),
        unknown_audiences=directory.audience_warnings(get_catalog()),
        renamed=renamed,
        rename_form=rename_form,
    ), 400 if form.errors or rename_form else 200


@bp.route("/departments/<int:department_id>", methods=["POST"])
@role_required("admin")
def rename_department(department_id: int):
    department = accounts.department_by_id(department_id) or abort(404)
    form = DepartmentForm()
    if not form.validate_on_submit():
        return _departments_page(DepartmentForm(formdata=None), department.id, form)
    name = form.name.data.strip()
    other = accounts.department_by_name(name)
    if other and other.id != department.id:
        form.name.errors.append(_("A department called %(name)s already exists.", name=name))
        return _departments_page(DepartmentForm(formdata=None), department.id, form)
    directory.rename_department(department, name)
    flash(_("Renamed to %(name)s.", name=name), "success")
    return redirect(url_for("admin.departments"))


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_users():
    upload = ImportUploadForm()
    if upload.validate_on_submit():
        data = upload.file.data.read()
        plan = imports.parse_import(data)
        # The decoded text travels on: the confirm step re-reads it as UTF-8, whatever the file was.
        confirm = ImportConfirmForm(payload=plan.text)
        status = 200 if plan.valid else 400
        return render_template("admin/import_preview.html", plan=plan, confirm=confirm), status
    return render_template(
        "admin/import.html", form=upload, columns=imports.IMPORT_COLUMNS
    ), 400 if upload.errors else 200


@bp.route("/import/template.csv")
@role_required("admin")
def import_template():
    """The import file's header and one example row, with the person's separator."""
    return csv_response(imports.template_rows(), "employees-template.csv")


@bp.route("/import/confirm", methods=["POST"])
@role_required("admin")
def import_confirm():
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return render_error(400, _("The import data is missing. Upload the file again."))
    plan = imports.parse_import(form.payload.data.encode("utf-8"))
    if not plan.valid:
        return render_template("admin/import_preview.html", plan=plan, confirm=form), 400
    created = imports.apply_import(plan, get_catalog())
    flash(ngettext("Imported %(num)s employee.", "Imported %(num)s employees.", len(created)), "success")
    return render_template("admin/import_done.html", created=created)


@bp.route("/content")
@role_required("admin")
def content():
    """Which course and framework translations are missing or stale (the same list as ``courses check``)."""
    statuses = translation_report(Path(current_app.config["SMMACADEMY_COURSES"]), current_app.config["LANGUAGES"])
    return render_template("admin/content.html", statuses=statuses, labels=TRANSLATION_STATES)


@bp.route("/outbox")
@role_required("admin")
def outbox():
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    status = status if status in OUTBOX_STATUSES else ""
    kind = kind if kind in MAIL_KINDS else ""
    return render_template(
        "admin/outbox.html",
        messages=mail.outbox(status, kind),
        counts=mail.status_counts(),
        statuses=OUTBOX_STATUSES,
        kinds=MAIL_KINDS,
        status=status,
        kind=kind,
        form=ConfirmForm(),
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@role_required("admin")
def retry_message(message_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if mail.retry(message_id):
        flash(_("The message is queued again; the next send-reminders run sends it."), "success")
    else:
        flash(_("Only a failed message can be retried."), "error")
    return redirect(url_for("admin.outbox", status="failed"))


def _quality_report(course_slug: str) -> item_stats.CourseReport:
    """The report the URL asks for (course, ?population=, ?attempts=all); a 404 or a clear 400 otherwise."""
    catalog = get_catalog()
    course = catalog.courses.get(course_slug) or abort(404)
    return item_stats.course_report(catalog, course, _population(), request.args.get("attempts") == "all")


def _sort_args() -> tuple[str, str]:
    sort = request.args.get("sort", "module")
    direction = "desc" if request.args.get("dir") == "desc" else "asc"
    return (sort if sort in item_stats.SORT_KEYS else "module"), direction


def _population() -> str:
    population = request.args.get("population", item_stats.EMPLOYEES)
    if population not in item_stats.POPULATIONS:
        abort(make_response(render_error(400, _("Unknown population: choose employees or candidates."))))
    return population


@bp.route("/quality")
@role_required("admin")
def quality():
    population = _population()
    catalog = get_catalog()
    return render_template(
        "admin/quality.html",
        courses=[c for c in catalog.courses.values() if any(m.has_quiz for m in c.modules)],
        competencies=competency_report(catalog, population),
        population=population,
    )


@bp.route("/quality/<course_slug>")
@role_required("admin")
def quality_course(course_slug: str):
    report = _quality_report(course_slug)
    sort, direction = _sort_args()
    return render_template(
        "admin/quality_course.html",
        report=report,
        rows=[(row, item_stats.table_cells(row)) for row in item_stats.sorted_rows(report, sort, direction)],
        quiz_table=item_stats.quiz_table(report),
        columns=item_stats.COLUMNS,
        sort=sort,
        direction=direction,
    )


@bp.route("/quality/<course_slug>.csv")
@role_required("admin")
def quality_csv(course_slug: str):
    report = _quality_report(course_slug)
    name = f"question-quality-{report.course.slug}-{report.population}.csv"
    response = csv_response(item_stats.table(report, *_sort_args()), name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/quality/<course_slug>/questions/<question_id>")
@role_required("admin")
def quality_question(course_slug: str, question_id: str):
    report = _quality_report(course_slug)
    row = report.row(question_id) or abort(404)
    return render_template(
        "admin/quality_question.html",
        report=report,
        row=row,
        cells=item_stats.table_cells(row),
        columns=item_stats.COLUMNS,
        choice_label=item_stats.choice_label,
        explanations=item_stats.FLAG_EXPLANATIONS,
        flag_labels=item_stats.FLAG_LABELS,
    )
