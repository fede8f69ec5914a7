import graphene
from saleor.graphql.core.scalars import Decimal
from saleor.graphql.core.types import Upload
from saleor.graphql.core.utils import from_global_id_strict_type
from saleor.product.models import ProductVariant

from ... import management
from ...entries_csv import parse_entries_csv
from ...error_codes import PriceListErrorCode
from ...exceptions import PriceListError
from ..enums import PriceListBulkMode
from ..types import PriceList
from .base import PriceListMutation, to_error_types


class PriceListEntryInput(graphene.InputObjectType):
    variant_id = graphene.ID(description="The variant; or give its SKU.")
    sku = graphene.String(description="SKU of the variant; or give its ID.")
    min_quantity = graphene.Int(
        default_value=1, description="The price applies from this quantity up."
    )
    amount = Decimal(required=True, description="Unit price, above zero.")
    currency = graphene.String(
        description="If given, must be the list's currency (a safety check)."
    )


class PriceListEntryKeyInput(graphene.InputObjectType):
    variant_id = graphene.ID(description="The variant; or give its SKU.")
    sku = graphene.String(description="SKU of the variant; or give its ID.")
    min_quantity = graphene.Int(default_value=1, description="The tier to remove.")


def _variant_pk(global_id, field):
    try:
        return int(from_global_id_strict_type(global_id, "ProductVariant", field=field))
    except Exception:
        raise PriceListError(
            f"{global_id!r} is not a product variant ID.",
            code=PriceListErrorCode.GRAPHQL_ERROR,
            field=field,
        ) from None


def _to_rows(entries):
    rows = []
    for position, entry in enumerate(entries, start=1):
        variant_id = None
        if entry.get("variant_id"):
            try:
                variant_id = _variant_pk(entry["variant_id"], "variantId")
            except PriceListError as error:
                error.row = position
                raise
        rows.append(
            management.EntryRow(
                row=position,
                variant_id=variant_id,
                sku=entry.get("sku"),
                min_quantity=entry.get("min_quantity"),
                amount=entry.get("amount"),
                currency=entry.get("currency"),
            )
        )
    return rows


class _EntriesWrite(PriceListMutation):
    price_list = graphene.Field(PriceList, description="The price list written to.")
    count = graphene.Int(
        required=True, default_value=0, description="Number of entries written."
    )

    class Meta:
        abstract = True

    @classmethod
    def write(cls, info, price_list_id, rows, mode):
        price_list = cls.get_node_or_error(
            info, price_list_id, field="price_list_id", only_type=PriceList
        )
        result = management.upsert_entries(
            price_list, rows, management.BulkMode(mode or "atomic")
        )
        errors = to_error_types(result.errors)
        price_list.refresh_from_db()
        return cls(
            price_list=price_list,
            count=result.written,
            price_list_errors=errors,
            errors=errors,
        )


class PriceListEntriesBulkUpsert(_EntriesWrite):
    class Arguments:
        price_list_id = graphene.ID(required=True, description="ID of the list.")
        entries = graphene.List(
            graphene.NonNull(PriceListEntryInput),
            required=True,
            description="The entries to create, or update by variant and quantity.",
        )
        mode = PriceListBulkMode(
            default_value=PriceListBulkMode.ATOMIC.value,
            description="ATOMIC: all or nothing. PER_ROW: write the valid rows.",
        )

    class Meta:
        description = (
            "Create or update entries of a price list. An entry is never half "
            "written. Requires MANAGE_PRICE_LISTS."
        )

    @classmethod
    def perform_mutation(cls, _root, info, price_list_id, entries, mode=None):
        return cls.write(info, price_list_id, _to_rows(entries), mode)


class PriceListEntriesImport(_EntriesWrite):
    class Arguments:
        price_list_id = graphene.ID(required=True, description="ID of the list.")
        file = Upload(description="A CSV file (multipart request).")
        csv = graphene.String(description="The CSV text, instead of a file.")
        mode = PriceListBulkMode(
            default_value=PriceListBulkMode.ATOMIC.value,
            description="ATOMIC: all or nothing. PER_ROW: write the valid rows.",
        )

    class Meta:
        description = (
            "Import entries of a price list from CSV: columns sku, amount and "
            "optionally min_quantity and currency. Requires MANAGE_PRICE_LISTS."
        )

    @classmethod
    def perform_mutation(cls, _root, info, price_list_id, mode=None, **data):
        upload = data.get("file")
        text = data.get("csv")
        if (upload is None) == (text is None):
            raise PriceListError(
                "Give either a file or the CSV text.",
                code=PriceListErrorCode.REQUIRED,
                field="file",
            )
        if upload is not None:
            # Saleor's Upload names the multipart part that holds the file.
            file = info.context.FILES.get(upload)
            if file is None:
                raise PriceListError(
                    "The request holds no file under that name.",
                    code=PriceListErrorCode.REQUIRED,
                    field="file",
                )
            text = file.read()
        return cls.write(info, price_list_id, parse_entries_csv(text), mode)


class PriceListEntriesBulkDelete(PriceListMutation):
    price_list = graphene.Field(PriceList, description="The price list.")
    count = graphene.Int(
        required=True, default_value=0, description="Number of entries deleted."
    )

    class Arguments:
        price_list_id = graphene.ID(required=True, description="ID of the list.")
        entries = graphene.List(
            graphene.NonNull(PriceListEntryKeyInput),
            required=True,
            description="The tiers to remove, by variant and minimum quantity.",
        )

    class Meta:
        description = "Delete entries of a price list. Requires MANAGE_PRICE_LISTS."

    @classmethod
    def perform_mutation(cls, _root, info, price_list_id, entries):
        price_list = cls.get_node_or_error(
            info, price_list_id, field="price_list_id", only_type=PriceList
        )
        skus = {entry["sku"] for entry in entries if entry.get("sku")}
        by_sku = dict(
            ProductVariant.objects.filter(sku__in=skus).values_list("sku", "pk")
        )
        keys = []
        for position, entry in enumerate(entries, start=1):
            if entry.get("variant_id"):
                variant_id = _variant_pk(entry["variant_id"], "variantId")
            elif entry.get("sku") in by_sku:
                variant_id = by_sku[entry["sku"]]
            else:
                raise PriceListError(
                    f"No variant has the SKU {entry.get('sku')!r}.",
                    code=PriceListErrorCode.UNKNOWN_SKU,
                    field="sku",
                    row=position,
                )
            keys.append((variant_id, entry.get("min_quantity") or 1))
        count = management.delete_entries(price_list, keys)
        return PriceListEntriesBulkDelete(price_list=price_list, count=count)
