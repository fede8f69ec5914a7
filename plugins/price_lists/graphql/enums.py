import graphene

from ..error_codes import PriceListErrorCode as PriceListErrorCodeValues
from ..management import BulkMode

PriceListErrorCode = graphene.Enum.from_enum(PriceListErrorCodeValues)


class PriceListBulkMode(graphene.Enum):
    ATOMIC = BulkMode.ATOMIC.value
    PER_ROW = BulkMode.PER_ROW.value

    @property
    def description(self):
        if self == PriceListBulkMode.ATOMIC:
            return "Write every row or, if one is invalid, none."
        return "Write the valid rows and report the invalid ones."
