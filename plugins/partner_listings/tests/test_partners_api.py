from decimal import Decimal

import pytest
from graphene import Node

from plugins.partner_listings.models import Partner, PartnerMember, PriceBand
from tests.fixtures.accounts import grant
from tests.fixtures.api import ApiClient
from tests.fixtures.partners import make_cnpj

PARTNER_CREATE = """
mutation ($input: PartnerInput!) {
  partnerCreate(input: $input) {
    partner { id slug kind status regions taxId warehouses { slug } webhookSecret }
    errors { field code message }
  }
}
"""

PARTNER_UPDATE = """
mutation ($id: ID!, $input: PartnerInput!) {
  partnerUpdate(id: $id, input: $input) {
    partner { status webhookUrl lowStockThreshold }
    errors { field code message }
  }
}
"""

MEMBER_ADD = """
mutation ($partner: ID!, $email: String!, $role: PartnerMemberRole!) {
  partnerMemberAdd(partner: $partner, email: $email, role: $role) {
    member { email role }
    errors { field code message }
  }
}
"""

PARTNERS = """
{ partners(first: 10) { edges { node { slug payoutAccount } } } }
"""

BAND_SET = """
mutation ($input: PriceBandInput!) {
  partnerPriceBandSet(input: $input) {
    band { floorPercent ceilingPercent action partner { slug } }
    errors { field code message }
  }
}
"""


def partner_input(warehouse=None, **extra):
    data = {
        "name": "Atacado Delta",
        "kind": "DISTRIBUTOR",
        "taxId": make_cnpj(12312312),
        "regions": ["BR", "pt"],
        "payoutAccount": "acct_delta",
    }
    if warehouse is not None:
        data["warehouses"] = [Node.to_global_id("Warehouse", warehouse.pk)]
    return {**data, **extra}


def test_partner_create_by_brand_staff(partner_manager, warehouse):
    # when
    data = ApiClient(user=partner_manager).execute(
        PARTNER_CREATE, {"input": partner_input(warehouse)}
    )["partnerCreate"]

    # then
    assert data["errors"] == []
    partner = data["partner"]
    assert partner["slug"] == "atacado-delta"
    assert partner["kind"] == "DISTRIBUTOR"
    assert partner["status"] == "ACTIVE"
    assert partner["regions"] == ["BR", "PT"]
    assert partner["warehouses"] == [{"slug": warehouse.slug}]
    assert len(partner["webhookSecret"]) == 64


def test_partner_create_by_app_with_permission(app):
    # given
    grant(app, "partner_listings.manage_partners")

    # when
    data = ApiClient(app_token=app.tokens.get().auth_token).execute(
        PARTNER_CREATE, {"input": partner_input()}
    )["partnerCreate"]

    # then
    assert data["errors"] == []


@pytest.mark.parametrize("client_kind", ["staff", "app", "member"])
def test_partner_create_without_permission_is_refused(
    staff_user, app, member_a, client_kind
):
    # given
    client = {
        "staff": ApiClient(user=staff_user),
        "app": ApiClient(app_token=app.tokens.get().auth_token),
        "member": ApiClient(user=member_a),
    }[client_kind]
    count = Partner.objects.count()

    # when
    data = client.execute(PARTNER_CREATE, {"input": partner_input()})["partnerCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]
    assert Partner.objects.count() == count


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"taxId": "11.222.333/0001-00"}, "taxId", "INVALID_TAX_ID"),
        ({"regions": ["BR", "XX"]}, "regions", "INVALID_REGION"),
        ({"name": ""}, "name", "REQUIRED"),
    ],
)
def test_partner_create_bad_input_is_refused(partner_manager, extra, field, code):
    # when
    data = ApiClient(user=partner_manager).execute(
        PARTNER_CREATE, {"input": partner_input(**extra)}
    )["partnerCreate"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(field, code)]
    assert not Partner.objects.filter(slug="atacado-delta").exists()


def test_partner_create_same_tax_id_is_refused(partner_manager, partner_a):
    # when
    data = ApiClient(user=partner_manager).execute(
        PARTNER_CREATE, {"input": partner_input(taxId=partner_a.tax_id)}
    )["partnerCreate"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("taxId", "UNIQUE")]


def test_partner_create_warehouse_of_other_partner_is_refused(
    partner_manager, partner_a
):
    # given
    held = partner_a.held_warehouses.get().warehouse

    # when
    data = ApiClient(user=partner_manager).execute(
        PARTNER_CREATE, {"input": partner_input(held)}
    )["partnerCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["WAREHOUSE_ALREADY_HELD"]
    assert not Partner.objects.filter(slug="atacado-delta").exists()


def test_partner_update_suspend_by_brand(partner_manager, partner_a):
    # when
    data = ApiClient(user=partner_manager).execute(
        PARTNER_UPDATE,
        {
            "id": Node.to_global_id("Partner", partner_a.pk),
            "input": {"status": "SUSPENDED"},
        },
    )["partnerUpdate"]

    # then
    assert data["partner"]["status"] == "SUSPENDED"


def test_partner_update_by_owner_is_limited(owner_a, partner_a, partner_b):
    # given
    client = ApiClient(user=owner_a)
    own = Node.to_global_id("Partner", partner_a.pk)

    # when
    webhook = client.execute(
        PARTNER_UPDATE,
        {"id": own, "input": {"webhookUrl": "https://erp.alfa.example.com/hooks"}},
    )["partnerUpdate"]
    status = client.execute(
        PARTNER_UPDATE, {"id": own, "input": {"autoApproveListings": True}}
    )["partnerUpdate"]
    other = client.execute(
        PARTNER_UPDATE,
        {
            "id": Node.to_global_id("Partner", partner_b.pk),
            "input": {"webhookUrl": "https://evil.example.com"},
        },
    )["partnerUpdate"]

    # then
    assert webhook["errors"] == []
    assert webhook["partner"]["webhookUrl"] == "https://erp.alfa.example.com/hooks"
    assert [e["code"] for e in status["errors"]] == ["PERMISSION_DENIED"]
    assert [e["code"] for e in other["errors"]] == ["PERMISSION_DENIED"]
    partner_a.refresh_from_db()
    partner_b.refresh_from_db()
    assert not partner_a.auto_approve_listings
    assert partner_b.webhook_url == ""


def test_partner_member_add_by_owner(owner_a, partner_a, customer_user):
    # when
    data = ApiClient(user=owner_a).execute(
        MEMBER_ADD,
        {
            "partner": Node.to_global_id("Partner", partner_a.pk),
            "email": customer_user.email,
            "role": "VIEWER",
        },
    )["partnerMemberAdd"]

    # then
    assert data["member"] == {"email": customer_user.email, "role": "VIEWER"}
    assert PartnerMember.objects.get(user=customer_user).partner == partner_a


def test_partner_member_add_by_manager_or_other_partner_is_refused(
    member_a, member_b, partner_a, customer_user
):
    # given
    variables = {
        "partner": Node.to_global_id("Partner", partner_a.pk),
        "email": customer_user.email,
        "role": "OWNER",
    }

    # when
    by_manager = ApiClient(user=member_a).execute(MEMBER_ADD, variables)
    by_other = ApiClient(user=member_b).execute(MEMBER_ADD, variables)

    # then
    for data in (by_manager, by_other):
        errors = data["partnerMemberAdd"]["errors"]
        assert [e["code"] for e in errors] == ["PERMISSION_DENIED"]
    assert not PartnerMember.objects.filter(user=customer_user).exists()


def test_partner_member_add_member_of_other_partner_is_refused(
    partner_manager, partner_a, member_b
):
    # when
    data = ApiClient(user=partner_manager).execute(
        MEMBER_ADD,
        {
            "partner": Node.to_global_id("Partner", partner_a.pk),
            "email": member_b.email,
            "role": "MANAGER",
        },
    )["partnerMemberAdd"]

    # then
    assert [e["code"] for e in data["errors"]] == ["ALREADY_MEMBER"]


def test_partners_query_needs_manage_partners(
    partner_manager, member_a, partner_a, partner_b
):
    # when
    brand = ApiClient(user=partner_manager).execute(PARTNERS)
    member = ApiClient(user=member_a).post(PARTNERS).json()

    # then
    assert [e["node"]["slug"] for e in brand["partners"]["edges"]] == [
        partner_a.slug,
        partner_b.slug,
    ]
    assert member["data"]["partners"] is None
    assert member["errors"]


def test_price_band_set_replaces_band_of_same_scope(partner_manager, partner_a):
    # given
    client = ApiClient(user=partner_manager)
    scope = {"partner": Node.to_global_id("Partner", partner_a.pk)}

    # when
    client.execute(
        BAND_SET, {"input": {**scope, "floorPercent": 95, "ceilingPercent": 120}}
    )
    data = client.execute(
        BAND_SET,
        {
            "input": {
                **scope,
                "floorPercent": 90,
                "ceilingPercent": 110,
                "action": "HOLD",
            }
        },
    )["partnerPriceBandSet"]

    # then
    assert data["errors"] == []
    assert data["band"] == {
        "floorPercent": 90.0,
        "ceilingPercent": 110.0,
        "action": "HOLD",
        "partner": {"slug": partner_a.slug},
    }
    assert PriceBand.objects.count() == 1


@pytest.mark.parametrize(("floor", "ceiling"), [(120, 95), (0, 100), (50, 5000)])
def test_price_band_set_invalid_range_is_refused(partner_manager, floor, ceiling):
    # when
    data = ApiClient(user=partner_manager).execute(
        BAND_SET, {"input": {"floorPercent": floor, "ceilingPercent": ceiling}}
    )["partnerPriceBandSet"]

    # then
    assert [e["code"] for e in data["errors"]] == ["INVALID_BAND"]
    assert not PriceBand.objects.exists()


def test_price_band_set_by_partner_is_refused(member_a):
    # when
    data = ApiClient(user=member_a).execute(
        BAND_SET, {"input": {"floorPercent": 1, "ceilingPercent": 1000}}
    )["partnerPriceBandSet"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]


def test_partner_app_acts_for_its_partner_only(
    partner_manager, app, partner_a, partner_b, variant
):
    # given: the brand links the app (partner A's ERP) to partner A
    from tests.fixtures.partners import create_listing

    linked = ApiClient(user=partner_manager).execute(
        PARTNER_UPDATE,
        {
            "id": Node.to_global_id("Partner", partner_a.pk),
            "input": {"apps": [Node.to_global_id("App", app.pk)]},
        },
    )["partnerUpdate"]
    erp = ApiClient(app_token=app.tokens.get().auth_token)
    listing_b = create_listing(partner_b, variant, "190.00")
    create = """
    mutation ($input: PartnerListingCreateInput!) {
      partnerListingCreate(input: $input) {
        listing { partner { slug } } errors { code }
      }
    }
    """
    update = """
    mutation ($id: ID!) {
      partnerListingUpdate(id: $id, input: {price: 1}) { errors { code } }
    }
    """

    # when
    own = erp.execute(
        create,
        {
            "input": {
                "variant": Node.to_global_id("ProductVariant", variant.pk),
                "country": "BR",
                "price": "190.00",
            }
        },
    )["partnerListingCreate"]
    other = erp.execute(
        update, {"id": Node.to_global_id("PartnerListing", listing_b.pk)}
    )

    # then
    assert linked["errors"] == []
    assert own["errors"] == []
    assert own["listing"]["partner"]["slug"] == partner_a.slug
    errors = other["partnerListingUpdate"]["errors"]
    assert [e["code"] for e in errors] == ["PERMISSION_DENIED"]
    listing_b.refresh_from_db()
    assert listing_b.price_amount == Decimal("190.00")
