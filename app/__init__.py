"""Waypoint: the application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import database, summaries
from .extensions import csrf, db, htmx, limiter, login_manager, migrate
from .routing import IdConverter
from .template_environment import SharedGlobalsEnvironment

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides the environment (tests pass their own)."""
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = SharedGlobalsEnvironment  # before anything builds app.jinja_env
    app.config.update(config_module.load(Path(app.instance_path)))
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["TRUST_PROXY_HOPS"]:
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    app.url_map.converters["int"] = IdConverter
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", database.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)

    from . import models  # noqa: F401  (models register their tables)

    database.configure_engine_events(app)
    summaries.listen()

    from .accounts import bp as accounts_bp
    from .certificates import bp as certificates_bp
    from .checkins import bp as checkins_bp
    from .errors import bp as errors_bp
    from .gamification import bp as gamification_bp
    from .goals import bp as goals_bp
    from .home import bp as home_bp
    from .meetings import bp as meetings_bp
    from .notices import bp as notices_bp
    from .notifications import bp as notifications_bp
    from .onboarding import bp as onboarding_bp
    from .outcomes import bp as outcomes_bp
    from .pairing import bp as pairing_bp
    from .programs import bp as programs_bp
    from .pwa import bp as pwa_bp
    from .surveys import bp as surveys_bp

    for blueprint in (
        errors_bp,
        accounts_bp,
        home_bp,
        programs_bp,
        onboarding_bp,
        pairing_bp,
        notices_bp,
        notifications_bp,
        checkins_bp,
        goals_bp,
        meetings_bp,
        gamification_bp,
        outcomes_bp,
        surveys_bp,
        certificates_bp,
        pwa_bp,
    ):
        app.register_blueprint(blueprint)

    from . import assets, auth, cli, compression, page_links, queue, security, templating
    from .nudges import tasks  # noqa: F401  (the queue's tasks register themselves)

    queue.init_app(app)

    auth.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    compression.init_app(app)
    templating.init_app(app)
    page_links.init_app(app)
    cli.init_app(app)
    return app
