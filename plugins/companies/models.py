from django.conf import settings
from django.db import models
from django_countries.fields import CountryField


class Company(models.Model):
    """A business buyer: the account its members shop for."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    tax_id = models.CharField(max_length=32, help_text="CNPJ in Brazil.")
    country = CountryField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("country", "tax_id"), name="company_unique_tax_id"
            )
        ]
        verbose_name_plural = "companies"

    def __str__(self):
        return self.name


class CompanyMemberRole(models.TextChoices):
    ADMIN = "admin", "Administrator"
    BUYER = "buyer", "Buyer"


class CompanyMember(models.Model):
    """A user's membership of a buyer company; a user buys for one company."""

    company = models.ForeignKey(
        Company, related_name="members", on_delete=models.CASCADE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        related_name="company_membership",
        on_delete=models.CASCADE,
    )
    role = models.CharField(
        max_length=16, choices=CompanyMemberRole.choices, default="buyer"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} ({self.role}) at {self.company}"


class CustomerGroup(models.Model):
    """A named set of buyer companies sharing commercial terms."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    companies = models.ManyToManyField(
        Company, related_name="customer_groups", blank=True
    )

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name
