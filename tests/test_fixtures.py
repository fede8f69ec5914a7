import hashlib
import sys

import pytest
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.storage import default_storage
from django.core.management import CommandError
from django.db import transaction
from graphene import Node
from saleor.account.models import User
from saleor.product.models import Category, Product, ProductImage, ProductVariant
from saleor.shipping.models import ShippingZone
from saleor.warehouse.models import Stock, Warehouse

from fixtures import runner
from fixtures.brand import BRAND, PARTNERS, PartnerKind
from fixtures.products import plan_catalog
from plugins.companies.models import Company, CompanyMember, CustomerGroup
from plugins.companies.tax_ids import is_valid_cnpj
from tests.fixtures.api import ApiClient
from tests.fixtures.demo import DEMO_IMAGE_COUNT, DEMO_PRODUCT_COUNT, seed_demo

# The digest of the 30-product catalog (SKUs, names, prices, weights, stock),
# the warehouses and the accounts. A change to the dataset on purpose changes
# it: print catalog_checksum() after seeding and update it here.
EXPECTED_CHECKSUM = "d4447d5e7411e73dca3b829ab8f03b72e4bb6f9b22c3b1f4622047a7d6099b01"

TOKEN_CREATE = """
mutation TokenCreate($email: String!, $password: String!) {
    tokenCreate(email: $email, password: $password) {
        token
        user { email }
        errors { field message }
    }
}
"""


def catalog_checksum():
    variants = ProductVariant.objects.order_by("sku").values_list(
        "sku",
        "name",
        "product__name",
        "product__price_amount",
        "price_override_amount",
        "cost_price_amount",
        "weight",
    )
    stocks = Stock.objects.order_by(
        "product_variant__sku", "warehouse__slug"
    ).values_list("product_variant__sku", "warehouse__slug", "quantity")
    warehouses = Warehouse.objects.order_by("slug").values_list("slug", "id")
    users = User.objects.order_by("email").values_list("email", "is_staff")
    companies = Company.objects.order_by("slug").values_list("slug", "tax_id")
    data = [
        [(*row[:-1], str(row[-1])) for row in variants],
        list(stocks),
        [(slug, str(pk)) for slug, pk in warehouses],
        list(users),
        list(companies),
    ]
    return hashlib.sha256(repr(data).encode()).hexdigest()


def seed_and_roll_back():
    """Seed a fresh dataset, take its checksum, then undo the seed."""
    with transaction.atomic():
        seed_demo()
        checksum = catalog_checksum()
        transaction.set_rollback(True)
    return checksum


def test_seed_demo_loads_catalog(seeded_demo):
    # then
    products = Product.objects.prefetch_related("variants")
    assert products.count() == DEMO_PRODUCT_COUNT
    assert all(1 <= len(product.variants.all()) <= 4 for product in products)
    assert all(product.is_visible for product in products)
    assert Category.objects.filter(parent__isnull=False).count() >= 10
    assert Category.objects.filter(parent__isnull=True).count() >= 5
    for variant in ProductVariant.objects.select_related("product"):
        price = variant.base_price
        assert price.currency == "BRL"
        assert price.amount > 0
        assert price.amount.as_tuple().exponent == -2
        assert variant.get_weight().kg > 0
        assert variant.sku.startswith(f"{BRAND.sku_prefix}-")


def test_seed_demo_stocks_variants_in_several_warehouses(seeded_demo):
    # then
    variants = ProductVariant.objects.count()
    brand_dc = Warehouse.objects.get(slug="araucaria-sao-paulo")
    assert Stock.objects.filter(warehouse=brand_dc).count() == variants
    stocked = Warehouse.objects.filter(stock__isnull=False).distinct()
    assert stocked.count() >= 5
    partner_slugs = {w.slug for partner in PARTNERS for w in partner.warehouses}
    assert stocked.filter(slug__in=partner_slugs).exists()
    assert Stock.objects.filter(quantity__gt=0).count() > variants


def test_seed_demo_sets_up_shop_and_shipping(seeded_demo):
    # then
    site = Site.objects.get_current()
    assert site.name == BRAND.name
    assert site.settings.company_address.city == "São Paulo"
    assert site.settings.company_address.country.code == "BR"
    zones = {zone.name: zone for zone in ShippingZone.objects.all()}
    assert {"Brasil", "United States", "European Union"} <= set(zones)
    assert all(zone.shipping_methods.exists() for zone in zones.values())
    assert {c.code for c in zones["European Union"].countries} >= {"DE", "NL", "PT"}
    countries = {
        warehouse.address.country.code
        for warehouse in Warehouse.objects.select_related("address")
    }
    assert countries == {"BR", "US", "NL"}
    assert Warehouse.objects.count() >= 5


def test_seed_demo_loads_buyer_companies(seeded_demo):
    # then
    companies = Company.objects.all()
    assert companies.count() >= 6
    assert {company.country.code for company in companies} >= {"BR", "US", "DE"}
    for company in companies.filter(country="BR"):
        assert is_valid_cnpj(company.tax_id)
    assert CustomerGroup.objects.filter(companies__isnull=False).distinct().count() >= 2
    for member in CompanyMember.objects.select_related("user", "company"):
        address = member.user.default_shipping_address
        assert address == member.user.default_billing_address
        assert address.country == member.company.country


def test_seed_demo_staff_have_their_permissions(seeded_demo):
    # then
    admin = User.objects.get(email=seeded_demo.login("superuser")[0])
    assert admin.is_superuser
    assert admin.is_staff
    manager = User.objects.get(email=seeded_demo.login("catalog manager")[0])
    assert manager.is_staff
    assert not manager.is_superuser
    assert manager.has_perm("product.manage_products")
    assert not manager.has_perm("order.manage_orders")


def test_seed_demo_buyer_logs_in_with_printed_password(seeded_demo, api_client):
    # given
    email, password = seeded_demo.login("buyer")

    # when
    data = api_client.execute(TOKEN_CREATE, {"email": email, "password": password})

    # then
    assert data["tokenCreate"]["errors"] == []
    assert data["tokenCreate"]["token"]
    assert data["tokenCreate"]["user"]["email"] == email


def test_seed_demo_app_token_reads_orders(seeded_demo):
    # given
    _, token = seeded_demo.login("app token")

    # when
    data = ApiClient(app_token=token).execute("{ orders(first: 1) { totalCount } }")

    # then
    assert data["orders"]["totalCount"] >= 0


def test_seed_demo_stores_images_with_thumbnails(seeded_demo, api_client):
    # given
    images = ProductImage.objects.select_related("product").order_by("product_id")
    assert images.count() == DEMO_IMAGE_COUNT
    image = images.first()

    # when
    data = api_client.execute(
        "query Product($id: ID!) { product(id: $id) { thumbnail(size: 255) { url } } }",
        {"id": Node.to_global_id("Product", image.product.pk)},
    )

    # then
    assert default_storage.exists(image.image.name)
    thumbnail = image.image.thumbnail["255x255"]
    assert default_storage.exists(thumbnail.name)
    assert data["product"]["thumbnail"]["url"].endswith(thumbnail.url)


def test_seed_demo_rerun_creates_nothing(seeded_demo):
    # given
    before = catalog_checksum()

    # when
    output = seed_demo()

    # then
    assert catalog_checksum() == before
    steps = output.split("\n\n")[0].splitlines()[:-1]
    assert all(line.endswith("nothing new") for line in steps), output


def test_seed_demo_rerun_adds_missing_products(seeded_demo):
    # when
    output = seed_demo(products=DEMO_PRODUCT_COUNT + 5, no_images=True)

    # then
    assert Product.objects.count() == DEMO_PRODUCT_COUNT + 5
    assert "5 products" in output


def test_seed_demo_is_deterministic(db, demo_media):
    # when
    first = seed_and_roll_back()
    second = seed_and_roll_back()

    # then
    assert first == second
    assert first == EXPECTED_CHECKSUM


def test_seed_demo_refuses_a_foreign_catalog(product, demo_media):
    # when
    with pytest.raises(CommandError, match="not the demo's"):
        seed_demo()

    # then
    assert Product.objects.count() == 1


def test_seed_demo_force_seeds_a_foreign_catalog(product, demo_media):
    # when
    seed_demo(force=True, no_images=True)

    # then
    assert Product.objects.count() == DEMO_PRODUCT_COUNT + 1


def test_plan_catalog_is_a_prefix_of_a_larger_catalog():
    # when
    small = plan_catalog(DEMO_PRODUCT_COUNT)
    large = plan_catalog(320)

    # then
    assert large[:DEMO_PRODUCT_COUNT] == small
    assert len({plan.slug for plan in large}) == 320
    skus = [variant.sku for plan in large for variant in plan.variants]
    assert len(set(skus)) == len(skus)


def test_partners_cover_every_kind_with_valid_cnpjs():
    # then
    assert len(PARTNERS) >= 4
    assert {partner.kind for partner in PARTNERS} == {
        PartnerKind.DISTRIBUTOR,
        PartnerKind.RESELLER,
        PartnerKind.REPRESENTATIVE,
    }
    assert all(is_valid_cnpj(partner.cnpj) for partner in PARTNERS)
    assert is_valid_cnpj(BRAND.cnpj)
    assert len({partner.slug for partner in PARTNERS}) == len(PARTNERS)
    assert sum(len(partner.warehouses) for partner in PARTNERS) >= 2


def test_run_steps_exposes_partner_warehouses(db, demo_media):
    # given
    context = runner.Context(product_count=2, image_count=0)

    # when
    runner.run_steps(context, show_progress=False)

    # then
    for partner in PARTNERS:
        slugs = [
            warehouse.slug for warehouse in context.partner_warehouses[partner.slug]
        ]
        assert slugs == [warehouse.slug for warehouse in partner.warehouses]
    assert set(context.warehouses) >= {
        "araucaria-sao-paulo",
        "araucaria-recife",
        "araucaria-houston",
        "araucaria-rotterdam",
    }


@pytest.fixture
def step_package(tmp_path, monkeypatch):
    """A package of three steps; the second fails after writing a row."""
    package = tmp_path / "demo_steps"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_shared.py").write_text("NOT_A_STEP = True\n")
    step = (
        "from django.contrib.auth.models import Group\n"
        "ORDER = {order}\n"
        "DESCRIPTION = {name!r}\n"
        "def load(context):\n"
        "    context.ran.append({name!r})\n"
        "    Group.objects.create(name={name!r})\n"
        "    if {fails}:\n"
        "        raise RuntimeError({name!r})\n"
    )
    for name, order, fails in (("late", 30, False), ("early", 10, False)):
        (package / f"{name}.py").write_text(
            step.format(name=name, order=order, fails=fails)
        )
    (package / "broken.py").write_text(step.format(name="broken", order=20, fails=True))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield __import__("demo_steps")
    for name in [name for name in sys.modules if name.startswith("demo_steps")]:
        del sys.modules[name]


def test_discover_steps_sorts_by_order_and_skips_private_modules(step_package):
    # when
    steps = runner.discover_steps(step_package)

    # then
    assert [step.DESCRIPTION for step in steps] == ["early", "broken", "late"]


def test_run_steps_rolls_back_only_the_failing_step(db, step_package):
    # given
    context = runner.Context()
    context.ran = []
    steps = runner.discover_steps(step_package)

    # when
    with pytest.raises(RuntimeError, match="broken"):
        runner.run_steps(context, steps, show_progress=False)

    # then
    assert context.ran == ["early", "broken"]
    assert set(Group.objects.values_list("name", flat=True)) == {"early"}
