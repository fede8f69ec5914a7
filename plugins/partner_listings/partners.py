"""The brand's side of partners: registering them, their members, warehouses."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django_countries import countries
from saleor.account.models import User

from plugins.companies.tax_ids import validate_tax_id

from .error_codes import PartnerError, PartnerErrorCode
from .models import (
    Partner,
    PartnerApp,
    PartnerKind,
    PartnerMember,
    PartnerMemberRole,
    PartnerStatus,
    PartnerWarehouse,
)

logger = logging.getLogger(__name__)


@dataclass
class PartnerData:
    name: str | None = None
    slug: str | None = None
    kind: str | None = None
    country: str | None = None
    tax_id: str | None = None
    regions: list | None = None
    status: str | None = None
    warehouse_ids: list | None = None
    payout_account: str | None = None
    auto_approve_listings: bool | None = None
    low_stock_threshold: int | None = None
    webhook_url: str | None = None
    stock_source: Partner | None = None
    clear_stock_source: bool = False
    app_ids: list | None = None


def _clean_regions(regions):
    cleaned = []
    for code in regions:
        code = (code or "").strip().upper()
        if code not in countries:
            raise PartnerError(
                PartnerErrorCode.INVALID_REGION,
                f"{code!r} is not an ISO 3166-1 country code.",
                "regions",
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _clean_webhook_url(url):
    from django.core.validators import URLValidator

    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise PartnerError(
                PartnerErrorCode.INVALID, "The webhook URL is not valid.", "webhookUrl"
            ) from error
    return url


def _apply(partner: Partner, data: PartnerData):
    if data.name is not None:
        if not data.name.strip():
            raise PartnerError(PartnerErrorCode.REQUIRED, "A name is required.", "name")
        partner.name = data.name.strip()[:255]
    if data.slug is not None:
        slug = slugify(data.slug)
        if not slug:
            raise PartnerError(PartnerErrorCode.INVALID, "The slug is empty.", "slug")
        partner.slug = slug
    if data.kind is not None:
        if data.kind not in PartnerKind.values:
            raise PartnerError(PartnerErrorCode.INVALID, "Unknown kind.", "kind")
        partner.kind = data.kind
    if data.country is not None:
        country = data.country.upper()
        if country not in countries:
            raise PartnerError(
                PartnerErrorCode.INVALID_REGION, "Unknown country.", "country"
            )
        partner.country = country
    if data.tax_id is not None or data.country is not None:
        try:
            partner.tax_id = validate_tax_id(
                str(partner.country), data.tax_id or partner.tax_id
            )
        except ValidationError as error:
            raise PartnerError(
                PartnerErrorCode.INVALID_TAX_ID, error.messages[0], "taxId"
            ) from error
    if data.regions is not None:
        partner.regions = _clean_regions(data.regions)
    if data.status is not None:
        if data.status not in PartnerStatus.values:
            raise PartnerError(PartnerErrorCode.INVALID, "Unknown status.", "status")
        partner.status = data.status
    if data.payout_account is not None:
        partner.payout_account = data.payout_account.strip()[:255]
    if data.auto_approve_listings is not None:
        partner.auto_approve_listings = data.auto_approve_listings
    if data.low_stock_threshold is not None:
        if data.low_stock_threshold < 0:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                "The threshold cannot be negative.",
                "lowStockThreshold",
            )
        partner.low_stock_threshold = data.low_stock_threshold
    if data.webhook_url is not None:
        partner.webhook_url = _clean_webhook_url(data.webhook_url)
    if data.clear_stock_source:
        partner.stock_source = None
    elif data.stock_source is not None:
        source = data.stock_source
        if source.pk == partner.pk or source.stock_source_id is not None:
            raise PartnerError(
                PartnerErrorCode.INVALID,
                "A stock source must be another partner with stock of its own.",
                "stockSource",
            )
        partner.stock_source = source


def _set_warehouses(partner, warehouse_ids):
    warehouse_ids = {str(pk) for pk in warehouse_ids}
    taken = (
        PartnerWarehouse.objects.select_for_update()
        .filter(warehouse_id__in=warehouse_ids)
        .exclude(partner=partner)
    )
    if taken.exists():
        raise PartnerError(
            PartnerErrorCode.WAREHOUSE_ALREADY_HELD,
            "A warehouse is already held by another partner.",
            "warehouses",
        )
    PartnerWarehouse.objects.filter(partner=partner).exclude(
        warehouse_id__in=warehouse_ids
    ).delete()
    held = {
        str(pk)
        for pk in PartnerWarehouse.objects.filter(partner=partner).values_list(
            "warehouse_id", flat=True
        )
    }
    PartnerWarehouse.objects.bulk_create(
        [
            PartnerWarehouse(partner=partner, warehouse_id=pk)
            for pk in warehouse_ids - held
        ]
    )


def _set_apps(partner, app_ids):
    app_ids = {int(pk) for pk in app_ids}
    taken = (
        PartnerApp.objects.select_for_update()
        .filter(app_id__in=app_ids)
        .exclude(partner=partner)
    )
    if taken.exists():
        raise PartnerError(
            PartnerErrorCode.UNIQUE,
            "An app already acts for another partner.",
            "apps",
        )
    PartnerApp.objects.filter(partner=partner).exclude(app_id__in=app_ids).delete()
    linked = set(
        PartnerApp.objects.filter(partner=partner).values_list("app_id", flat=True)
    )
    PartnerApp.objects.bulk_create(
        [PartnerApp(partner=partner, app_id=pk) for pk in app_ids - linked]
    )


def save_partner(data: PartnerData, partner: Partner | None = None) -> Partner:
    creating = partner is None
    if creating:
        for name in ("name", "kind", "tax_id"):
            if not getattr(data, name):
                raise PartnerError(
                    PartnerErrorCode.REQUIRED,
                    f"{name} is required.",
                    "taxId" if name == "tax_id" else name,
                )
        partner = Partner(country="BR")
        if data.slug is None:
            data.slug = data.name
    try:
        with transaction.atomic():
            if not creating:
                partner = Partner.objects.select_for_update().get(pk=partner.pk)
            _apply(partner, data)
            partner.save()
            if data.warehouse_ids is not None:
                _set_warehouses(partner, data.warehouse_ids)
            if data.app_ids is not None:
                _set_apps(partner, data.app_ids)
    except IntegrityError as error:
        message = str(error)
        if "partner_unique_tax_id" in message:
            raise PartnerError(
                PartnerErrorCode.UNIQUE,
                "A partner with this tax id exists.",
                "taxId",
            ) from error
        if "partner_single_brand" in message:
            raise PartnerError(
                PartnerErrorCode.UNIQUE, "The brand partner exists already.", "kind"
            ) from error
        raise PartnerError(
            PartnerErrorCode.UNIQUE, "A partner with this slug exists.", "slug"
        ) from error
    logger.info("Partner %s: %s", partner.slug, "created" if creating else "updated")
    return partner


def add_partner_member(partner, email, role) -> PartnerMember:
    if role not in PartnerMemberRole.values:
        raise PartnerError(PartnerErrorCode.INVALID, "Unknown role.", "role")
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise PartnerError(
            PartnerErrorCode.NOT_FOUND, "No user has this email.", "email"
        )
    with transaction.atomic():
        membership = PartnerMember.objects.select_for_update().filter(user=user).first()
        if membership is not None and membership.partner_id != partner.pk:
            raise PartnerError(
                PartnerErrorCode.ALREADY_MEMBER,
                "This user is a member of another partner.",
                "email",
            )
        if membership is None:
            membership = PartnerMember.objects.create(
                partner=partner, user=user, role=role
            )
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    logger.info("Partner %s: %s is now %s", partner.slug, user.email, role)
    return membership
