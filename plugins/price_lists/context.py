"""Who is buying, where, through which channel and when: the pricing context.

Every price the marketplace shows or charges is resolved for a
``PricingContext``. For an API request, ``get_pricing_context`` builds it:

- the country is the first of: the ``country`` argument of the field being
  resolved, the ``country`` argument of the top-level query (``products``,
  ``product``, ``productVariant``, ``productVariants``), stored on the
  request by ``set_request_country`` so that nested fields read it, the
  signed-in buyer's default shipping address, the country Saleor's
  middleware detected for the request (``request.country``), and
  ``settings.DEFAULT_COUNTRY``;
- the buyer is the company the signed-in user buys for and the customer
  groups of that company;
- the channel is the ``channel`` argument of the top-level query, else the
  ``X-Sales-Channel`` header, else ``STOREFRONT_CHANNEL``;
- the moment is the request's time.

A checkout carries its own context (``plugins.price_lists.checkout``).
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from plugins.companies.models import CompanyMember

STOREFRONT_CHANNEL = "storefront"
CHANNEL_HEADER = "HTTP_X_SALES_CHANNEL"

_COUNTRY_ATTR = "_price_lists_country"
_CHANNEL_ATTR = "_price_lists_channel"
_BUYER_ATTR = "_price_lists_buyer"
_CONTEXT_CACHE_ATTR = "_price_lists_contexts"


@dataclass(frozen=True)
class PricingContext:
    """The circumstances a price is resolved for.

    ``currency``, when set, restricts the resolution to lists in that
    currency: a checkout or a draft order is priced in the currency it was
    opened in, even if the region changed currency since.
    """

    country: str
    company_id: int | None
    customer_group_ids: frozenset[int]
    channel: str | None
    at: datetime
    currency: str | None = None

    def __post_init__(self):
        # Callers may pass any iterable of ids; the context stays hashable.
        if not isinstance(self.customer_group_ids, frozenset):
            groups = frozenset(self.customer_group_ids or ())
            object.__setattr__(self, "customer_group_ids", groups)
        object.__setattr__(self, "country", normalize_country(self.country))

    def with_currency(self, currency: str | None) -> "PricingContext":
        return replace(self, currency=currency)


def get_region_context(country: str, at: datetime | None = None) -> PricingContext:
    """Return the context of an anonymous buyer of a region, no channel.

    This is the context of the brand price: the price the brand itself
    asks in the region, which partner listings are measured against.
    """
    return PricingContext(
        country=normalize_country(country),
        company_id=None,
        customer_group_ids=frozenset(),
        channel=None,
        at=at or timezone.now(),
    )


def normalize_country(country) -> str:
    """Return the ISO code of a country given as a code, an enum or a Country."""
    code = getattr(country, "code", None) or getattr(country, "value", None)
    code = code or country
    return str(code).upper()


def get_buyer(user) -> tuple[int | None, frozenset[int]]:
    """Return the company a user buys for and that company's customer groups."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, frozenset()
    rows = CompanyMember.objects.filter(
        user_id=user.pk, company__is_active=True
    ).values_list("company_id", "company__customer_groups")
    company_id = None
    group_ids = set()
    for company, group in rows:
        company_id = company
        if group is not None:
            group_ids.add(group)
    return company_id, frozenset(group_ids)


def _get_request(info_or_request):
    return getattr(info_or_request, "context", info_or_request)


def set_request_country(info_or_request, country) -> None:
    """Remember the top-level query's ``country`` for the nested fields."""
    if country:
        request = _get_request(info_or_request)
        setattr(request, _COUNTRY_ATTR, normalize_country(country))


def set_request_channel(info_or_request, channel) -> None:
    """Remember the top-level query's ``channel`` for the nested fields."""
    if channel:
        setattr(_get_request(info_or_request), _CHANNEL_ATTR, channel)


def get_request_country(request, user) -> str:
    """Apply the country fallback rule to a request (the argument aside)."""
    country = getattr(request, _COUNTRY_ATTR, None)
    if country:
        return country
    address = getattr(user, "default_shipping_address", None) if user else None
    if address is not None and address.country:
        return normalize_country(address.country)
    detected = getattr(request, "country", None)
    if detected:
        return normalize_country(detected)
    return normalize_country(settings.DEFAULT_COUNTRY)


def get_request_channel(request) -> str | None:
    channel = getattr(request, _CHANNEL_ATTR, None)
    if channel:
        return channel
    meta = getattr(request, "META", None) or {}
    header = (meta.get(CHANNEL_HEADER) or "").strip()
    return header or STOREFRONT_CHANNEL


def _get_request_buyer(request, user):
    # One lookup per request: every priced field of a page shares it.
    cached = getattr(request, _BUYER_ATTR, None)
    if cached is not None and cached[0] == getattr(user, "pk", None):
        return cached[1]
    buyer = get_buyer(user)
    try:
        setattr(request, _BUYER_ATTR, (getattr(user, "pk", None), buyer))
    except AttributeError:
        pass
    return buyer


def get_pricing_context(info_or_request, country=None) -> PricingContext:
    """Return the pricing context of a GraphQL resolve info or a request."""
    request = _get_request(info_or_request)
    # Every priced field of a page asks; the answer only changes with what
    # the top-level query stored and with the signed-in user.
    key = (
        country and normalize_country(country),
        getattr(request, _COUNTRY_ATTR, None),
        getattr(request, _CHANNEL_ATTR, None),
        getattr(getattr(request, "user", None), "pk", None),
    )
    cache = getattr(request, "__dict__", {}).setdefault(_CONTEXT_CACHE_ATTR, {})
    if key not in cache:
        cache[key] = _build_pricing_context(request, country)
    return cache[key]


def _build_pricing_context(request, country) -> PricingContext:
    user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None

    if country:
        country_code = normalize_country(country)
    else:
        country_code = get_request_country(request, user)

    company_id, group_ids = _get_request_buyer(request, user)
    at = getattr(request, "request_time", None) or timezone.now()
    return PricingContext(
        country=country_code,
        company_id=company_id,
        customer_group_ids=group_ids,
        channel=get_request_channel(request),
        at=at,
    )
