"""Bulk upsert of a partner's listings: the CSV feed and the bulk mutation.

A feed row describes one listing (a SKU in a region) and, optionally, the
stock of the variant in some of the partner's warehouses. Rows are keyed by
``(sku, country)``, so importing the same feed twice changes nothing the
second time. Every row is checked first; the rows are then written in one
transaction, with PostgreSQL ``COPY`` and ``INSERT ... ON CONFLICT``, so a
listing is never written without its stock. With ``partial`` off (the
default) a single bad row means nothing is written; with it on, bad rows
are skipped and reported and the others are written.

CSV columns (header row required, order free)::

    sku,country,price,currency,min_order_quantity,order_multiple,
    lead_time_days,draft,stock:<warehouse slug>,...

Only ``sku``, ``country`` and ``price`` are required. An empty cell keeps
the current value of an existing listing (the default for a new one); an
empty ``stock:`` cell leaves that stock as it is.
"""

import csv
import gc
import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from .brand_prices import get_brand_prices, get_region_currency
from .error_codes import PartnerError, PartnerErrorCode
from .governance import BandBook, PriceVerdict, check_price, describe_verdict
from .listings import MAX_PRICE, next_status
from .models import ListingStatus, Partner, PartnerWarehouse

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("sku", "country", "price")
OPTIONAL_COLUMNS = (
    "currency",
    "min_order_quantity",
    "order_multiple",
    "lead_time_days",
    "draft",
)
STOCK_PREFIX = "stock:"
_TRUE = {"1", "true", "yes", "y"}
_ANALYZE_AFTER_ROWS = 10_000
# Marks a price that was not re-checked (never stored: new rows are checked).
_KEEP = "~keep"
_FALSE = {"", "0", "false", "no", "n"}


@dataclass
class FeedRow:
    row: int
    sku: str | None = None
    variant_id: int | None = None
    country: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    min_order_quantity: int | None = None
    order_multiple: int | None = None
    lead_time_days: int | None = None
    draft: bool = False
    stocks: dict = field(default_factory=dict)


@dataclass
class RowError:
    row: int
    field: str
    code: str
    message: str


@dataclass
class FeedResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stocks_changed: int = 0
    errors: list = field(default_factory=list)
    written: bool = False

    @property
    def failed(self):
        return len({error.row for error in self.errors})


def _error(row, field_name, code, message):
    return RowError(row=row, field=field_name, code=code.value, message=message)


def _parse_int(value, row, name, errors, low, high):
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        errors.append(
            _error(
                row,
                name,
                PartnerErrorCode.INVALID,
                f"{name} must be a whole number from {low} to {high}.",
            )
        )
        return None
    return number


def parse_price(value):
    """Return a positive amount with at most two decimals, else None."""
    text = str(value).strip()
    _, dot, decimals = text.partition(".")
    if dot and len(decimals) > 2:
        return None
    try:
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price <= 0 or price > MAX_PRICE:
        return None
    if "e" in text.lower():
        return None
    return price


def read_csv(stream):
    """Parse a CSV feed; return ``(rows, errors)``.

    Raises ``PartnerError(INVALID_FEED)`` when the header is unusable.
    """
    reader = csv.reader(stream)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration as error:
        raise PartnerError(
            PartnerErrorCode.INVALID_FEED, "The feed is empty.", "file"
        ) from error
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise PartnerError(
            PartnerErrorCode.INVALID_FEED,
            f"The feed has no {', '.join(missing)} column.",
            "file",
        )
    unknown = [
        column
        for column in header
        if column not in REQUIRED_COLUMNS
        and column not in OPTIONAL_COLUMNS
        and not column.startswith(STOCK_PREFIX)
    ]
    if unknown:
        raise PartnerError(
            PartnerErrorCode.INVALID_FEED,
            f"Unknown columns: {', '.join(unknown)}.",
            "file",
        )
    index = {column: position for position, column in enumerate(header)}
    stock_columns = [
        (position, column[len(STOCK_PREFIX) :])
        for column, position in index.items()
        if column.startswith(STOCK_PREFIX)
    ]
    width = len(header)
    get = {name: index.get(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}

    rows, errors = [], []
    for number, cells in enumerate(reader, start=1):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            errors.append(
                _error(
                    number,
                    "row",
                    PartnerErrorCode.INVALID,
                    f"The row has {len(cells)} cells, the header {width}.",
                )
            )
            continue

        cells = [value.strip() for value in cells]

        def cell(name, cells=cells):
            position = get[name]
            return cells[position] if position is not None else ""

        row_errors = []
        price = parse_price(cell("price"))
        if price is None:
            row_errors.append(
                _error(
                    number,
                    "price",
                    PartnerErrorCode.INVALID,
                    "The price must be a positive amount with at most two "
                    "decimal places.",
                )
            )
        draft = cell("draft").lower()
        if draft not in _TRUE and draft not in _FALSE:
            row_errors.append(
                _error(number, "draft", PartnerErrorCode.INVALID, "draft is yes or no.")
            )
        stocks = {}
        for position, slug in stock_columns:
            quantity = _parse_int(
                cells[position], number, STOCK_PREFIX + slug, row_errors, 0, 10**9
            )
            if quantity is not None:
                stocks[slug] = quantity
        row = FeedRow(
            row=number,
            sku=cell("sku") or None,
            country=cell("country").upper() or None,
            price=price,
            currency=cell("currency").upper() or None,
            min_order_quantity=_parse_int(
                cell("min_order_quantity"),
                number,
                "min_order_quantity",
                row_errors,
                1,
                10**6,
            ),
            order_multiple=_parse_int(
                cell("order_multiple"), number, "order_multiple", row_errors, 1, 10**6
            ),
            lead_time_days=_parse_int(
                cell("lead_time_days"), number, "lead_time_days", row_errors, 0, 365
            ),
            draft=draft in _TRUE,
            stocks=stocks,
        )
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    return rows, errors


class _Progress:
    def __init__(self, callback, total):
        self.callback = callback
        self.total = total

    def step(self, count):
        if self.callback is not None and count:
            self.callback(count)


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector during a bulk import.

    An import allocates a few objects per row and frees nothing cyclic; with
    the collector on, its full passes over the growing heap took two thirds
    of the time of a 100,000-row feed.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def upsert_listings(
    partner: Partner,
    rows: list,
    *,
    parse_errors=(),
    partial=False,
    dry_run=False,
    progress=None,
) -> FeedResult:
    """Check and write a batch of listing rows for one partner.

    ``progress`` is called with a number of rows done, twice per row (once
    checked, once written), so a bar over ``2 * len(rows)`` fills up.
    """
    result = FeedResult(rows=len(rows) + len({e.row for e in parse_errors}))
    result.errors.extend(parse_errors)
    tracker = _Progress(progress, 2 * len(rows))
    if not partner.is_active:
        raise PartnerError(
            PartnerErrorCode.PARTNER_SUSPENDED,
            f"{partner.name} is suspended and cannot list products.",
        )

    with collector_paused(), transaction.atomic():
        # One import at a time per partner: the partner row is the lock.
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        plan = _plan(partner, rows, result, tracker)
        if result.errors and not partial:
            result.created = result.updated = result.unchanged = 0
            result.stocks_changed = 0
            tracker.step(len(rows))
            return result
        if dry_run:
            tracker.step(len(rows))
            return result
        _write(partner, plan, tracker)
        result.written = True
    logger.info(
        "Partner %s: feed of %s rows imported, %s created, %s updated, "
        "%s unchanged, %s rows refused",
        partner.slug,
        result.rows,
        result.created,
        result.updated,
        result.unchanged,
        result.failed,
        extra={"partner": partner.slug},
    )
    return result


@dataclass
class _Plan:
    listings: list = field(default_factory=list)
    stocks: list = field(default_factory=list)


class VariantRef:
    """The little of a variant that pricing needs, without a model instance.

    ``resolve_prices`` reads ``pk``, the price override, the currency and
    the product; building 100,000 ``ProductVariant`` instances would cost
    more than the rest of an import.
    """

    __slots__ = (
        "pk",
        "id",
        "sku",
        "price_override_amount",
        "currency",
        "product_id",
        "_state",
    )

    class _State:
        __slots__ = ("fields_cache",)

        def __init__(self):
            self.fields_cache = {}

    def __init__(self, pk, sku, price_override_amount, currency, product_id):
        self.pk = self.id = pk
        self.sku = sku
        self.price_override_amount = price_override_amount
        self.currency = currency
        self.product_id = product_id
        self._state = self._State()


_VARIANT_COLUMNS = (
    "SELECT v.id, v.sku, p.category_id, v.price_override_amount, v.currency, "
    "v.product_id FROM product_productvariant v "
    "JOIN product_product p ON p.id = v.product_id "
)


def _fetch_variants(skus, variant_ids):
    """Return ``{sku: (ref, category_id)}`` and ``{id: (ref, category_id)}``."""
    by_sku, by_id = {}, {}
    with connection.cursor() as cursor:
        rows = []
        if skus:
            cursor.execute(
                _VARIANT_COLUMNS + "JOIN unnest(%s::text[]) AS f(sku) ON v.sku = f.sku",
                [list(skus)],
            )
            rows += cursor.fetchall()
        if variant_ids:
            cursor.execute(
                _VARIANT_COLUMNS + "JOIN unnest(%s::integer[]) AS f(id) ON v.id = f.id",
                [list(variant_ids)],
            )
            rows += cursor.fetchall()
    for pk, sku, category_id, override, currency, product_id in rows:
        entry = (VariantRef(pk, sku, override, currency, product_id), category_id)
        by_sku[sku] = entry
        by_id[pk] = entry
    return by_sku, by_id


def _fetch_existing(partner):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT variant_id, country, id, price_amount, currency, "
            "min_order_quantity, order_multiple, lead_time_days, status "
            "FROM partner_listings_partnerlisting WHERE partner_id = %s",
            [partner.pk],
        )
        return {(row[0], row[1]): row[2:] for row in cursor.fetchall()}


def _read_stocks(warehouse_ids, variant_ids):
    """Return ``{(warehouse_id, variant_id): quantity}``, without locking."""
    if not warehouse_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.warehouse_id, s.product_variant_id, s.quantity "
            "FROM warehouse_stock s "
            "JOIN unnest(%s::integer[]) AS f(id) ON s.product_variant_id = f.id "
            "WHERE s.warehouse_id = ANY(%s::uuid[])",
            [list(variant_ids), [str(pk) for pk in warehouse_ids]],
        )
        return {(str(row[0]), row[1]): row[2] for row in cursor.fetchall()}


def _lock_stocks(pairs):
    """Lock the stock rows the feed changes; return what orders hold.

    Only changed rows are locked (in id order, as allocation locks them),
    so an order cannot allocate between this check and the write.
    """
    if not pairs:
        return {}
    warehouses, variants = zip(*pairs, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.warehouse_id, s.product_variant_id, s.quantity, "
            "COALESCE((SELECT SUM(a.quantity_allocated) FROM warehouse_allocation a "
            "WHERE a.stock_id = s.id), 0) "
            "FROM warehouse_stock s "
            "JOIN unnest(%s::uuid[], %s::integer[]) AS f(warehouse_id, variant_id) "
            "ON s.warehouse_id = f.warehouse_id "
            "AND s.product_variant_id = f.variant_id "
            "ORDER BY s.id FOR UPDATE OF s",
            [list(warehouses), list(variants)],
        )
        return {(str(row[0]), row[1]): (row[2], row[3]) for row in cursor.fetchall()}


def _plan(partner, rows, result, tracker) -> _Plan:
    plan = _Plan()
    warehouses = {}
    for hold in PartnerWarehouse.objects.filter(partner=partner).select_related(
        "warehouse"
    ):
        warehouses[hold.warehouse.slug] = str(hold.warehouse_id)
        warehouses[str(hold.warehouse_id)] = str(hold.warehouse_id)
    by_sku, by_id = _fetch_variants(
        {row.sku for row in rows if row.sku},
        {row.variant_id for row in rows if row.variant_id},
    )

    # Resolve each row's variant and reject duplicates and foreign data.
    resolved, seen = [], set()
    for row in rows:
        errors = []
        if row.variant_id is not None:
            found = by_id.get(row.variant_id)
        else:
            found = by_sku.get(row.sku) if row.sku else None
        ref, category_id = found if found else (None, None)
        variant_id = ref.pk if ref is not None else None
        if variant_id is None:
            errors.append(
                _error(
                    row.row,
                    "sku",
                    PartnerErrorCode.NOT_FOUND,
                    f"No variant has SKU {row.sku!r}."
                    if row.sku
                    else "No such variant.",
                )
            )
        if not row.country:
            errors.append(
                _error(row.row, "country", PartnerErrorCode.REQUIRED, "No country.")
            )
        elif row.country not in partner.regions:
            errors.append(
                _error(
                    row.row,
                    "country",
                    PartnerErrorCode.REGION_NOT_SERVED,
                    f"{partner.name} does not serve {row.country}.",
                )
            )
        if row.price is None:
            errors.append(
                _error(row.row, "price", PartnerErrorCode.REQUIRED, "No price.")
            )
        stocks = {}
        for key, quantity in row.stocks.items():
            warehouse_id = warehouses.get(str(key))
            if warehouse_id is None:
                errors.append(
                    _error(
                        row.row,
                        f"{STOCK_PREFIX}{key}",
                        PartnerErrorCode.WAREHOUSE_NOT_OWNED,
                        f"Warehouse {key} is not held by {partner.name}.",
                    )
                )
            else:
                stocks[warehouse_id] = quantity
        key = (variant_id, row.country)
        if not errors and key in seen:
            errors.append(
                _error(
                    row.row,
                    "sku",
                    PartnerErrorCode.UNIQUE,
                    "The feed lists this SKU and country twice.",
                )
            )
        if errors:
            result.errors.extend(errors)
            continue
        seen.add(key)
        resolved.append((row, variant_id, category_id, stocks))

    variant_ids = {variant_id for _, variant_id, _, _ in resolved}
    existing = _fetch_existing(partner)
    current_stocks = _read_stocks(set(warehouses.values()), variant_ids)

    # Decide what changes; only changed prices need the brand's price.
    pending = []
    for row, variant_id, category_id, stocks in resolved:
        old = existing.get((variant_id, row.country))
        if old is None:
            pending.append((row, variant_id, category_id, stocks, None, True))
            continue
        _, price, currency, moq, multiple, lead, status = old
        new = (
            row.price,
            row.currency or currency,
            row.min_order_quantity or moq,
            row.order_multiple or multiple,
            row.lead_time_days if row.lead_time_days is not None else lead,
        )
        price_changed = new[0] != price or new[1] != currency
        terms_changed = new[2:] != (moq, multiple, lead)
        wants_live = not row.draft and status in (
            ListingStatus.DRAFT,
            ListingStatus.REJECTED,
        )
        if price_changed or terms_changed or wants_live:
            pending.append(
                (row, variant_id, category_id, stocks, old, price_changed or wants_live)
            )
        else:
            pending.append((row, variant_id, category_id, stocks, old, None))

    book = BandBook()
    brand_prices = {}
    if not partner.is_brand:
        brand_prices = _brand_prices_for(
            [(by_id[entry[1]][0], entry[0].country) for entry in pending if entry[5]]
        )
    now = timezone.now()
    region_currencies = {}
    locked = _lock_stocks(
        [
            (warehouse_id, variant_id)
            for _, variant_id, _, stocks, _, _ in pending
            for warehouse_id, quantity in stocks.items()
            if current_stocks.get((warehouse_id, variant_id)) != quantity
        ]
    )
    for row, variant_id, category_id, stocks, old, check in pending:
        stock_changes = []
        for warehouse_id, quantity in stocks.items():
            key = (warehouse_id, variant_id)
            if key not in locked and current_stocks.get(key) == quantity:
                continue
            held = locked.get(key)
            if held is not None and held[0] == quantity:
                continue
            allocated = held[1] if held else 0
            if quantity < allocated:
                result.errors.append(
                    _error(
                        row.row,
                        STOCK_PREFIX + warehouse_id,
                        PartnerErrorCode.STOCK_BELOW_ALLOCATED,
                        f"Orders already hold {allocated} units in this warehouse.",
                    )
                )
                stock_changes = None
                break
            stock_changes.append((warehouse_id, variant_id, quantity))
        if stock_changes is None:
            continue
        if check is None:
            result.unchanged += 1
            if stock_changes:
                result.stocks_changed += len(stock_changes)
                plan.stocks.extend(stock_changes)
            continue

        brand_price = brand_prices.get((variant_id, row.country))
        currency = row.currency or (old[2] if old else None)
        if currency is None:
            if brand_price is not None:
                currency = brand_price.currency
            else:
                if row.country not in region_currencies:
                    region_currencies[row.country] = get_region_currency(row.country)
                currency = region_currencies[row.country]
        if brand_price is not None and brand_price.currency != currency:
            result.errors.append(
                _error(
                    row.row,
                    "currency",
                    PartnerErrorCode.CURRENCY_MISMATCH,
                    f"Prices in {row.country} are in {brand_price.currency}.",
                )
            )
            continue
        if check and not partner.is_brand:
            band = book.band_for(partner.pk, category_id)
            verdict = check_price(
                band, row.price, brand_price.amount if brand_price else None
            )
            if verdict.refused:
                result.errors.append(
                    _error(
                        row.row,
                        "price",
                        PartnerErrorCode(verdict.code),
                        describe_verdict(verdict, currency),
                    )
                )
                continue
        else:
            verdict = PriceVerdict(code="")
        current_status = old[6] if old else None
        status = next_status(
            partner,
            verdict,
            current_status,
            submit=not row.draft,
            price_changed=bool(check),
        )
        plan.listings.append(
            (
                variant_id,
                row.country,
                currency,
                row.price,
                row.min_order_quantity or (old[3] if old else 1),
                row.order_multiple or (old[4] if old else 1),
                row.lead_time_days
                if row.lead_time_days is not None
                else (old[5] if old else 0),
                status,
                verdict.code if check else None,
                brand_price.amount if (check and brand_price) else None,
                now if (not row.draft and status != current_status) else None,
                now if status == ListingStatus.APPROVED != current_status else None,
            )
        )
        plan.stocks.extend(stock_changes)
        result.stocks_changed += len(stock_changes)
        if old is None:
            result.created += 1
        else:
            result.updated += 1
    tracker.step(len(rows))
    return plan


def _brand_prices_for(pairs):
    """Return ``{(variant_id, country): BrandPrice}`` for rows to check."""
    by_country = {}
    for ref, country in pairs:
        by_country.setdefault(country, {})[ref.pk] = ref
    prices = {}
    for country, refs in by_country.items():
        for variant_id, price in get_brand_prices(refs.values(), country).items():
            prices[(variant_id, country)] = price
    return prices


def _copy(cursor, table, columns, records):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for record in records:
        writer.writerow(["\\N" if value is None else value for value in record])
    buffer.seek(0)
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
        buffer,
    )


def _write(partner, plan: _Plan, tracker):
    with connection.cursor() as cursor:
        if plan.listings:
            # The import may run inside a longer transaction (in tests, say),
            # where a table of an earlier import still exists.
            cursor.execute("DROP TABLE IF EXISTS feed_listing")
            cursor.execute(
                "CREATE TEMP TABLE feed_listing (variant_id integer, "
                "country varchar(2), currency varchar(3), price numeric(12,3), "
                "min_order_quantity integer, order_multiple integer, "
                "lead_time_days integer, status varchar(16), "
                "price_check varchar(32), brand_price numeric(12,3), "
                "submitted_at timestamptz, reviewed_at timestamptz) "
                "ON COMMIT DROP"
            )
            _copy(
                cursor,
                "feed_listing",
                (
                    "variant_id",
                    "country",
                    "currency",
                    "price",
                    "min_order_quantity",
                    "order_multiple",
                    "lead_time_days",
                    "status",
                    "price_check",
                    "brand_price",
                    "submitted_at",
                    "reviewed_at",
                ),
                plan.listings,
            )
            # A price that was not re-checked keeps the verdict and the brand
            # price of its last check.
            cursor.execute(
                "INSERT INTO partner_listings_partnerlisting AS l (partner_id, "
                "variant_id, country, currency, price_amount, min_order_quantity, "
                "order_multiple, lead_time_days, status, rejection_reason, "
                "price_check, brand_price_amount, stock_low_notified, created_at, "
                "updated_at, submitted_at, reviewed_at) "
                "SELECT %s, variant_id, country, currency, price, "
                "min_order_quantity, order_multiple, lead_time_days, status, '', "
                "COALESCE(price_check, %s), brand_price, false, now(), now(), "
                "submitted_at, reviewed_at FROM feed_listing "
                "ON CONFLICT (partner_id, variant_id, country) DO UPDATE SET "
                "currency = EXCLUDED.currency, price_amount = EXCLUDED.price_amount, "
                "min_order_quantity = EXCLUDED.min_order_quantity, "
                "order_multiple = EXCLUDED.order_multiple, "
                "lead_time_days = EXCLUDED.lead_time_days, "
                "status = EXCLUDED.status, "
                "rejection_reason = CASE WHEN EXCLUDED.status = l.status "
                "THEN l.rejection_reason ELSE '' END, "
                "price_check = CASE WHEN EXCLUDED.price_check = %s "
                "THEN l.price_check ELSE EXCLUDED.price_check END, "
                "brand_price_amount = CASE WHEN EXCLUDED.price_check = %s "
                "THEN l.brand_price_amount ELSE EXCLUDED.brand_price_amount END, "
                "updated_at = now(), "
                "submitted_at = COALESCE(EXCLUDED.submitted_at, l.submitted_at), "
                "reviewed_at = COALESCE(EXCLUDED.reviewed_at, l.reviewed_at)",
                [partner.pk, _KEEP, _KEEP, _KEEP],
            )
        if plan.stocks:
            cursor.execute("DROP TABLE IF EXISTS feed_stock")
            cursor.execute(
                "CREATE TEMP TABLE feed_stock (warehouse_id uuid, "
                "variant_id integer, quantity integer) ON COMMIT DROP"
            )
            _copy(
                cursor,
                "feed_stock",
                ("warehouse_id", "variant_id", "quantity"),
                plan.stocks,
            )
            cursor.execute(
                "INSERT INTO warehouse_stock (warehouse_id, product_variant_id, "
                "quantity) SELECT warehouse_id, variant_id, quantity FROM feed_stock "
                "ON CONFLICT (warehouse_id, product_variant_id) DO UPDATE SET "
                "quantity = EXCLUDED.quantity"
            )
    if len(plan.listings) >= _ANALYZE_AFTER_ROWS:
        # A large feed changes the table's statistics enough for the
        # planner to pick bad plans for the offers until autovacuum runs.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE partner_listings_partnerlisting")
    tracker.step(tracker.total // 2)


def import_csv(partner, stream, *, partial=False, dry_run=False, progress=None):
    with collector_paused():
        rows, errors = read_csv(stream)
    return upsert_listings(
        partner,
        rows,
        parse_errors=errors,
        partial=partial,
        dry_run=dry_run,
        progress=progress,
    )
