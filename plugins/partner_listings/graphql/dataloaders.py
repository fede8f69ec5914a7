from collections import defaultdict

from saleor.graphql.core.dataloaders import DataLoader

from ..models import OrderLineRoute, Partner
from ..offers import get_offer_summaries, get_offers


def _by_country(keys):
    groups = defaultdict(set)
    for object_id, country in keys:
        groups[country].add(object_id)
    return groups


class OffersByVariantLoader(DataLoader):
    """Approved offers of a variant in a country, best first."""

    context_key = "partner_offers_by_variant"

    def batch_load(self, keys):
        results = {}
        for country, variant_ids in _by_country(keys).items():
            offers = get_offers(variant_ids, country)
            for variant_id in variant_ids:
                results[(variant_id, country)] = offers.get(variant_id, [])
        return [results[key] for key in keys]


class OfferSummaryByProductLoader(DataLoader):
    context_key = "partner_offer_summary_by_product"

    def batch_load(self, keys):
        results = {}
        for country, product_ids in _by_country(keys).items():
            summaries = get_offer_summaries(product_ids, country)
            for product_id in product_ids:
                results[(product_id, country)] = summaries.get(product_id)
        return [results[key] for key in keys]


class PartnerByIdLoader(DataLoader):
    context_key = "partner_by_id"

    def batch_load(self, keys):
        partners = Partner.objects.in_bulk(keys)
        return [partners.get(key) for key in keys]


class RouteByOrderLineLoader(DataLoader):
    context_key = "partner_route_by_order_line"

    def batch_load(self, keys):
        routes = {
            route.order_line_id: route
            for route in OrderLineRoute.objects.filter(
                order_line_id__in=keys
            ).select_related("partner", "listing")
        }
        return [routes.get(key) for key in keys]


class RoutesByOrderLoader(DataLoader):
    context_key = "partner_routes_by_order"

    def batch_load(self, keys):
        routes = defaultdict(list)
        for route in OrderLineRoute.objects.filter(order_id__in=keys).select_related(
            "partner", "order_line"
        ):
            routes[route.order_id].append(route)
        return [routes[key] for key in keys]
