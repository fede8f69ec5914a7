"""WSGI entry point of the marketplace.

Saleor's own ``saleor.wsgi`` warms up with a request Django 4.2 and later refuse and
defaults to Saleor's settings; this one loads the marketplace's settings
and the application eagerly instead, so a worker is ready when it accepts.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

# Import the URL configuration, and so the GraphQL schema, now rather than
# on the first request.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
