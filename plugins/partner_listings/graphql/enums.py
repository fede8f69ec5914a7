import graphene

from .. import models, offers
from ..error_codes import PartnerErrorCode


def _choices_enum(name, choices, description):
    return graphene.Enum(
        name,
        [(value.upper(), value) for value in choices.values],
        description=description,
    )


PartnerErrorCodeEnum = graphene.Enum.from_enum(PartnerErrorCode)
PartnerKindEnum = _choices_enum(
    "PartnerKind", models.PartnerKind, "What kind of company a partner is."
)
PartnerStatusEnum = _choices_enum(
    "PartnerStatus", models.PartnerStatus, "Whether a partner may sell."
)
PartnerMemberRoleEnum = _choices_enum(
    "PartnerMemberRole", models.PartnerMemberRole, "A user's role in a partner."
)
ListingStatusEnum = _choices_enum(
    "PartnerListingStatus", models.ListingStatus, "Where a listing is in review."
)
BandActionEnum = _choices_enum(
    "PriceBandAction",
    models.BandAction,
    "What happens to a listing priced outside its band.",
)
PriceAlertStatusEnum = _choices_enum(
    "PriceAlertStatus", models.PriceAlertStatus, "Whether an alert is open."
)
DeliveryStatusEnum = _choices_enum(
    "PartnerWebhookDeliveryStatus", models.DeliveryStatus, "State of a delivery."
)
StockStatusEnum = graphene.Enum(
    "ListingStockStatus",
    [
        (value, value)
        for value in (offers.IN_STOCK, offers.LOW_STOCK, offers.OUT_OF_STOCK)
    ],
    description="Whether a partner can ship an offer.",
)
