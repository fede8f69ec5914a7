"""WSGI entry point of the marketplace.

Saleor's own ``saleor.wsgi`` warms up with a request Django 4.2 and later refuse and
defaults to Saleor's settings; this one loads the marketplace's settings
and the application eagerly instead, so a worker is ready when it accepts.
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

# Import the URL configuration, and so the GraphQL schema, now rather than
# on the first request.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

# What is loaded by now (settings, models, Saleor's and the plugins' schema:
# some 400,000 objects) lives as long as the worker. Frozen, it is left out
# of the garbage collector's full collections, which otherwise walk all of
# it again and again: some 200 ms each, once every few requests of a page
# with offers.
gc.collect()
gc.freeze()
