"""Settings for the test suite: the marketplace's, plus test-only apps."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/marketplace")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("MARKETPLACE_EXTRA_APPS", "tests.schema_plugin")

from marketplace.settings import *  # noqa: E402,F403
from marketplace.settings import PLUGINS  # noqa: E402

# Tests exercise the checkout end to end; the dummy gateway is what lets an
# order be paid without an outside service.
DUMMY_GATEWAY = "saleor.payment.gateways.dummy.plugin.DummyGatewayPlugin"
if DUMMY_GATEWAY not in PLUGINS:
    PLUGINS = [*PLUGINS, DUMMY_GATEWAY]

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
