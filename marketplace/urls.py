from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve
from saleor.data_feeds.urls import urlpatterns as feed_urls
from saleor.product.views import digital_product

from .graphql.schema import schema
from .graphql.views import MarketplaceGraphQLView
from .health import health

urlpatterns = [
    # Saleor authenticates app tokens only on the URL named "api".
    path(
        "graphql/",
        csrf_exempt(MarketplaceGraphQLView.as_view(schema=schema)),
        name="api",
    ),
    path("health/", health, name="health"),
    path("feeds/", include((feed_urls, "data_feeds"), namespace="data_feeds")),
    re_path(
        r"^digital-download/(?P<token>[0-9A-Za-z_\-]+)/$",
        digital_product,
        name="digital-product",
    ),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(
            rf"^{media_prefix}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
