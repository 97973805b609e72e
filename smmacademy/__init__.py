"""SMM Academy: an internal e-learning site about social media work."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .config import PROJECT_ROOT, build_config


def create_app(config: dict | None = None) -> Flask:
    """Application factory: build a configured app with every blueprint."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(build_config(Path(app.instance_path), config))
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import database, errors, i18n, params, security, templating
    from .catalog_state import init_catalog
    from .extensions import csrf, db, login_manager, mail, migrate

    params.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    init_catalog(app)

    from .admin import bp as admin_bp
    from .assessment import bp as assessment_bp
    from .auth import bp as auth_bp
    from .badges import bp as badges_bp
    from .candidate import bp as candidate_bp
    from .exports import bp as exports_bp
    from .hr import bp as hr_bp
    from .learn import bp as learn_bp
    from .main import bp as main_bp
    from .plans import bp as plans_bp
    from .reviews import bp as reviews_bp
    from .sso import bp as sso_bp
    from .sso import init_app as init_sso
    from .team import bp as team_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(team_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(hr_bp)
    app.register_blueprint(candidate_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(plans_bp)
    init_sso(app)

    from .cli import register_cli

    register_cli(app)
    return app
