import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from graphene import Node
from saleor.warehouse.models import Stock

from plugins.partner_listings import feed
from plugins.partner_listings.models import ListingStatus, PartnerListing
from tests.fixtures.api import ApiClient
from tests.fixtures.catalog import create_product

HEADER = "sku,country,price,min_order_quantity,order_multiple,lead_time_days"


@pytest.fixture
def catalog(variant, product_type, category, br_price_list):
    saw = create_product("Circular saw", "300.00", product_type, category)
    return variant, saw.variants.get()


def import_text(partner, text, **options):
    return feed.import_csv(partner, io.StringIO(text), **options)


def test_feed_import_creates_listings_with_stock(partner_a, catalog):
    # given
    text = (
        HEADER + ",stock:alfa-campinas\n"
        "SKU-IMPACT-DRILL,BR,185.00,2,2,3,40\n"
        "SKU-CIRCULAR-SAW,BR,295.50,,,,7\n"
    )

    # when
    result = import_text(partner_a, text)

    # then
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    drill = PartnerListing.objects.get(variant__sku="SKU-IMPACT-DRILL")
    assert drill.price_amount == Decimal("185.00")
    assert (drill.min_order_quantity, drill.order_multiple, drill.lead_time_days) == (
        2,
        2,
        3,
    )
    assert drill.status == ListingStatus.PENDING_REVIEW
    assert drill.currency == "BRL"
    saw_stock = Stock.objects.get(
        product_variant__sku="SKU-CIRCULAR-SAW", warehouse__slug="alfa-campinas"
    )
    assert saw_stock.quantity == 7


def test_feed_import_twice_changes_nothing(partner_a, catalog):
    # given
    text = HEADER + ",stock:alfa-campinas\nSKU-IMPACT-DRILL,BR,185.00,1,1,3,40\n"
    import_text(partner_a, text)
    before = PartnerListing.objects.get().updated_at

    # when
    result = import_text(partner_a, text)

    # then
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert result.stocks_changed == 0
    assert PartnerListing.objects.get().updated_at == before


def test_feed_import_updates_price_and_keeps_approval(partner_a, catalog):
    # given
    import_text(partner_a, HEADER + "\nSKU-IMPACT-DRILL,BR,185.00,1,1,3\n")
    PartnerListing.objects.update(status=ListingStatus.APPROVED)

    # when
    result = import_text(partner_a, HEADER + "\nSKU-IMPACT-DRILL,BR,187.00,1,1,3\n")

    # then
    assert result.updated == 1
    listing = PartnerListing.objects.get()
    assert listing.price_amount == Decimal("187.00")
    assert listing.status == ListingStatus.APPROVED


def test_feed_import_one_bad_row_writes_nothing(partner_a, catalog, default_band):
    # given
    text = (
        HEADER + ",stock:alfa-campinas\n"
        "SKU-IMPACT-DRILL,BR,185.00,1,1,3,40\n"
        "SKU-NOPE,BR,10.00,1,1,3,1\n"
        "SKU-CIRCULAR-SAW,BR,abc,1,1,3,1\n"
        "SKU-IMPACT-DRILL,US,39.00,1,1,3,1\n"
        "SKU-CIRCULAR-SAW,BR,100.00,1,1,3,1\n"
    )

    # when
    result = import_text(partner_a, text)

    # then
    assert not result.written
    assert sorted((error.row, error.code) for error in result.errors) == [
        (2, "NOT_FOUND"),
        (3, "INVALID"),
        (4, "REGION_NOT_SERVED"),
        (5, "PRICE_BELOW_FLOOR"),
    ]
    assert not PartnerListing.objects.exists()
    assert not Stock.objects.filter(warehouse__slug="alfa-campinas").exists()


def test_feed_import_partial_writes_the_good_rows(partner_a, catalog):
    # given
    text = HEADER + "\nSKU-IMPACT-DRILL,BR,185.00,1,1,3\nSKU-NOPE,BR,10.00,1,1,3\n"

    # when
    result = import_text(partner_a, text, partial=True)

    # then
    assert result.written
    assert result.created == 1
    assert [(error.row, error.code) for error in result.errors] == [(2, "NOT_FOUND")]
    assert PartnerListing.objects.get().variant.sku == "SKU-IMPACT-DRILL"


def test_feed_import_refuses_other_partners_warehouse(partner_a, partner_b, catalog):
    # given
    text = HEADER + ",stock:beta-curitiba\nSKU-IMPACT-DRILL,BR,185.00,1,1,3,5\n"

    # when
    result = import_text(partner_a, text)

    # then
    assert [error.code for error in result.errors] == ["WAREHOUSE_NOT_OWNED"]
    assert not Stock.objects.filter(warehouse__slug="beta-curitiba").exists()


def test_feed_import_refuses_duplicate_rows(partner_a, catalog):
    # given
    text = (
        HEADER + "\nSKU-IMPACT-DRILL,BR,185.00,1,1,3\nSKU-IMPACT-DRILL,BR,186,1,1,3\n"
    )

    # when
    result = import_text(partner_a, text)

    # then
    assert [(error.row, error.code) for error in result.errors] == [(2, "UNIQUE")]


@pytest.mark.parametrize(
    "text",
    ["", "price,country\n1,BR\n", "sku,country,price,colour\nA,BR,1,red\n"],
)
def test_feed_import_bad_header_is_refused(partner_a, text):
    # when
    with pytest.raises(feed.PartnerError) as error:
        import_text(partner_a, text)

    # then
    assert error.value.code.value == "INVALID_FEED"


def test_import_partner_feed_command_reports_counts(partner_a, catalog, tmp_path):
    # given
    path = tmp_path / "feed.csv"
    path.write_text(HEADER + "\nSKU-IMPACT-DRILL,BR,185.00,1,1,3\n")
    out, err = io.StringIO(), io.StringIO()

    # when
    call_command(
        "import_partner_feed", partner_a.slug, str(path), stdout=out, stderr=err
    )

    # then
    assert "1 rows written: 1 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "rows/s" in out.getvalue()
    assert "Feed for distribuidora-alfa" in err.getvalue()


def test_import_partner_feed_command_refuses_bad_feed(partner_a, catalog, tmp_path):
    # given
    path = tmp_path / "feed.csv"
    path.write_text(HEADER + "\nSKU-NOPE,BR,185.00,1,1,3\n")
    err = io.StringIO()

    # when
    with pytest.raises(CommandError):
        call_command(
            "import_partner_feed",
            partner_a.slug,
            str(path),
            "--no-progress",
            stdout=io.StringIO(),
            stderr=err,
        )

    # then
    assert "row 1: sku: NOT_FOUND" in err.getvalue()
    assert not PartnerListing.objects.exists()


BULK_UPSERT = """
mutation ($partner: ID, $listings: [PartnerListingBulkInput!]!, $partial: Boolean) {
  partnerListingsBulkUpsert(partner: $partner, listings: $listings, partial: $partial) {
    created updated unchanged written
    errors { field code message row }
  }
}
"""


def test_bulk_upsert_by_member(member_a, partner_a, catalog):
    # given
    warehouse = Node.to_global_id(
        "Warehouse", partner_a.held_warehouses.get().warehouse_id
    )
    rows = [
        {"sku": "SKU-IMPACT-DRILL", "country": "BR", "price": "185.00"},
        {
            "sku": "SKU-CIRCULAR-SAW",
            "country": "BR",
            "price": "295",
            "stocks": [{"warehouse": warehouse, "quantity": 3}],
        },
    ]

    # when
    data = ApiClient(user=member_a).execute(BULK_UPSERT, {"listings": rows})[
        "partnerListingsBulkUpsert"
    ]

    # then
    assert data == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "written": True,
        "errors": [],
    }
    assert PartnerListing.objects.filter(partner=partner_a).count() == 2


def test_bulk_upsert_for_other_partner_is_refused(member_a, partner_b, catalog):
    # when
    data = ApiClient(user=member_a).execute(
        BULK_UPSERT,
        {
            "partner": Node.to_global_id("Partner", partner_b.pk),
            "listings": [{"sku": "SKU-IMPACT-DRILL", "country": "BR", "price": "1"}],
        },
    )["partnerListingsBulkUpsert"]

    # then
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]
    assert data["written"] is False
    assert not PartnerListing.objects.exists()


def test_bulk_upsert_reports_row_errors(member_a, catalog):
    # when
    data = ApiClient(user=member_a).execute(
        BULK_UPSERT,
        {
            "listings": [
                {"sku": "SKU-IMPACT-DRILL", "country": "BR", "price": "185"},
                {"sku": "SKU-IMPACT-DRILL", "country": "BR", "price": "-3"},
            ]
        },
    )["partnerListingsBulkUpsert"]

    # then
    assert [(e["row"], e["field"], e["code"]) for e in data["errors"]] == [
        (2, "price", "INVALID")
    ]
    assert data["written"] is False
    assert not PartnerListing.objects.exists()


def test_feed_import_refuses_stock_below_what_orders_hold(partner_a, catalog):
    # given: an order holds 5 drills in partner A's warehouse
    from saleor.warehouse.models import Allocation

    from tests.fixtures.partners import create_order_line

    import_text(
        partner_a, HEADER + ",stock:alfa-campinas\nSKU-IMPACT-DRILL,BR,185,1,1,3,8\n"
    )
    drill, _ = catalog
    Allocation.objects.create(
        order_line=create_order_line(drill, 5),
        stock=Stock.objects.get(warehouse__slug="alfa-campinas"),
        quantity_allocated=5,
    )

    # when
    result = import_text(
        partner_a, HEADER + ",stock:alfa-campinas\nSKU-IMPACT-DRILL,BR,186,1,1,3,3\n"
    )

    # then
    assert [error.code for error in result.errors] == ["STOCK_BELOW_ALLOCATED"]
    assert Stock.objects.get(warehouse__slug="alfa-campinas").quantity == 8
    assert PartnerListing.objects.get().price_amount == Decimal("185")
