"""Writing price lists and their entries, with the rules that keep them sound.

Every write runs in a transaction and raises ``PriceListError`` (or
``PriceListErrors``) before it changes anything:

- every list covering a country has the same currency, the country's;
- two active lists that could tie for some buyer (same kind, same
  priority, a shared country, a shared company or customer group or both
  open to all, compatible channels, overlapping validity) cannot coexist:
  the resolution rule would have to break the tie arbitrarily;
- within a list, a variant's unit price does not rise with the quantity.

Writes to lists take a transaction-level advisory lock, so that two
concurrent writes cannot each pass the checks against the state before the
other; writes to a list's entries lock that list's row.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries as all_countries
from saleor.product.models import ProductVariant

from .currencies import get_precision, has_valid_precision, is_available_currency
from .error_codes import PriceListErrorCode
from .exceptions import PriceListError, PriceListErrors
from .models import PriceList, PriceListEntry

logger = logging.getLogger(__name__)

# Any 64-bit key unique to this plugin: pg_advisory_xact_lock's namespace is
# shared by the whole database.
_PRICE_LISTS_LOCK = 0x5052_4943_454C_5354 & 0x7FFF_FFFF_FFFF_FFFF
_MAX_AMOUNT = Decimal(10) ** 12


def _lock_price_lists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PRICE_LISTS_LOCK])


def clean_countries(codes) -> list[str]:
    if not codes:
        raise PriceListError(
            "A price list covers at least one country.",
            code=PriceListErrorCode.REQUIRED,
            field="countries",
        )
    cleaned = set()
    for code in codes:
        code = str(code).strip().upper()
        if code not in all_countries:
            raise PriceListError(
                f"{code!r} is not an ISO 3166-1 country code.",
                code=PriceListErrorCode.INVALID_COUNTRY,
                field="countries",
            )
        cleaned.add(code)
    return sorted(cleaned)


def _clean_list(price_list, data, *, creating):
    errors = []

    def fail(message, code, field_name):
        errors.append(PriceListError(message, code=code, field=field_name))

    if creating or "name" in data:
        name = (data.get("name") or "").strip()
        if not name:
            fail("A price list needs a name.", PriceListErrorCode.REQUIRED, "name")
        price_list.name = name
    if "slug" in data or creating:
        slug = slugify(data.get("slug") or price_list.name)
        if not slug and price_list.name:
            fail("A price list needs a slug.", PriceListErrorCode.REQUIRED, "slug")
        elif PriceList.objects.filter(slug=slug).exclude(pk=price_list.pk).exists():
            fail(
                f"Another price list has the slug {slug!r}.",
                PriceListErrorCode.UNIQUE,
                "slug",
            )
        price_list.slug = slug
    if creating or "currency" in data:
        currency = (data.get("currency") or "").strip().upper()
        if not currency:
            fail(
                "A price list needs a currency.",
                PriceListErrorCode.REQUIRED,
                "currency",
            )
        elif not is_available_currency(currency):
            fail(
                f"{currency} is not one of the shop's currencies.",
                PriceListErrorCode.UNSUPPORTED_CURRENCY,
                "currency",
            )
        elif (
            not creating
            and currency != price_list.currency
            and price_list.entries.exists()
        ):
            fail(
                "The currency of a list with entries cannot change: its "
                "amounts are in the old currency.",
                PriceListErrorCode.CURRENCY_MISMATCH,
                "currency",
            )
        price_list.currency = currency
    if creating or "countries" in data:
        try:
            price_list.countries = clean_countries(data.get("countries"))
        except PriceListError as error:
            errors.append(error)
    for name in ("channel",):
        if name in data:
            value = (data[name] or "").strip()
            setattr(price_list, name, value or None)
    for name in ("is_default", "is_active"):
        if data.get(name) is not None:
            setattr(price_list, name, bool(data[name]))
    if data.get("priority") is not None:
        price_list.priority = int(data["priority"])
    for name in ("starts_at", "ends_at"):
        if name in data:
            setattr(price_list, name, data[name])
    if (
        price_list.starts_at is not None
        and price_list.ends_at is not None
        and price_list.ends_at <= price_list.starts_at
    ):
        fail(
            "A price list must end after it starts.",
            PriceListErrorCode.INVALID_DATE_RANGE,
            "endsAt",
        )
    if errors:
        raise PriceListErrors(errors)


def _check_currency(price_list):
    other = (
        PriceList.objects.filter(countries__overlap=price_list.countries)
        .exclude(currency=price_list.currency)
        .exclude(pk=price_list.pk)
        .first()
    )
    if other is not None:
        shared = sorted(set(other.countries) & set(price_list.countries))
        raise PriceListError(
            f"{', '.join(shared)} already pay in {other.currency} "
            f"(price list {other.name!r}); a country has one currency.",
            code=PriceListErrorCode.CURRENCY_MISMATCH,
            field="currency",
        )


def find_tie(price_list, company_ids, group_ids) -> PriceList | None:
    """Return an active list that could tie with this one for some buyer."""
    if not price_list.is_active:
        return None
    others = PriceList.objects.filter(
        is_active=True,
        priority=price_list.priority,
        is_default=price_list.is_default,
        countries__overlap=price_list.countries,
    ).exclude(pk=price_list.pk)
    if price_list.channel is not None:
        others = others.filter(Q(channel__isnull=True) | Q(channel=price_list.channel))
    if price_list.ends_at is not None:
        others = others.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lt=price_list.ends_at)
        )
    if price_list.starts_at is not None:
        others = others.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=price_list.starts_at)
        )
    if company_ids or group_ids:
        others = others.filter(
            Q(companies__in=company_ids) | Q(customer_groups__in=group_ids)
        )
    else:
        others = others.filter(companies__isnull=True, customer_groups__isnull=True)
    return others.distinct().first()


def _check_tie(price_list, company_ids, group_ids):
    other = find_tie(price_list, company_ids, group_ids)
    if other is not None:
        raise PriceListError(
            f"Price list {other.name!r} has the same kind and priority, shares "
            "countries and buyers and is valid at the same time: one of them "
            "needs another priority, validity or audience.",
            code=PriceListErrorCode.OVERLAPPING_VALIDITY,
            field="priority",
        )


@transaction.atomic
def save_price_list(price_list: PriceList | None, data: dict) -> PriceList:
    """Create (``price_list`` is ``None``) or update a price list.

    ``data`` holds the fields to set, by model field name, with
    ``companies`` and ``customer_groups`` as lists of model instances.
    """
    _lock_price_lists()
    creating = price_list is None
    if creating:
        price_list = PriceList()
    else:
        price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)

    _clean_list(price_list, data, creating=creating)

    if "companies" in data:
        company_ids = {company.pk for company in data["companies"] or ()}
    elif creating:
        company_ids = set()
    else:
        company_ids = set(price_list.companies.values_list("pk", flat=True))
    if "customer_groups" in data:
        group_ids = {group.pk for group in data["customer_groups"] or ()}
    elif creating:
        group_ids = set()
    else:
        group_ids = set(price_list.customer_groups.values_list("pk", flat=True))
    if price_list.is_default and (company_ids or group_ids):
        raise PriceListError(
            "A region's default list is open to every buyer; it cannot name "
            "companies or customer groups.",
            code=PriceListErrorCode.INVALID,
            field="isDefault",
        )

    _check_currency(price_list)
    _check_tie(price_list, company_ids, group_ids)

    price_list.save()
    if creating or "companies" in data:
        price_list.companies.set(company_ids)
    if creating or "customer_groups" in data:
        price_list.customer_groups.set(group_ids)
    logger.info(
        "Price list %s: %s",
        price_list.pk,
        "created" if creating else "updated",
        extra={"price_list": price_list.pk},
    )
    return price_list


@transaction.atomic
def delete_price_list(price_list: PriceList) -> None:
    _lock_price_lists()
    price_list_id = price_list.pk
    price_list.delete()
    logger.info("Price list %s: deleted", price_list_id)


class BulkMode(StrEnum):
    """How a bulk write treats invalid rows."""

    # Write every row or none.
    ATOMIC = "atomic"
    # Write the valid rows, report the others.
    PER_ROW = "per_row"


@dataclass
class EntryRow:
    """One row of a bulk write: a variant's price from a quantity up.

    ``row`` numbers the row for error reports (its position in the input,
    or its line in a CSV file).
    """

    row: int
    amount: Decimal | str | None
    min_quantity: int | str | None = 1
    sku: str | None = None
    variant_id: int | None = None
    currency: str | None = None


@dataclass
class BulkResult:
    written: int = 0
    errors: list[PriceListError] = field(default_factory=list)


def _parse_amount(value) -> Decimal:
    if isinstance(value, Decimal):
        amount = value
    else:
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            amount = None
    if amount is None or not amount.is_finite():
        raise PriceListError(
            f"{value!r} is not an amount.",
            code=PriceListErrorCode.INVALID_AMOUNT,
            field="amount",
        )
    return amount


def _parse_quantity(value) -> int:
    if value is None or value == "":
        return 1
    try:
        quantity = int(str(value).strip())
    except ValueError:
        quantity = 0
    if quantity < 1:
        raise PriceListError(
            f"A minimum quantity is a whole number from 1 up, not {value!r}.",
            code=PriceListErrorCode.INVALID_QUANTITY,
            field="minQuantity",
        )
    return quantity


def _clean_row(row: EntryRow, price_list, variants_by_sku, variants_by_id):
    """Return (variant_id, min_quantity, amount) or raise PriceListError."""
    if row.variant_id is not None:
        variant_id = variants_by_id.get(row.variant_id)
        if variant_id is None:
            raise PriceListError(
                f"Variant {row.variant_id} does not exist.",
                code=PriceListErrorCode.NOT_FOUND,
                field="variantId",
            )
    else:
        sku = (row.sku or "").strip()
        if not sku:
            raise PriceListError(
                "A row names its variant by SKU or id.",
                code=PriceListErrorCode.REQUIRED,
                field="sku",
            )
        variant_id = variants_by_sku.get(sku)
        if variant_id is None:
            raise PriceListError(
                f"No variant has the SKU {sku!r}.",
                code=PriceListErrorCode.UNKNOWN_SKU,
                field="sku",
            )
    if row.currency and row.currency.strip().upper() != price_list.currency:
        raise PriceListError(
            f"The row is in {row.currency.strip().upper()}, the list in "
            f"{price_list.currency}.",
            code=PriceListErrorCode.CURRENCY_MISMATCH,
            field="currency",
        )
    min_quantity = _parse_quantity(row.min_quantity)
    amount = _parse_amount(row.amount)
    if amount <= 0:
        raise PriceListError(
            f"An amount must be above zero, not {amount}.",
            code=PriceListErrorCode.AMOUNT_NOT_POSITIVE,
            field="amount",
        )
    if amount >= _MAX_AMOUNT:
        raise PriceListError(
            f"{amount} is too large an amount.",
            code=PriceListErrorCode.INVALID_AMOUNT,
            field="amount",
        )
    if not has_valid_precision(amount, price_list.currency):
        raise PriceListError(
            f"{price_list.currency} amounts have at most "
            f"{get_precision(price_list.currency)} decimal places, not {amount}.",
            code=PriceListErrorCode.AMOUNT_PRECISION_EXCEEDED,
            field="amount",
        )
    return variant_id, min_quantity, amount


def _find_tier_inversions(stored, incoming):
    """Return (min_quantity, error) for the incoming rows that make a
    variant's tiers rise.

    ``stored`` maps min_quantity to amount as saved; ``incoming`` maps
    min_quantity to (row, amount). Blamed rows are set aside one at a time
    until the merged tiers no longer rise; the saved tiers never do.
    """
    incoming = dict(incoming)
    blamed = []
    while True:
        merged = dict(stored)
        merged.update({quantity: amount for quantity, (_r, amount) in incoming.items()})
        tiers = sorted(merged.items())
        inversion = next(
            (
                (lower, higher)
                for lower, higher in zip(tiers, tiers[1:], strict=False)
                if higher[1] > lower[1]
            ),
            None,
        )
        if inversion is None:
            return blamed
        (low_quantity, low_amount), (high_quantity, high_amount) = inversion
        quantity = high_quantity if high_quantity in incoming else low_quantity
        row, _amount = incoming.pop(quantity)
        blamed.append(
            (
                quantity,
                PriceListError(
                    f"{high_quantity}+ would cost {high_amount}, more than "
                    f"{low_amount} at {low_quantity}+; a higher tier cannot cost "
                    "more per unit.",
                    code=PriceListErrorCode.TIERS_OUT_OF_ORDER,
                    field="amount",
                    row=row,
                ),
            )
        )


def upsert_entries(
    price_list: PriceList, rows: list[EntryRow], mode: BulkMode = BulkMode.ATOMIC
) -> BulkResult:
    """Create or update entries of a list from rows.

    In ``ATOMIC`` mode an invalid row writes nothing; in ``PER_ROW`` mode
    the valid rows are written and the others reported. A row is written
    whole or not at all.
    """
    with transaction.atomic():
        price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
        result = BulkResult()

        # Clean each row on its own.
        skus = {(row.sku or "").strip() for row in rows if row.variant_id is None}
        ids = {row.variant_id for row in rows if row.variant_id is not None}
        variants_by_sku = dict(
            ProductVariant.objects.filter(sku__in=skus).values_list("sku", "pk")
        )
        variants_by_id = {
            pk: pk
            for pk in ProductVariant.objects.filter(pk__in=ids).values_list(
                "pk", flat=True
            )
        }
        cleaned = {}
        for row in rows:
            try:
                variant_id, quantity, amount = _clean_row(
                    row, price_list, variants_by_sku, variants_by_id
                )
            except PriceListError as error:
                error.row = row.row
                result.errors.append(error)
                continue
            if (variant_id, quantity) in cleaned:
                first_row = cleaned[(variant_id, quantity)][0]
                result.errors.append(
                    PriceListError(
                        f"Row {first_row} already prices this variant from "
                        f"{quantity} up.",
                        code=PriceListErrorCode.DUPLICATED_TIER,
                        field="minQuantity",
                        row=row.row,
                    )
                )
                continue
            cleaned[(variant_id, quantity)] = (row.row, amount)

        # Check each variant's tiers as they would be saved.
        incoming = defaultdict(dict)
        for (variant_id, quantity), (row, amount) in cleaned.items():
            incoming[variant_id][quantity] = (row, amount)
        stored = defaultdict(dict)
        for variant_id, quantity, amount in PriceListEntry.objects.filter(
            price_list=price_list, variant_id__in=incoming
        ).values_list("variant_id", "min_quantity", "amount"):
            stored[variant_id][quantity] = amount
        for variant_id, tiers in incoming.items():
            for quantity, error in _find_tier_inversions(stored[variant_id], tiers):
                result.errors.append(error)
                del tiers[quantity]

        result.errors.sort(key=lambda error: error.row or 0)
        if result.errors and mode == BulkMode.ATOMIC:
            return result

        entries = [
            PriceListEntry(
                price_list=price_list,
                variant_id=variant_id,
                min_quantity=quantity,
                amount=amount,
            )
            for variant_id, tiers in incoming.items()
            for quantity, (_row, amount) in tiers.items()
        ]
        PriceListEntry.objects.bulk_create(
            entries,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["price_list", "variant", "min_quantity"],
            update_fields=["amount"],
        )
        if entries:
            PriceList.objects.filter(pk=price_list.pk).update(updated_at=timezone.now())
        result.written = len(entries)
    logger.info(
        "Price list %s: %s entries written, %s rows rejected",
        price_list.pk,
        result.written,
        len(result.errors),
        extra={"price_list": price_list.pk, "mode": str(mode)},
    )
    return result


@transaction.atomic
def delete_entries(price_list: PriceList, keys: list[tuple[int, int]]) -> int:
    """Delete the entries of (variant id, min quantity); return how many."""
    price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
    query = Q()
    for variant_id, quantity in keys:
        query |= Q(variant_id=variant_id, min_quantity=quantity)
    if not keys:
        return 0
    deleted, _ = price_list.entries.filter(query).delete()
    logger.info("Price list %s: %s entries deleted", price_list.pk, deleted)
    return deleted
