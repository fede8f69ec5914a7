from decimal import Decimal

import pytest
from graphene import Node
from saleor.warehouse.models import Stock

from plugins.partner_listings.models import ListingStatus, PartnerListing
from tests.fixtures.api import ApiClient

LISTING_CREATE = """
mutation ($input: PartnerListingCreateInput!) {
  partnerListingCreate(input: $input) {
    listing {
      id status priceCheck price { amount currency }
      partner { slug }
      stocks { warehouse { slug } quantity }
    }
    errors { field code message }
  }
}
"""

LISTING_UPDATE = """
mutation ($id: ID!, $input: PartnerListingUpdateInput!) {
  partnerListingUpdate(id: $id, input: $input) {
    listing { id status price { amount } minOrderQuantity }
    errors { field code message }
  }
}
"""

LISTING_DELETE = """
mutation ($id: ID!) {
  partnerListingDelete(id: $id) { errors { field code message } }
}
"""

LISTING_APPROVE = """
mutation ($id: ID!) {
  partnerListingApprove(id: $id) {
    listing { status }
    errors { field code message }
  }
}
"""

LISTING_REJECT = """
mutation ($id: ID!, $reason: String!) {
  partnerListingReject(id: $id, reason: $reason) {
    listing { status rejectionReason }
    errors { field code message }
  }
}
"""

MY_PARTNER = """
{ myPartner { slug kind warehouses { slug } } }
"""

PARTNER_LISTINGS = """
{ partnerListings(first: 20) { edges { node { id partner { slug } } } } }
"""


def variant_id(variant):
    return Node.to_global_id("ProductVariant", variant.pk)


def listing_id(listing):
    return Node.to_global_id("PartnerListing", listing.pk)


def warehouse_id(partner):
    hold = partner.held_warehouses.get()
    return Node.to_global_id("Warehouse", hold.warehouse_id)


@pytest.fixture
def priced_variant(variant, br_price_list):
    """The drill, at 189.90 BRL for one unit on the brand's BR list."""
    return variant


def create_input(variant, price, **extra):
    return {"variant": variant_id(variant), "country": "BR", "price": price, **extra}


def test_my_partner_returns_the_members_partner(member_a, partner_a):
    # when
    data = ApiClient(user=member_a).execute(MY_PARTNER)

    # then
    assert data["myPartner"]["slug"] == partner_a.slug
    assert data["myPartner"]["kind"] == "DISTRIBUTOR"
    assert data["myPartner"]["warehouses"] == [{"slug": "alfa-campinas"}]


def test_listing_create_by_member_waits_for_review_with_stock(
    member_a, partner_a, priced_variant, default_band
):
    # given
    client = ApiClient(user=member_a)
    stocks = [{"warehouse": warehouse_id(partner_a), "quantity": 40}]

    # when
    data = client.execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "185.00", stocks=stocks)}
    )["partnerListingCreate"]

    # then
    assert data["errors"] == []
    listing = data["listing"]
    assert listing["status"] == "PENDING_REVIEW"
    assert listing["priceCheck"] is None
    assert listing["price"] == {"amount": 185.0, "currency": "BRL"}
    assert listing["partner"]["slug"] == partner_a.slug
    assert listing["stocks"] == [
        {"warehouse": {"slug": "alfa-campinas"}, "quantity": 40}
    ]


def test_listing_create_auto_approved_partner_in_band_is_approved(
    member_a, partner_a, priced_variant, default_band
):
    # given
    partner_a.auto_approve_listings = True
    partner_a.save()

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "190.00")}
    )["partnerListingCreate"]

    # then
    assert data["errors"] == []
    assert data["listing"]["status"] == "APPROVED"


@pytest.mark.parametrize(
    ("price", "code"),
    [("180.00", "PRICE_BELOW_FLOOR"), ("228.00", "PRICE_ABOVE_CEILING")],
)
def test_listing_create_out_of_band_is_refused(
    member_a, priced_variant, default_band, price, code
):
    # given: the band is 95%-120% of 189.90, i.e. 180.41 to 227.88

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, price)}
    )["partnerListingCreate"]

    # then
    assert data["listing"] is None
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("price", code)]
    assert not PartnerListing.objects.exists()


@pytest.mark.parametrize("price", ["180.41", "227.88"])
def test_listing_create_at_band_limits_is_accepted(
    member_a, priced_variant, default_band, price
):
    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, price)}
    )["partnerListingCreate"]

    # then
    assert data["errors"] == []


def test_listing_create_out_of_band_is_held_when_band_holds(
    member_a, partner_a, priced_variant, default_band
):
    # given
    default_band.action = "hold"
    default_band.save()
    partner_a.auto_approve_listings = True
    partner_a.save()

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "150.00")}
    )["partnerListingCreate"]

    # then
    assert data["errors"] == []
    assert data["listing"]["status"] == "PENDING_REVIEW"
    assert data["listing"]["priceCheck"] == "PRICE_BELOW_FLOOR"


def test_listing_create_partner_band_overrides_default_band(
    member_a, partner_a, priced_variant, default_band
):
    # given: the partner may sell down to 80%
    from plugins.partner_listings.models import PriceBand

    PriceBand.objects.create(
        partner=partner_a, floor_percent=80, ceiling_percent=100, action="refuse"
    )

    # when
    low = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "160.00")}
    )["partnerListingCreate"]

    # then
    assert low["errors"] == []


def test_listing_create_wrong_currency_is_refused(member_a, priced_variant):
    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "40", currency="USD")}
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["CURRENCY_MISMATCH"]


def test_listing_create_region_not_served_is_refused(member_a, priced_variant):
    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE,
        {"input": {**create_input(priced_variant, "40"), "country": "US"}},
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["REGION_NOT_SERVED"]


def test_listing_create_stock_in_other_partners_warehouse_changes_nothing(
    member_a, partner_b, priced_variant
):
    # given
    stocks = [{"warehouse": warehouse_id(partner_b), "quantity": 5}]

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "190", stocks=stocks)}
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["WAREHOUSE_NOT_OWNED"]
    assert not PartnerListing.objects.exists()
    assert not Stock.objects.filter(warehouse__partner_hold__partner=partner_b).exists()


def test_listing_create_for_other_partner_is_refused(
    member_a, partner_b, priced_variant
):
    # given
    partner_id = Node.to_global_id("Partner", partner_b.pk)

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE,
        {"input": create_input(priced_variant, "190", partner=partner_id)},
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]
    assert not PartnerListing.objects.exists()


def test_listing_create_by_viewer_is_refused(viewer_a, priced_variant):
    # when
    data = ApiClient(user=viewer_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "190")}
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]


def test_listing_create_by_buyer_is_refused(customer_user, priced_variant):
    # when
    data = ApiClient(user=customer_user).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "190")}
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("minOrderQuantity", 0), ("orderMultiple", -2), ("leadTimeDays", 400)],
)
def test_listing_create_bad_terms_are_refused(member_a, priced_variant, field, value):
    # when
    data = ApiClient(user=member_a).execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "190", **{field: value})}
    )["partnerListingCreate"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(field, "INVALID")]


def test_listing_create_twice_is_refused_as_duplicate(member_a, priced_variant):
    # given
    client = ApiClient(user=member_a)
    client.execute(LISTING_CREATE, {"input": create_input(priced_variant, "190")})

    # when
    data = client.execute(
        LISTING_CREATE, {"input": create_input(priced_variant, "191")}
    )["partnerListingCreate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["UNIQUE"]
    assert PartnerListing.objects.get().price_amount == Decimal("190")


def test_listing_update_of_other_partner_is_refused_and_changes_nothing(
    member_b, partner_a, priced_variant
):
    # given
    from tests.fixtures.partners import create_listing

    listing = create_listing(partner_a, priced_variant, "190.00", stock=10)

    # when
    update = ApiClient(user=member_b).execute(
        LISTING_UPDATE,
        {
            "id": listing_id(listing),
            "input": {
                "price": "1.00",
                "stocks": [{"warehouse": warehouse_id(partner_a), "quantity": 0}],
            },
        },
    )["partnerListingUpdate"]
    delete = ApiClient(user=member_b).execute(
        LISTING_DELETE, {"id": listing_id(listing)}
    )["partnerListingDelete"]

    # then
    assert [e["code"] for e in update["errors"]] == ["PERMISSION_DENIED"]
    assert [e["code"] for e in delete["errors"]] == ["PERMISSION_DENIED"]
    listing.refresh_from_db()
    assert listing.price_amount == Decimal("190.00")
    assert (
        Stock.objects.get(
            product_variant=priced_variant, warehouse__slug="alfa-campinas"
        ).quantity
        == 10
    )


def test_partner_listings_query_shows_only_own_listings(
    member_a, partner_a, partner_b, priced_variant
):
    # given
    from tests.fixtures.partners import create_listing

    own = create_listing(partner_a, priced_variant, "190.00")
    create_listing(partner_b, priced_variant, "191.00")

    # when
    data = ApiClient(user=member_a).execute(PARTNER_LISTINGS)

    # then
    ids = [edge["node"]["id"] for edge in data["partnerListings"]["edges"]]
    assert ids == [listing_id(own)]


def test_listing_update_price_in_band_keeps_listing_approved(
    member_a, partner_a, priced_variant, default_band
):
    # given
    from tests.fixtures.partners import create_listing

    listing = create_listing(partner_a, priced_variant, "190.00")

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_UPDATE,
        {
            "id": listing_id(listing),
            "input": {"price": "200.00", "minOrderQuantity": 6},
        },
    )["partnerListingUpdate"]

    # then
    assert data["errors"] == []
    assert data["listing"]["status"] == "APPROVED"
    assert data["listing"]["price"]["amount"] == 200.0
    assert data["listing"]["minOrderQuantity"] == 6


def test_listing_update_price_out_of_band_is_refused(
    member_a, partner_a, priced_variant, default_band
):
    # given
    from tests.fixtures.partners import create_listing

    listing = create_listing(partner_a, priced_variant, "190.00")

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_UPDATE, {"id": listing_id(listing), "input": {"price": "100.00"}}
    )["partnerListingUpdate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PRICE_BELOW_FLOOR"]
    listing.refresh_from_db()
    assert listing.price_amount == Decimal("190.00")


def test_listing_update_pause_and_resume(member_a, partner_a, priced_variant):
    # given
    from tests.fixtures.partners import create_listing

    listing = create_listing(partner_a, priced_variant, "190.00")
    client = ApiClient(user=member_a)

    # when
    paused = client.execute(
        LISTING_UPDATE, {"id": listing_id(listing), "input": {"paused": True}}
    )["partnerListingUpdate"]
    resumed = client.execute(
        LISTING_UPDATE, {"id": listing_id(listing), "input": {"paused": False}}
    )["partnerListingUpdate"]

    # then
    assert paused["listing"]["status"] == "PAUSED"
    assert resumed["listing"]["status"] == "APPROVED"


def test_listing_approve_and_reject_by_brand(
    partner_manager, partner_a, priced_variant
):
    # given
    from tests.fixtures.partners import create_listing

    pending = create_listing(
        partner_a, priced_variant, "190.00", status=ListingStatus.PENDING_REVIEW
    )
    client = ApiClient(user=partner_manager)

    # when
    approved = client.execute(LISTING_APPROVE, {"id": listing_id(pending)})
    rejected = client.execute(
        LISTING_REJECT, {"id": listing_id(pending), "reason": "Wrong photos"}
    )

    # then
    assert approved["partnerListingApprove"]["listing"]["status"] == "APPROVED"
    assert rejected["partnerListingReject"]["listing"] == {
        "status": "REJECTED",
        "rejectionReason": "Wrong photos",
    }


def test_listing_reject_needs_a_reason(partner_manager, partner_a, priced_variant):
    # given
    from tests.fixtures.partners import create_listing

    listing = create_listing(partner_a, priced_variant, "190.00")

    # when
    data = ApiClient(user=partner_manager).execute(
        LISTING_REJECT, {"id": listing_id(listing), "reason": "  "}
    )["partnerListingReject"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("reason", "REQUIRED")]


def test_listing_approve_by_partner_member_is_refused(
    member_a, partner_a, priced_variant
):
    # given
    from tests.fixtures.partners import create_listing

    listing = create_listing(
        partner_a, priced_variant, "190.00", status=ListingStatus.PENDING_REVIEW
    )

    # when
    data = ApiClient(user=member_a).execute(
        LISTING_APPROVE, {"id": listing_id(listing)}
    )

    # then
    errors = data["partnerListingApprove"]["errors"]
    assert [e["code"] for e in errors] == ["PERMISSION_DENIED"]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PENDING_REVIEW


def test_listing_create_by_brand_app_for_a_partner(app, partner_a, priced_variant):
    # given
    from tests.fixtures.accounts import grant

    grant(app, "partner_listings.manage_partners")
    client = ApiClient(app_token=app.tokens.get().auth_token)
    partner_id = Node.to_global_id("Partner", partner_a.pk)

    # when
    data = client.execute(
        LISTING_CREATE,
        {"input": create_input(priced_variant, "190", partner=partner_id)},
    )["partnerListingCreate"]

    # then
    assert data["errors"] == []
    assert data["listing"]["partner"]["slug"] == partner_a.slug


def test_listing_invalid_id_is_a_clear_error(member_a):
    # when
    data = ApiClient(user=member_a).execute(
        LISTING_UPDATE, {"id": "not-an-id", "input": {"price": "1"}}
    )["partnerListingUpdate"]

    # then
    assert [e["code"] for e in data["errors"]] == ["GRAPHQL_ERROR"]
