from .fixtures.accounts import grant

TOKEN_CREATE = """
mutation Login($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token
    errors: accountErrors { field code }
  }
}
"""


def test_token_create_then_me(api_client, customer_user):
    # given
    login = api_client.execute(
        TOKEN_CREATE,
        {"email": customer_user.email, "password": "password-for-tests"},
    )
    token = login["tokenCreate"]["token"]

    # when
    response = api_client.post("{ me { email } }", HTTP_AUTHORIZATION=f"JWT {token}")

    # then
    assert response.json()["data"]["me"]["email"] == customer_user.email


def test_token_create_with_wrong_password_fails(api_client, customer_user):
    data = api_client.execute(
        TOKEN_CREATE, {"email": customer_user.email, "password": "wrong-password"}
    )

    assert data["tokenCreate"]["token"] is None
    assert data["tokenCreate"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


STAFF_ONLY_QUERY = "{ warehouses(first: 5) { edges { node { name } } } }"


def test_app_token_with_permission_reads_protected_data(app_api_client, app, warehouse):
    # given
    grant(app, "manage_products")

    # when
    data = app_api_client.execute(STAFF_ONLY_QUERY)

    # then
    names = [edge["node"]["name"] for edge in data["warehouses"]["edges"]]
    assert names == [warehouse.name]


def test_app_token_without_permission_is_refused(app_api_client, warehouse):
    content = app_api_client.execute(STAFF_ONLY_QUERY, check_errors=False)

    assert content["data"]["warehouses"] is None
    assert content["errors"][0]["extensions"]["exception"]["code"] == (
        "PermissionDenied"
    )


def test_unknown_app_token_is_anonymous(warehouse):
    from .fixtures.api import ApiClient

    content = ApiClient(app_token="not-a-token").execute(
        STAFF_ONLY_QUERY, check_errors=False
    )

    assert content["data"]["warehouses"] is None
