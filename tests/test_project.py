"""Project-wide checks: migrations, lint, health, plugin discovery."""

import subprocess
import sys

import pytest
from django.apps import apps
from django.core.management import call_command

from marketplace.extensions import discover_plugins

from .subprocess_django import BASE_DIR, run_django


@pytest.mark.django_db
def test_models_have_migrations():
    # Only the project's apps: on Django 5.2 Saleor's product app reports a
    # state-only difference (through_fields on five many-to-many fields) that
    # changes no table, and its migrations live in site-packages.
    labels = [
        config.label
        for config in apps.get_app_configs()
        if not config.name.startswith(("saleor", "django"))
        and config.models_module is not None
    ]

    # Raises SystemExit(1) when a model change has no migration.
    call_command("makemigrations", *labels, check=True, dry_run=True, verbosity=0)


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."]],
    ids=["ruff-check", "ruff-format"],
)
def test_code_passes_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_health_answers_when_database_answers(api_client):
    response = api_client._client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_health_reports_unavailable_database():
    code = """
    from django.test import Client
    response = Client(HTTP_HOST="localhost").get("/health/")
    print(response.status_code, response.json()["status"])
    """
    result = run_django(
        code, env={"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "503 unavailable"


def test_discover_plugins_reads_declarations(tmp_path):
    # given
    for name, body in {
        "late": 'SALEOR_PLUGIN = "plugins.late.plugin.Late"\nPLUGIN_ORDER = 90\n',
        "early": 'SALEOR_PLUGIN = "plugins.early.plugin.Early"\nPLUGIN_ORDER = 5\n',
        "plain": '"""No Saleor plugin."""\n',
    }.items():
        package = tmp_path / "plugins" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(body)
        (package / "apps.py").write_text("")
    (tmp_path / "plugins" / "not_an_app").mkdir()

    # when
    specs = discover_plugins(tmp_path / "plugins")

    # then
    assert [(s.name, s.saleor_plugin) for s in specs] == [
        ("early", "plugins.early.plugin.Early"),
        ("late", "plugins.late.plugin.Late"),
        ("plain", None),
    ]


def test_discover_plugins_rejects_unknown_names(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    (tmp_path / "plugins").mkdir()

    with pytest.raises(ImproperlyConfigured, match="unknown plugins: nope"):
        discover_plugins(tmp_path / "plugins", enabled=["nope"])
