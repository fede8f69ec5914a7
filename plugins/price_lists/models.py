from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from plugins.companies.models import Company, CustomerGroup


class PriceList(models.Model):
    """Prices in one currency for a region, optionally for some buyers.

    ``countries`` is the region the list covers. ``companies`` and
    ``customer_groups`` narrow it to some buyers (a contract list); with
    neither, every buyer of the region qualifies. ``channel`` narrows it to
    one sales channel (the storefront, or a partner's referral code).
    ``is_default`` marks the list price of the region, which every other
    list of the region overrides. ``resolution`` explains which list wins.
    """

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    currency = models.CharField(max_length=3)
    countries = ArrayField(models.CharField(max_length=2), default=list)
    companies = models.ManyToManyField(Company, related_name="price_lists", blank=True)
    customer_groups = models.ManyToManyField(
        CustomerGroup, related_name="price_lists", blank=True
    )
    channel = models.CharField(max_length=64, null=True, blank=True)
    is_default = models.BooleanField(default=False)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-priority", "name", "pk")
        permissions = (("manage_price_lists", "Manage price lists."),)
        indexes = [GinIndex(fields=["countries"], name="price_list_countries")]
        constraints = [
            models.CheckConstraint(
                check=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="price_list_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name


class PriceListEntry(models.Model):
    """The price of a variant in a list from ``min_quantity`` units up."""

    price_list = models.ForeignKey(
        PriceList, related_name="entries", on_delete=models.CASCADE
    )
    variant = models.ForeignKey(
        "product.ProductVariant",
        related_name="price_list_entries",
        on_delete=models.CASCADE,
    )
    min_quantity = models.PositiveIntegerField(default=1)
    # Three places hold every ISO 4217 currency; the currency's own
    # precision is enforced when an entry is written.
    amount = models.DecimalField(max_digits=15, decimal_places=3)

    class Meta:
        ordering = ("price_list", "variant", "min_quantity")
        constraints = [
            models.UniqueConstraint(
                fields=("price_list", "variant", "min_quantity"),
                name="price_list_entry_unique_tier",
            ),
            models.CheckConstraint(
                check=Q(amount__gt=0), name="price_list_entry_amount_positive"
            ),
            models.CheckConstraint(
                check=Q(min_quantity__gte=1),
                name="price_list_entry_min_quantity_positive",
            ),
        ]
        indexes = [models.Index(fields=["variant", "price_list"])]

    def __str__(self):
        return f"{self.variant_id} x{self.min_quantity}+ in {self.price_list_id}"
