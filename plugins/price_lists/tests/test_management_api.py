from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from graphene import Node

from plugins.price_lists.models import PriceList, PriceListEntry
from tests.fixtures.accounts import grant
from tests.fixtures.api import ApiClient
from tests.fixtures.price_lists import create_price_list

PRICE_LIST_CREATE = """
mutation ($input: PriceListCreateInput!) {
  priceListCreate(input: $input) {
    priceList {
      id name slug currency isDefault priority channel
      countries { code }
      companies { name }
    }
    errors { field code message }
    priceListErrors { field code message }
  }
}
"""

PRICE_LIST_UPDATE = """
mutation ($id: ID!, $input: PriceListInput!) {
  priceListUpdate(id: $id, input: $input) {
    priceList { id currency isActive priority }
    errors { field code message }
  }
}
"""

ENTRIES_UPSERT = """
mutation ($id: ID!, $entries: [PriceListEntryInput!]!, $mode: PriceListBulkMode) {
  priceListEntriesBulkUpsert(priceListId: $id, entries: $entries, mode: $mode) {
    count
    priceList { entryCount }
    errors { field code message row }
  }
}
"""

ENTRIES_IMPORT = """
mutation ($id: ID!, $csv: String, $mode: PriceListBulkMode) {
  priceListEntriesImport(priceListId: $id, csv: $csv, mode: $mode) {
    count
    errors { field code message row }
  }
}
"""


def grant_manage_price_lists(user):
    # ``grant`` adds to ``permissions``, which only apps have.
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="price_lists", codename="manage_price_lists"
        )
    )
    return user


@pytest.fixture
def manager_client(staff_user):
    return ApiClient(user=grant_manage_price_lists(staff_user))


def list_id(price_list):
    return Node.to_global_id("PriceList", price_list.pk)


def create_input(**fields):
    return {"name": "Brazil list", "currency": "BRL", "countries": ["BR"], **fields}


def test_price_list_create_returns_list(manager_client, company):
    # when
    data = manager_client.execute(
        PRICE_LIST_CREATE,
        {
            "input": create_input(
                name="Alfa contract",
                countries=["BR"],
                companies=[Node.to_global_id("Company", company.pk)],
                priority=5,
            )
        },
    )["priceListCreate"]

    # then
    assert data["errors"] == data["priceListErrors"] == []
    assert data["priceList"]["slug"] == "alfa-contract"
    assert data["priceList"]["countries"] == [{"code": "BR"}]
    assert data["priceList"]["companies"] == [{"name": "Construtora Alfa"}]
    assert PriceList.objects.get().companies.get() == company


def test_price_list_create_requires_permission(staff_api_client):
    # when
    response = staff_api_client.post(PRICE_LIST_CREATE, {"input": create_input()})

    # then
    assert "permission" in response.json()["errors"][0]["message"]
    assert not PriceList.objects.exists()


def test_price_list_create_by_app_with_permission(app):
    # given
    grant(app, "price_lists.manage_price_lists")
    client = ApiClient(app_token=app.tokens.get().auth_token)

    # when
    data = client.execute(PRICE_LIST_CREATE, {"input": create_input()})

    # then
    assert data["priceListCreate"]["errors"] == []


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"currency": "JPY"}, "currency", "UNSUPPORTED_CURRENCY"),
        ({"countries": []}, "countries", "REQUIRED"),
        ({"name": " "}, "name", "REQUIRED"),
        (
            {
                "startsAt": "2026-02-01T00:00:00+00:00",
                "endsAt": "2026-01-01T00:00:00+00:00",
            },
            "endsAt",
            "INVALID_DATE_RANGE",
        ),
    ],
)
def test_price_list_create_rejects_invalid_input(manager_client, fields, field, code):
    # when
    data = manager_client.execute(PRICE_LIST_CREATE, {"input": create_input(**fields)})

    # then
    errors = data["priceListCreate"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [(field, code)]
    assert not PriceList.objects.exists()


def test_price_list_create_rejects_second_currency_in_country(manager_client):
    # given
    create_price_list("Brazil list", "BRL", ["BR"])

    # when
    data = manager_client.execute(
        PRICE_LIST_CREATE,
        {
            "input": create_input(
                name="Latam USD", currency="USD", countries=["AR", "BR"]
            )
        },
    )["priceListCreate"]

    # then
    assert [error["code"] for error in data["errors"]] == ["CURRENCY_MISMATCH"]
    assert PriceList.objects.count() == 1


def test_price_list_create_rejects_tie_with_overlapping_list(manager_client):
    # given
    now = timezone.now()
    create_price_list(
        "Carnival", "BRL", ["BR"], starts_at=now, ends_at=now + timedelta(days=7)
    )

    # when
    data = manager_client.execute(
        PRICE_LIST_CREATE,
        {
            "input": create_input(
                name="Summer",
                startsAt=(now + timedelta(days=3)).isoformat(),
                endsAt=(now + timedelta(days=30)).isoformat(),
            )
        },
    )["priceListCreate"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("priority", "OVERLAPPING_VALIDITY")
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"priority": 1},
        {"isDefault": True},
        {"channel": "ref-partner-1"},
        {"countries": ["AR"]},
    ],
)
def test_price_list_create_accepts_list_that_cannot_tie(manager_client, fields):
    # given
    create_price_list("Carnival", "BRL", ["BR"], channel="storefront")

    # when
    data = manager_client.execute(
        PRICE_LIST_CREATE, {"input": create_input(name="Other", **fields)}
    )["priceListCreate"]

    # then
    assert data["errors"] == []


def test_price_list_create_rejects_default_list_for_companies(manager_client, company):
    # when
    data = manager_client.execute(
        PRICE_LIST_CREATE,
        {
            "input": create_input(
                isDefault=True, companies=[Node.to_global_id("Company", company.pk)]
            )
        },
    )["priceListCreate"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("isDefault", "INVALID")
    ]


def test_price_list_update_refuses_currency_change_with_entries(
    manager_client, br_price_list
):
    # when
    data = manager_client.execute(
        PRICE_LIST_UPDATE, {"id": list_id(br_price_list), "input": {"currency": "USD"}}
    )["priceListUpdate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["CURRENCY_MISMATCH"]
    br_price_list.refresh_from_db()
    assert br_price_list.currency == "BRL"


def test_price_list_update_reactivation_checks_ties(manager_client):
    # given
    create_price_list("Carnival", "BRL", ["BR"])
    paused = create_price_list("Carnival copy", "BRL", ["BR"], is_active=False)

    # when
    data = manager_client.execute(
        PRICE_LIST_UPDATE, {"id": list_id(paused), "input": {"isActive": True}}
    )["priceListUpdate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["OVERLAPPING_VALIDITY"]
    paused.refresh_from_db()
    assert paused.is_active is False


def test_price_list_delete_removes_entries(manager_client, br_price_list):
    # when
    data = manager_client.execute(
        """
        mutation ($id: ID!) {
          priceListDelete(id: $id) { priceList { id name } errors { code } }
        }
        """,
        {"id": list_id(br_price_list)},
    )["priceListDelete"]

    # then
    assert data["priceList"] == {"id": list_id(br_price_list), "name": "Brazil list"}
    assert not PriceList.objects.exists()
    assert not PriceListEntry.objects.exists()


def test_price_lists_query_filters_by_country(manager_client, regional_price_lists):
    # when
    data = manager_client.execute(
        """
        { priceLists(first: 10, country: US) {
            edges { node { name currency entryCount
              entries(first: 5) { edges { node { sku minQuantity
                price { amount currency } } } } } } } }
        """
    )

    # then
    [edge] = data["priceLists"]["edges"]
    assert edge["node"]["name"] == "United States list"
    assert edge["node"]["entryCount"] == 2
    assert [e["node"]["price"] for e in edge["node"]["entries"]["edges"]] == [
        {"amount": 39.9, "currency": "USD"},
        {"amount": 37.5, "currency": "USD"},
    ]


def test_price_lists_query_hidden_from_buyers(user_api_client, br_price_list):
    # when
    response = user_api_client.post(
        "{ priceLists(first: 1) { edges { node { id } } } }"
    )

    # then
    assert "permission" in response.json()["errors"][0]["message"]


def test_price_list_query_by_id(manager_client, br_price_list):
    # when
    data = manager_client.execute(
        "query ($id: ID!) { priceList(id: $id) { name isDefault } }",
        {"id": list_id(br_price_list)},
    )

    # then
    assert data["priceList"] == {"name": "Brazil list", "isDefault": True}


@pytest.fixture
def empty_list(db):
    return create_price_list("Brazil list", "BRL", ["BR"], is_default=True)


def upsert(client, price_list, entries, mode="ATOMIC"):
    return client.execute(
        ENTRIES_UPSERT, {"id": list_id(price_list), "entries": entries, "mode": mode}
    )["priceListEntriesBulkUpsert"]


def stored_tiers(price_list):
    return list(
        price_list.entries.order_by("variant__sku", "min_quantity").values_list(
            "variant__sku", "min_quantity", "amount"
        )
    )


def test_entries_bulk_upsert_creates_and_updates_tiers(
    manager_client, empty_list, variant
):
    # given
    upsert(manager_client, empty_list, [{"sku": variant.sku, "amount": "189.90"}])

    # when
    data = upsert(
        manager_client,
        empty_list,
        [
            {"sku": variant.sku, "amount": "185.00"},
            {
                "variantId": Node.to_global_id("ProductVariant", variant.pk),
                "minQuantity": 10,
                "amount": 175,
            },
        ],
    )

    # then
    assert data["errors"] == []
    assert data["count"] == 2
    assert data["priceList"]["entryCount"] == 2
    assert stored_tiers(empty_list) == [
        (variant.sku, 1, Decimal("185.000")),
        (variant.sku, 10, Decimal("175.000")),
    ]


@pytest.mark.parametrize(
    ("entry", "field", "code"),
    [
        ({"sku": "NOPE", "amount": "10"}, "sku", "UNKNOWN_SKU"),
        ({"amount": "0"}, "amount", "AMOUNT_NOT_POSITIVE"),
        ({"amount": "-5"}, "amount", "AMOUNT_NOT_POSITIVE"),
        ({"amount": "10.005"}, "amount", "AMOUNT_PRECISION_EXCEEDED"),
        ({"amount": "10", "minQuantity": 0}, "minQuantity", "INVALID_QUANTITY"),
        ({"amount": "10", "currency": "USD"}, "currency", "CURRENCY_MISMATCH"),
        ({"amount": "1e15"}, "amount", "INVALID_AMOUNT"),
    ],
)
def test_entries_bulk_upsert_rejects_invalid_row(
    manager_client, empty_list, variant, entry, field, code
):
    # given
    entry = {"sku": variant.sku, **entry}

    # when
    data = upsert(manager_client, empty_list, [entry])

    # then
    assert [(e["field"], e["code"], e["row"]) for e in data["errors"]] == [
        (field, code, 1)
    ]
    assert data["count"] == 0
    assert not PriceListEntry.objects.exists()


def test_entries_bulk_upsert_rejects_tiers_out_of_order(
    manager_client, empty_list, variant
):
    # when
    data = upsert(
        manager_client,
        empty_list,
        [
            {"sku": variant.sku, "minQuantity": 1, "amount": "100"},
            {"sku": variant.sku, "minQuantity": 10, "amount": "90"},
            {"sku": variant.sku, "minQuantity": 100, "amount": "95"},
        ],
    )

    # then
    assert [(e["code"], e["row"]) for e in data["errors"]] == [
        ("TIERS_OUT_OF_ORDER", 3)
    ]
    assert not PriceListEntry.objects.exists()


def test_entries_bulk_upsert_checks_tiers_against_stored_ones(
    manager_client, br_price_list, variant
):
    # given: stored 1+ 189.90, 10+ 179.90, 100+ 159.90

    # when
    data = upsert(
        manager_client, br_price_list, [{"sku": variant.sku, "amount": "150.00"}]
    )

    # then
    assert [(e["code"], e["row"]) for e in data["errors"]] == [
        ("TIERS_OUT_OF_ORDER", 1)
    ]


def test_entries_bulk_upsert_rejects_duplicated_tier(
    manager_client, empty_list, variant
):
    # when
    data = upsert(
        manager_client,
        empty_list,
        [{"sku": variant.sku, "amount": "10"}, {"sku": variant.sku, "amount": "9"}],
    )

    # then
    assert [(e["code"], e["row"]) for e in data["errors"]] == [("DUPLICATED_TIER", 2)]


def test_entries_bulk_upsert_per_row_writes_valid_rows(
    manager_client, empty_list, variant
):
    # when
    data = upsert(
        manager_client,
        empty_list,
        [
            {"sku": variant.sku, "amount": "100"},
            {"sku": "NOPE", "amount": "10"},
            {"sku": variant.sku, "minQuantity": 10, "amount": "-1"},
            {"sku": variant.sku, "minQuantity": 100, "amount": "80"},
        ],
        mode="PER_ROW",
    )

    # then
    assert [(e["code"], e["row"]) for e in data["errors"]] == [
        ("UNKNOWN_SKU", 2),
        ("AMOUNT_NOT_POSITIVE", 3),
    ]
    assert data["count"] == 2
    assert stored_tiers(empty_list) == [
        (variant.sku, 1, Decimal("100.000")),
        (variant.sku, 100, Decimal("80.000")),
    ]


def test_entries_bulk_upsert_atomic_writes_nothing_on_error(
    manager_client, empty_list, variant
):
    # when
    data = upsert(
        manager_client,
        empty_list,
        [{"sku": variant.sku, "amount": "100"}, {"sku": "NOPE", "amount": "10"}],
    )

    # then
    assert data["count"] == 0
    assert [e["code"] for e in data["errors"]] == ["UNKNOWN_SKU"]
    assert not PriceListEntry.objects.exists()


def test_entries_import_reads_csv(manager_client, empty_list, variant):
    # given
    csv = (
        "sku;min_quantity;amount;currency\n"
        f"{variant.sku};1;189,90;BRL\n"
        f"{variant.sku};10;179,90;BRL\n"
    )

    # when
    data = manager_client.execute(
        ENTRIES_IMPORT, {"id": list_id(empty_list), "csv": csv}
    )["priceListEntriesImport"]

    # then
    assert data["errors"] == []
    assert data["count"] == 2
    assert stored_tiers(empty_list) == [
        (variant.sku, 1, Decimal("189.900")),
        (variant.sku, 10, Decimal("179.900")),
    ]


def test_entries_import_reports_csv_lines(manager_client, empty_list, variant):
    # given
    csv = f"sku,amount\n{variant.sku},189.90\nUNKNOWN,10\n{variant.sku},abc\n"

    # when
    data = manager_client.execute(
        ENTRIES_IMPORT, {"id": list_id(empty_list), "csv": csv, "mode": "PER_ROW"}
    )["priceListEntriesImport"]

    # then
    assert [(e["code"], e["row"]) for e in data["errors"]] == [
        ("UNKNOWN_SKU", 3),
        ("INVALID_AMOUNT", 4),
    ]
    assert data["count"] == 1


@pytest.mark.parametrize(
    "csv",
    ["", "sku,price\nA,1\n", "amount\n1\n", "sku,amount\nA,1,2\n"],
)
def test_entries_import_rejects_malformed_csv(manager_client, empty_list, csv):
    # when
    data = manager_client.execute(
        ENTRIES_IMPORT, {"id": list_id(empty_list), "csv": csv}
    )["priceListEntriesImport"]

    # then
    assert [e["code"] for e in data["errors"]] == ["INVALID_CSV"]
    assert data["count"] == 0


def test_entries_import_accepts_uploaded_file(staff_user, empty_list, variant):
    # given
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from graphql_jwt.shortcuts import get_token

    grant_manage_price_lists(staff_user)
    operations = {
        "query": """
            mutation ($id: ID!, $file: Upload!) {
              priceListEntriesImport(priceListId: $id, file: $file) {
                count errors { code }
              }
            }
        """,
        "variables": {"id": list_id(empty_list), "file": None},
    }
    upload = SimpleUploadedFile(
        "prices.csv", f"sku,amount\n{variant.sku},189.90\n".encode(), "text/csv"
    )

    # when
    response = ApiClient()._client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": upload,
        },
        HTTP_AUTHORIZATION=f"JWT {get_token(staff_user)}",
    )

    # then
    data = response.json()["data"]["priceListEntriesImport"]
    assert data == {"count": 1, "errors": []}


def test_entries_bulk_delete_removes_tier(manager_client, br_price_list, variant):
    # when
    data = manager_client.execute(
        """
        mutation ($id: ID!, $entries: [PriceListEntryKeyInput!]!) {
          priceListEntriesBulkDelete(priceListId: $id, entries: $entries) {
            count errors { code }
          }
        }
        """,
        {
            "id": list_id(br_price_list),
            "entries": [{"sku": variant.sku, "minQuantity": 10}],
        },
    )["priceListEntriesBulkDelete"]

    # then
    assert data == {"count": 1, "errors": []}
    assert [tier[1] for tier in stored_tiers(br_price_list)] == [1, 100]
