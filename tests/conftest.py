"""Fixtures: the app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set).

The schema is built by the real Alembic migrations once per database, so
every run also proves the migrations work on both engines. Each test
starts from empty tables.
"""

from __future__ import annotations

import contextvars
import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from portfolio import create_app
from portfolio.domain.vocabulary import Role
from portfolio.models import Base, Region, db
from portfolio.services.demo import seed_reference_data
from portfolio.services.users import create_user

PASSWORD = "Correct-Horse-42"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def _database_url(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    return url


def _reset_postgresql(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def app_on_backend(request, tmp_path_factory):
    url = _database_url(request.param, tmp_path_factory)
    if request.param == "postgresql":
        _reset_postgresql(url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "BACKEND": request.param,
            # scrypt is deliberately slow; tests only need a correct hash.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            # Tests log in many times from one address; the throttle has its own test.
            "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        }
    )

    with app.app_context():
        upgrade()
        # Rows the migrations themselves insert (legal usury ceilings) are
        # put back after each test's cleanup.
        with db.engine.connect() as conn:
            app.extensions["migration_rows"] = {
                table: [dict(row._mapping) for row in conn.execute(table.select())]
                for table in Base.metadata.sorted_tables
            }
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(app_on_backend):
    with app_on_backend.app_context():
        yield app_on_backend
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            for table, rows in app_on_backend.extensions["migration_rows"].items():
                if rows:
                    conn.execute(table.insert(), rows)


class OwnContextClient(FlaskClient):
    """Each request runs in a fresh context, as on a real server.

    The `app` fixture keeps an app context open for the test's own database
    work; without this, `g` (the logged-in user, the chosen locale) and the
    database session would carry over from one request to the next.
    """

    def open(self, *args, **kwargs):
        db.session.rollback()  # the test's own session lets go, as another process would
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    return OwnContextClient(app, app.response_class)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def reference(app):
    """Places and sectors from DOMAIN.md."""
    seed_reference_data()


@pytest.fixture
def users(app, reference):
    """One account per role; the monitor works in Kayes."""
    kayes = db.session.scalar(sa.select(Region.id).where(Region.name == "Kayes"))
    made = {}
    for role in Role:
        made[role] = create_user(
            email=f"{role.value}@test.ml",
            name=f"Test {role.value}",
            role=role,
            password=PASSWORD,
            region_id=kayes if role is Role.MONITOR else None,
        )
    return made


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, role: Role | str, password: str = PASSWORD):
        return self.client.post(
            "/connexion", data={"email": f"{Role(role).value}@test.ml", "password": password}
        )

    def logout(self):
        return self.client.post("/deconnexion")


@pytest.fixture
def auth(client, users):
    return Auth(client)
