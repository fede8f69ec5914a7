"""The marketplace is safe by default: what production gets unless told."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from graphql_jwt.settings import jwt_settings
from graphql_jwt.utils import jwt_encode, jwt_payload

from .subprocess_django import run_django

PRODUCTION_ENV = {
    "DEBUG": None,
    "DEMO_MODE": None,
    "SECRET_KEY": "k3y-Test-0nly-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a",
}


def read_settings(env, *names):
    code = f"""
    import json
    from django.conf import settings
    print(json.dumps({{name: str(getattr(settings, name)) for name in {names!r}}}))
    """
    result = run_django(code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_safe():
    # when
    values = read_settings(
        PRODUCTION_ENV,
        "DEBUG",
        "PLUGINS",
        "PLAYGROUND_ENABLED",
        "MEDIA_ROOT",
        "SECURE_SSL_REDIRECT",
        "CELERY_TASK_ALWAYS_EAGER",
    )

    # then
    assert values["DEBUG"] == "False"
    assert "DummyGatewayPlugin" not in values["PLUGINS"]
    assert values["PLAYGROUND_ENABLED"] == "False"
    assert "site-packages" not in values["MEDIA_ROOT"]
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "True"


def test_demo_mode_enables_dummy_gateway_and_plain_http():
    values = read_settings(
        {**PRODUCTION_ENV, "DEMO_MODE": "true"}, "PLUGINS", "SECURE_SSL_REDIRECT"
    )

    assert "DummyGatewayPlugin" in values["PLUGINS"]
    assert values["SECURE_SSL_REDIRECT"] == "False"


def test_production_refuses_to_start_without_secret_key():
    result = run_django("", env={**PRODUCTION_ENV, "SECRET_KEY": None})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_missing_database_url_says_what_to_do():
    result = run_django("", env={**PRODUCTION_ENV, "DATABASE_URL": None})

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_invalid_boolean_is_rejected():
    result = run_django("", env={**PRODUCTION_ENV, "DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_deploy_checks_pass_with_production_defaults():
    code = """
    from django.core.management import call_command
    call_command("check", deploy=True, fail_level="WARNING")
    """
    result = run_django(
        code, env={**PRODUCTION_ENV, "ALLOWED_HOSTS": "shop.example.com"}
    )

    assert result.returncode == 0, result.stderr


def test_broker_url_switches_tasks_to_celery():
    values = read_settings(
        {**PRODUCTION_ENV, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15"},
        "CELERY_TASK_ALWAYS_EAGER",
    )

    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"


ME_QUERY = "{ me { email } }"


def test_expired_token_is_rejected(api_client, customer_user):
    # given
    payload = jwt_payload(customer_user)
    payload["exp"] = timezone.now() - timedelta(seconds=1)
    token = jwt_encode(payload)

    # when
    response = api_client._client.post(
        "/graphql/",
        json.dumps({"query": ME_QUERY}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"JWT {token}",
    )

    # then
    content = response.json()
    assert content["errors"][0]["message"] == "Signature has expired"
    assert content["data"]["me"] is None


def test_tokens_expire():
    assert jwt_settings.JWT_VERIFY_EXPIRATION is True
    assert jwt_settings.JWT_EXPIRATION_DELTA <= timedelta(hours=1)


def nested_query(depth):
    """A products query whose selections nest ``depth + 4`` levels deep."""
    selection = "id"
    for _ in range(depth):
        selection = f"parent {{ {selection} }}"
    node = f"category {{ {selection} }}"
    return f"{{ products(first: 1) {{ edges {{ node {{ {node} }} }} }} }}"


def test_query_deeper_than_limit_is_refused(api_client, settings):
    # given
    settings.GRAPHQL_MAX_DEPTH = 8

    # when
    response = api_client.post(nested_query(5))

    # then
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["exception"]["code"] == "QUERY_TOO_DEEP"


def test_query_within_depth_limit_runs(api_client, settings, product):
    settings.GRAPHQL_MAX_DEPTH = 8

    data = api_client.execute(nested_query(2))

    assert len(data["products"]["edges"]) == 1


@pytest.mark.parametrize("first", [100, "$first"])
def test_query_costlier_than_limit_is_refused(api_client, settings, first):
    # given: 100 products, each with 100 products of its category
    settings.GRAPHQL_MAX_COST = 5_000
    query = f"""
    query Costly($first: Int) {{ products(first: {first}) {{ edges {{ node {{
        category {{ products(first: {first}) {{ edges {{ node {{ id name }} }} }} }}
    }} }} }} }}
    """

    # when
    response = api_client.post(query, {"first": 100})

    # then
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["exception"]["code"] == "QUERY_TOO_COSTLY"


def test_fragments_count_towards_depth(api_client, settings):
    settings.GRAPHQL_MAX_DEPTH = 6
    query = """
    fragment Deep on Category { parent { parent { parent { id } } } }
    { products(first: 1) { edges { node { category { ...Deep } } } } }
    """

    response = api_client.post(query)

    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == (
        "QUERY_TOO_DEEP"
    )


def test_introspection_is_not_limited_by_depth(api_client, settings):
    settings.GRAPHQL_MAX_DEPTH = 3
    query = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"

    data = api_client.execute(query)

    assert data["__schema"]["types"]
