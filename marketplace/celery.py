"""The Celery application of the marketplace.

Saleor's tasks are bound to the application in ``saleor.celeryconf``, so the
marketplace uses that same application, configured from its own settings;
it discovers the ``tasks`` modules of every installed app, the plugins'
included. Workers start with ``celery -A marketplace.celery worker``;
without ``CELERY_BROKER_URL`` tasks run inline in the web process instead.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from marketplace import compat  # noqa: E402

compat.apply()

from saleor.celeryconf import app  # noqa: E402

__all__ = ["app"]
