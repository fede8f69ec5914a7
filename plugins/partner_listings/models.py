import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django_countries.fields import CountryField
from django_prices.models import MoneyField


def generate_webhook_secret():
    return secrets.token_hex(32)


class PartnerKind(models.TextChoices):
    BRAND = "brand", "Brand"
    DISTRIBUTOR = "distributor", "Distributor"
    RESELLER = "reseller", "Reseller"
    REPRESENTATIVE = "representative", "Representative"


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class Partner(models.Model):
    """A company that sells the brand's products, the brand itself included.

    A partner holds stock in Saleor warehouses of its own (a warehouse is
    held by one partner at most) and sells in the regions it serves. Its
    listings go through the brand's review unless ``auto_approve_listings``
    is on, in which case a listing priced inside the band is approved at
    once.
    """

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    kind = models.CharField(max_length=16, choices=PartnerKind.choices)
    country = CountryField(default="BR", help_text="Country of the tax id.")
    tax_id = models.CharField(max_length=32, help_text="CNPJ in Brazil.")
    regions = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        help_text="ISO 3166-1 codes of the countries the partner sells in.",
    )
    status = models.CharField(
        max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE
    )
    payout_account = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="Reference of the account the partner is paid to.",
    )
    stock_source = models.ForeignKey(
        "self",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=(
            "The partner whose warehouses ship this partner's orders, for a "
            "partner without stock of its own (a representative selling the "
            "brand's stock); empty for the partner itself."
        ),
    )
    auto_approve_listings = models.BooleanField(default=False)
    low_stock_threshold = models.PositiveIntegerField(default=5)
    webhook_url = models.URLField(max_length=500, blank=True, default="")
    webhook_secret = models.CharField(max_length=64, default=generate_webhook_secret)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("country", "tax_id"), name="partner_unique_tax_id"
            ),
            models.UniqueConstraint(
                fields=("kind",),
                condition=Q(kind="brand"),
                name="partner_single_brand",
            ),
        ]
        permissions = (("manage_partners", "Manage partners and their listings."),)

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status == PartnerStatus.ACTIVE

    @property
    def is_brand(self):
        return self.kind == PartnerKind.BRAND

    @property
    def stock_partner_id(self):
        return self.stock_source_id or self.pk


class PartnerWarehouse(models.Model):
    """A Saleor warehouse held by a partner: its stock is the partner's."""

    partner = models.ForeignKey(
        Partner, related_name="held_warehouses", on_delete=models.CASCADE
    )
    warehouse = models.OneToOneField(
        "warehouse.Warehouse", related_name="partner_hold", on_delete=models.CASCADE
    )

    def __str__(self):
        return f"{self.warehouse} held by {self.partner}"


class PartnerMemberRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"


class PartnerMember(models.Model):
    """A user's role in a partner; a user acts for one partner at most."""

    partner = models.ForeignKey(
        Partner, related_name="members", on_delete=models.CASCADE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="partner_membership",
        on_delete=models.CASCADE,
    )
    role = models.CharField(
        max_length=16, choices=PartnerMemberRole.choices, default="viewer"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self):
        return f"{self.user} ({self.role}) at {self.partner}"


class PartnerApp(models.Model):
    """A Saleor app acting for a partner (its ERP), with a manager's rights."""

    partner = models.ForeignKey(Partner, related_name="apps", on_delete=models.CASCADE)
    app = models.OneToOneField(
        "app.App", related_name="partner_link", on_delete=models.CASCADE
    )

    def __str__(self):
        return f"{self.app} for {self.partner}"


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAUSED = "paused", "Paused"


class PartnerListing(models.Model):
    """A partner's offer of one variant in one region (country).

    The price is in the currency of the region. Stock is not kept here: it
    is the Saleor ``Stock`` of the variant in the partner's warehouses.
    ``price_check`` holds the governance verdict of the last price check
    (empty when the price is inside the band).
    """

    # The unique (partner, variant, country) and the offers index (variant,
    # country, status) serve the lookups by partner and by variant: no
    # index of their own, two fewer to maintain on every feed write.
    partner = models.ForeignKey(
        Partner, related_name="listings", on_delete=models.CASCADE, db_index=False
    )
    variant = models.ForeignKey(
        "product.ProductVariant",
        related_name="partner_listings",
        on_delete=models.CASCADE,
        db_index=False,
    )
    country = CountryField()
    currency = models.CharField(max_length=settings.DEFAULT_CURRENCY_CODE_LENGTH)
    price_amount = models.DecimalField(
        max_digits=settings.DEFAULT_MAX_DIGITS,
        decimal_places=settings.DEFAULT_DECIMAL_PLACES,
    )
    price = MoneyField(amount_field="price_amount", currency_field="currency")
    min_order_quantity = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)]
    )
    order_multiple = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)]
    )
    lead_time_days = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    rejection_reason = models.TextField(blank=True, default="")
    price_check = models.CharField(max_length=32, blank=True, default="")
    brand_price_amount = models.DecimalField(
        max_digits=settings.DEFAULT_MAX_DIGITS,
        decimal_places=settings.DEFAULT_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    stock_low_notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=("partner", "variant", "country"),
                name="partner_listing_unique_offer",
            ),
            models.CheckConstraint(
                check=Q(price_amount__gt=0), name="partner_listing_price_positive"
            ),
            models.CheckConstraint(
                check=Q(min_order_quantity__gte=1) & Q(order_multiple__gte=1),
                name="partner_listing_quantities_positive",
            ),
        ]
        indexes = [
            models.Index(
                fields=("variant", "country", "status"),
                name="partner_listing_offers_idx",
            )
        ]

    def __str__(self):
        return f"Listing {self.pk} of {self.variant_id} by {self.partner_id}"


class BandAction(models.TextChoices):
    REFUSE = "refuse", "Refuse the price"
    HOLD = "hold", "Accept and hold for review"


class PriceBand(models.Model):
    """The allowed range of a listing price, relative to the brand's price.

    A band applies to one partner or to all (``partner`` empty) and to one
    category (and its subcategories) or to all (``category`` empty); the
    most specific band wins: partner and category, partner, category, then
    the default band.
    """

    partner = models.ForeignKey(
        Partner,
        related_name="price_bands",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    category = models.ForeignKey(
        "product.Category",
        related_name="partner_price_bands",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    floor_percent = models.DecimalField(max_digits=7, decimal_places=3)
    ceiling_percent = models.DecimalField(max_digits=7, decimal_places=3)
    action = models.CharField(
        max_length=8, choices=BandAction.choices, default=BandAction.REFUSE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                Coalesce("partner", 0),
                Coalesce("category", 0),
                name="price_band_unique_scope",
            ),
            models.CheckConstraint(
                check=Q(floor_percent__gt=0)
                & Q(ceiling_percent__gte=models.F("floor_percent")),
                name="price_band_valid_range",
            ),
        ]

    def __str__(self):
        return f"Band {self.floor_percent}%-{self.ceiling_percent}%"


class PriceAlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class PriceAlert(models.Model):
    """A listing whose price left its band after the brand's price moved."""

    listing = models.ForeignKey(
        PartnerListing, related_name="price_alerts", on_delete=models.CASCADE
    )
    partner = models.ForeignKey(
        Partner, related_name="price_alerts", on_delete=models.CASCADE
    )
    code = models.CharField(max_length=32)
    status = models.CharField(
        max_length=16, choices=PriceAlertStatus.choices, default=PriceAlertStatus.OPEN
    )
    currency = models.CharField(max_length=settings.DEFAULT_CURRENCY_CODE_LENGTH)
    listing_price_amount = models.DecimalField(
        max_digits=settings.DEFAULT_MAX_DIGITS,
        decimal_places=settings.DEFAULT_DECIMAL_PLACES,
    )
    brand_price_amount = models.DecimalField(
        max_digits=settings.DEFAULT_MAX_DIGITS,
        decimal_places=settings.DEFAULT_DECIMAL_PLACES,
    )
    floor_amount = models.DecimalField(
        max_digits=settings.DEFAULT_MAX_DIGITS,
        decimal_places=settings.DEFAULT_DECIMAL_PLACES,
    )
    ceiling_amount = models.DecimalField(
        max_digits=settings.DEFAULT_MAX_DIGITS,
        decimal_places=settings.DEFAULT_DECIMAL_PLACES,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("listing",),
                condition=Q(status="open"),
                name="price_alert_one_open_per_listing",
            )
        ]

    def __str__(self):
        return f"Price alert {self.code} on listing {self.listing_id}"


class OrderLineRoute(models.Model):
    """The partner that sells, and fulfils, one order line."""

    order_line = models.OneToOneField(
        "order.OrderLine", related_name="partner_route", on_delete=models.CASCADE
    )
    order = models.ForeignKey(
        "order.Order", related_name="partner_routes", on_delete=models.CASCADE
    )
    partner = models.ForeignKey(
        Partner, related_name="order_routes", on_delete=models.PROTECT
    )
    listing = models.ForeignKey(
        PartnerListing,
        related_name="order_routes",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        indexes = [models.Index(fields=("partner", "order"), name="route_partner_idx")]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent, or to be sent, to a partner's webhook endpoint."""

    partner = models.ForeignKey(
        Partner, related_name="webhook_deliveries", on_delete=models.CASCADE
    )
    event = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-pk",)
        indexes = [
            models.Index(
                fields=("status", "next_attempt_at"), name="webhook_delivery_due_idx"
            )
        ]

    def __str__(self):
        return f"Delivery {self.pk} of {self.event} to {self.partner_id}"
