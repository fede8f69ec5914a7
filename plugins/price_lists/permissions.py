from saleor.core.permissions import BasePermissionEnum


class PriceListPermissions(BasePermissionEnum):
    MANAGE_PRICE_LISTS = "price_lists.manage_price_lists"
