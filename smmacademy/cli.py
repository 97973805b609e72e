"""Command-line tools: plain functions with thin click wrappers.

* ``flask --app app create-user --email E --name N --role R [--password-stdin]``
* ``flask --app app demo``
* ``flask --app app courses check [--no-lint]`` / ``courses coverage [--check]`` / ``courses export-gift DIR``
* ``flask --app app courses export-moodle-xml DIR`` / ``courses export-scorm SLUG DIR``
* ``flask --app app courses stats [--course SLUG] [--all-attempts] [--candidates] [--csv FILE [--separator S]]``
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from .catalog_state import get_catalog
from .content.catalog import load_catalog
from .content.coverage import COVERAGE_FILE, sync_coverage
from .content.gift import export_gift
from .content.lint import lint_bank
from .content.translations import translation_report
from .database import erase_all_rows
from .extensions import db
from .interop.cli import register_interop_cli
from .models import ROLES, User
from .services import accounts, candidates, directory, item_stats
from .services.content_drift import drift_warnings
from .services.csv_export import SEPARATORS, to_csv
from .services.demo_activity import generate_activity, generate_assignments, generate_candidates

DEMO_DOMAIN = "demo.smmacademy.local"
DEMO_PEOPLE = [
    # (key, name, role, department, job title, manager key)
    ("admin", "Alex Admin", "admin", "HR", "Platform administrator", None),
    ("hr", "Hanna Recruiter", "hr", "HR", "HR business partner", None),
    ("maria", "Maria Novak", "manager", "Marketing", "Head of marketing", None),
    ("omar", "Omar Haddad", "manager", "B2C sales", "Head of sales", None),
    ("lena", "Lena Fischer", "learner", "Marketing", "SMM specialist", "maria"),
    ("ivan", "Ivan Petrov", "learner", "Marketing", "Content creator", "maria"),
    ("sofia", "Sofia Rossi", "learner", "PR", "PR specialist", "maria"),
    ("tom", "Tom Becker", "learner", "Marketing", "Community manager", "maria"),
    ("nina", "Nina Kowalska", "learner", "Technical support", "Support lead", "maria"),
    ("dev", "Dev Sharma", "learner", "HR", "Recruiter", "maria"),
    ("ana", "Ana Silva", "learner", "B2C sales", "Sales manager", "omar"),
    ("ben", "Ben Carter", "learner", "B2B sales", "Key account manager", "omar"),
    ("chen", "Chen Wei", "learner", "B2C sales", "Sales representative", "omar"),
    ("eva", "Eva Novak", "learner", "Supplier relations", "Procurement specialist", "omar"),
    ("luis", "Luis Ortega", "learner", "Partner relations", "Partner manager", "omar"),
    ("mia", "Mia Jensen", "learner", "B2C sales", "Store manager", "omar"),
]


# Joined this week: no activity yet, so the demo also shows a first visit (and the
# browser journeys start from a clean slate with them).
DEMO_NEWCOMERS = ("lena", "ivan", "tom")


class CommandError(Exception):
    """A command that cannot run, with a message for the operator."""


def create_user_command(email: str, name: str, role: str, password: str, department: str = "") -> User:
    """Create one account from the command line."""
    accounts.ensure_departments()
    dept = accounts.department_by_name_or_key(department) if department else None
    if department and dept is None:
        raise CommandError(f"Unknown department '{department}'.")
    try:
        user = accounts.create_user(email, name, role, password, department=dept)
    except accounts.AccountError as error:
        raise CommandError(str(error)) from None
    accounts.welcome(get_catalog(), [user])
    return user


START_OVER_HINT = """To start over, either
  * erase this database and load the demo into it (asks first; every account, result and candidate is deleted):
      flask --app app demo --fresh
  * or keep this database and load the demo into a separate one:
      DATABASE_URL=sqlite:///demo.sqlite flask --app app db upgrade
      DATABASE_URL=sqlite:///demo.sqlite flask --app app demo
    (then start the site with the same DATABASE_URL; a relative SQLite path lives in instance/)."""


def real_account_count() -> int:
    """Accounts that are not part of the demo organisation."""
    return db.session.scalar(select(func.count(User.id)).where(~User.email.like(f"%@{DEMO_DOMAIN}"))) or 0


def load_demo(password: str) -> list[tuple[str, str, str]]:
    """Create the demo organisation with three months of activity; refuse when real accounts exist.

    Safe to run again on a demo database: people are kept (passwords are reset)
    and activity, assignments and candidates are not added twice.
    Returns (email, role, name) of every demo login.
    """
    real = real_account_count()
    if real:
        raise CommandError(
            f"This database already holds {real} account(s) that are not part of the demo (for example the "
            "administrator made on the first-run page); the demo loads only into an empty database or one that "
            "holds nothing but the demo.\n" + START_OVER_HINT
        )
    accounts.ensure_departments()
    people: dict[str, User] = {}
    logins = []
    for key, name, role, department, title, manager in DEMO_PEOPLE:
        email = f"{key}@{DEMO_DOMAIN}"
        user = db.session.scalar(User.by_email(email))
        if user is None:
            user = accounts.create_user(
                email,
                name,
                role,
                password,
                department=accounts.department_by_name_or_key(department),
                job_title=title,
                manager=people.get(manager) if manager else None,
                commit=False,
            )
        else:
            user.set_password(password)
        people[key] = user
        logins.append((email, role, name))
    db.session.commit()
    catalog = get_catalog()
    accounts.welcome(catalog, people.values())
    # Each step is skipped when it already happened (a second run only resets passwords).
    active = {key: u for key, u in people.items() if key not in ("admin", *DEMO_NEWCOMERS)}
    generate_activity(list(active.values()), catalog)
    teams = {
        people[manager]: [active[key] for key, *_rest, boss in DEMO_PEOPLE if boss == manager and key in active]
        for manager in ("maria", "omar")
    }
    generate_assignments(teams, catalog)
    generate_candidates(people["hr"], catalog)
    return logins


def translation_lines(root: str, languages) -> list[str]:
    """Missing and stale translations, one line each, then a count (never an error: translations lag)."""
    pending = [status for status in translation_report(Path(root), languages) if status.needs_work]
    if not pending:
        return ["Translations: all up to date."]
    return [status.describe() for status in pending] + [f"Translations: {len(pending)} missing or stale."]


def stats_reports(course_slug: str, all_attempts: bool, for_candidates: bool) -> list[item_stats.CourseReport]:
    """The question quality report of one course or of every course with a quiz."""
    catalog = get_catalog()
    if course_slug and course_slug not in catalog.courses:
        raise CommandError(f"There is no course '{course_slug}'; use one of: {', '.join(catalog.courses)}.")
    chosen = [catalog.courses[course_slug]] if course_slug else list(catalog.courses.values())
    population = item_stats.CANDIDATES if for_candidates else item_stats.EMPLOYEES
    return [
        item_stats.course_report(catalog, course, population, all_attempts)
        for course in chosen
        if any(m.has_quiz for m in course.modules)
    ]


def combine_tables(tables: list[tuple[str, list[list[str]]]]) -> list[list[str]]:
    """One course's table as it is; several under one header with a leading course column."""
    if len(tables) == 1:
        return tables[0][1]
    rows = [["Course", *tables[0][1][0]]] if tables else []
    for slug, table in tables:
        rows.extend([slug, *cells] for cells in table[1:])
    return rows


def text_table(rows: list[list[str]]) -> str:
    """Rows as fixed-width text columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def register_cli(app: Flask) -> None:
    """Attach the commands to the app."""

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
    @click.option("--department", default="", help="Department name (optional).")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create_user_cli(email, name, role, department, password_stdin):
        """Create an account (asks for the password unless --password-stdin)."""
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = create_user_command(email, name, role, password, department)
        except CommandError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Created {user.role} {user.email}.")

    @app.cli.command("send-reminders")
    def send_reminders_cli():
        """Queue due reminders, overdue notices and the weekly digest, then send the outbox (idempotent)."""
        from .services import reminders

        figures = reminders.run()
        click.echo(
            f"Queued {figures['new']} new message(s); sent {figures['sent']}, "
            f"deferred {figures['deferred']} (server refused, retried later), failed {figures['failed']}."
        )

    @app.cli.command("demo")
    @click.option("--fresh", is_flag=True, help="Erase EVERYTHING in this database first, then load the demo.")
    @click.option("--yes", is_flag=True, help="With --fresh: do not ask for confirmation.")
    def demo_cli(fresh, yes):
        """Load a demo organisation with three months of activity to explore every role."""
        if fresh:
            where = db.engine.url.render_as_string(hide_password=True)
            accounts_now = db.session.scalar(select(func.count(User.id))) or 0
            question = f"Erase every row in {where} ({accounts_now} account(s), all results and candidates)?"
            if not yes and not click.confirm(question, default=False):
                raise click.ClickException("Nothing was erased; the demo was not loaded.")
            click.echo(f"Erased {erase_all_rows()} row(s).")
        password = "demo-" + secrets.token_urlsafe(8)
        try:
            logins = load_demo(password)
        except CommandError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Demo organisation ready. Every demo account uses the password: {password}")
        for email, role, name in logins:
            click.echo(f"  {role:<8} {email:<34} {name}")

    courses = AppGroup("courses", help="Check and export the course content.")

    @courses.command("check")
    @click.option("--no-lint", is_flag=True, help="Only check that the content is valid; skip the bank lint.")
    def check_cli(no_lint):
        """Validate courses/ and lint the question bank; print every problem, or the totals."""
        catalog = load_catalog(current_app.config["SMMACADEMY_COURSES"])
        for error in catalog.errors:
            click.echo(str(error))
        if catalog.errors:
            click.echo(f"{len(catalog.errors)} problem(s) found.", err=True)
            sys.exit(1)
        # Warnings only: changed content is allowed, but its authors should know.
        for line in drift_warnings(catalog) or []:
            click.echo(line, err=True)
        for warning in directory.audience_warnings(catalog):
            click.echo(str(warning), err=True)
        for line in translation_lines(current_app.config["SMMACADEMY_COURSES"], current_app.config["LANGUAGES"]):
            click.echo(line)
        if not no_lint:
            report = lint_bank(catalog)
            for finding in report.findings:
                click.echo(str(finding))
            click.echo(report.table())
            if report.failed:
                click.echo(f"Bank lint: {len(report.findings)} problem(s) past the thresholds.", err=True)
                click.echo(catalog.summary())
                sys.exit(1)
        click.echo(catalog.summary())

    @courses.command("coverage")
    @click.option("--check", "check_only", is_flag=True, help="Only report whether the file is in sync.")
    def coverage_cli(check_only):
        """Regenerate the "Checked by" column of COVERAGE.md from the questions' points."""
        catalog = load_catalog(current_app.config["SMMACADEMY_COURSES"])
        if catalog.errors:
            raise click.ClickException("The content has errors; run 'courses check' first.")
        if not (Path(catalog.root) / COVERAGE_FILE).is_file():
            raise click.ClickException(f"There is no {COVERAGE_FILE} in {catalog.root}.")
        changed = sync_coverage(catalog, write=not check_only)
        if check_only and changed:
            click.echo(f"{COVERAGE_FILE} is out of sync with the questions' points; run 'courses coverage'.")
            sys.exit(1)
        click.echo(f"{COVERAGE_FILE} updated." if changed else f"{COVERAGE_FILE} is in sync.")

    @courses.command("export-gift")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def export_gift_cli(directory: Path):
        """Write every module's quiz as a Moodle GIFT file into DIRECTORY."""
        catalog = load_catalog(current_app.config["SMMACADEMY_COURSES"])
        if catalog.errors:
            raise click.ClickException("The content has errors; run 'courses check' first.")
        written = export_gift(catalog, directory)
        click.echo(f"Wrote {len(written)} GIFT file(s) to {directory}.")

    register_interop_cli(courses)

    @courses.command("stats")
    @click.option("--course", "course_slug", default="", help="Only this course (its slug).")
    @click.option("--all-attempts", is_flag=True, help="Every attempt, not only each person's first.")
    @click.option("--candidates", "for_candidates", is_flag=True, help="Candidates' knowledge tests, not employees.")
    @click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the table here.")
    @click.option(
        "--separator",
        type=click.Choice(sorted(SEPARATORS)),
        default="comma",
        show_default=True,
        help="CSV separator (semicolon for Excel in Russian).",
    )
    def stats_cli(course_slug, all_attempts, for_candidates, csv_file, separator):
        """Question quality (item analysis as in Moodle) of every quiz question, as on the admin page."""
        try:
            reports = stats_reports(course_slug, all_attempts, for_candidates)
        except CommandError as error:
            raise click.ClickException(str(error)) from None
        if csv_file:
            tables = [(r.course.slug, item_stats.table(r)) for r in reports]
            csv_file.write_text(to_csv(combine_tables(tables), separator), encoding="utf-8")
            click.echo(f"Wrote {sum(len(r.questions) for r in reports)} question(s) to {csv_file}.")
            return
        for report in reports:
            click.echo(f"\n{report.course.title} ({report.course.slug}, {report.population})")
            if quizzes := item_stats.quiz_table(report):
                click.echo(text_table(quizzes) + "\n")
            click.echo(text_table(item_stats.table(report)))

    app.cli.add_command(courses)

    @app.cli.command("purge-candidates")
    @click.option(
        "--days", type=int, default=None, help="Retention period (default: SMMACADEMY_RETENTION_DAYS or 180)."
    )
    @click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
    def purge_candidates_cli(days, dry_run):
        """Delete candidates not hired whose last activity is older than the retention period."""
        retention = days if days is not None else current_app.config["CANDIDATE_RETENTION_DAYS"]
        items = candidates.purge(retention, dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for item in items:
            click.echo(f"{verb} candidate #{item.id} ({item.status}, last active {item.last_activity_at:%Y-%m-%d})")
        click.echo(f"{verb} {len(items)} candidate(s) inactive for more than {retention} days.")
