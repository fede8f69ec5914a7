"""Settings of the marketplace, layered on ``saleor.settings``.

Every value an operator may change comes from an environment variable; the
table in README.md lists them. Defaults are the safe ones for production:
what a demo or a developer needs is switched on by ``DEMO_MODE`` or ``DEBUG``.
"""

from marketplace import compat

compat.apply()

import os  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import dj_database_url  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from marketplace.environment import saleor_import_environment  # noqa: E402
from marketplace.extensions import discover_plugins  # noqa: E402

with saleor_import_environment():
    from saleor.settings import *  # noqa: F403,E402
    from saleor.settings import (  # noqa: E402
        GRAPHENE,
        INSTALLED_APPS,
        LOGGING,
        MIDDLEWARE,
        PLUGINS,
        TEMPLATES,
    )

# Imported after Saleor's settings, which define helpers of the same names.
from marketplace.environment import get_bool, get_int, get_list  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MARKETPLACE_VAR_DIR", BASE_DIR / "var"))

DEBUG = get_bool("DEBUG", False)
DEMO_MODE = get_bool("DEMO_MODE", False)

# The vanilla mode serves Saleor's own schema and plugins on the same
# database; the benchmarks use it as the baseline the marketplace is
# measured against.
VANILLA_SALEOR = get_bool("MARKETPLACE_VANILLA", False)

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
TEST_RUNNER = "django.test.runner.DiscoverRunner"
SILENCED_SYSTEM_CHECKS = list(compat.SILENCED_SYSTEM_CHECKS)
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def _load_secret_key():
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set unless DEBUG or DEMO_MODE is on."
        )
    # A demo keeps one key across restarts so that its sessions and tokens
    # survive; it is never used outside DEBUG or DEMO_MODE.
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _load_secret_key()

ALLOWED_HOSTS = get_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
ALLOWED_CLIENT_HOSTS = get_list("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")
ALLOWED_GRAPHQL_ORIGINS = os.environ.get("ALLOWED_GRAPHQL_ORIGINS", "*")

# Database: DATABASE_URL, or the embedded cluster that ``python -m
# marketplace`` starts and announces through the same variable.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Start the marketplace with `make run` "
        "(which runs an embedded PostgreSQL under var/) or set DATABASE_URL "
        "to a PostgreSQL server, e.g. postgres://user:pass@host:5432/name."
    )
DATABASES = {
    "default": dj_database_url.config(
        conn_max_age=get_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}

TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
DEFAULT_COUNTRY = os.environ.get("DEFAULT_COUNTRY", "BR")
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "BRL")
AVAILABLE_CURRENCIES = get_list("AVAILABLE_CURRENCIES", "BRL,USD,EUR")
if DEFAULT_CURRENCY not in AVAILABLE_CURRENCIES:
    AVAILABLE_CURRENCIES.insert(0, DEFAULT_CURRENCY)

# Media and static files live outside site-packages.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(VAR_DIR / "media"))
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(VAR_DIR / "static"))
SERVE_MEDIA = get_bool("SERVE_MEDIA", DEBUG or DEMO_MODE)
# saleor.settings chooses S3 or GCS through DEFAULT_FILE_STORAGE and
# STATICFILES_STORAGE when a bucket is configured; Django 5.1 reads neither
# name any more, so they are carried over into STORAGES.
STORAGES = {
    "default": {
        "BACKEND": globals().pop(
            "DEFAULT_FILE_STORAGE", "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": globals().pop(
            "STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
VERSATILEIMAGEFIELD_SETTINGS = {
    "create_images_on_demand": get_bool("CREATE_IMAGES_ON_DEMAND", DEBUG or DEMO_MODE)
}

TEMPLATES[0]["DIRS"] = [str(BASE_DIR / "marketplace" / "templates")]
TEMPLATES[0]["OPTIONS"]["debug"] = DEBUG
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = ""

PLAYGROUND_ENABLED = get_bool("PLAYGROUND_ENABLED", DEBUG or DEMO_MODE)

# Plugins: every package under plugins/ joins as a Django app, and as a Saleor
# plugin when it declares one. MARKETPLACE_PLUGINS narrows the set.
MARKETPLACE_PLUGINS = discover_plugins(
    BASE_DIR / "plugins", enabled=get_list("MARKETPLACE_PLUGINS", "")
)
INSTALLED_APPS = [
    *INSTALLED_APPS,
    "marketplace",
    *(spec.app for spec in MARKETPLACE_PLUGINS),
    *get_list("MARKETPLACE_EXTRA_APPS", ""),
]

DUMMY_GATEWAY = "saleor.payment.gateways.dummy.plugin.DummyGatewayPlugin"
# Anonymous checkouts become paid orders through the dummy gateway: it is
# there only in an explicit demo.
PLUGINS = [plugin for plugin in PLUGINS if DEMO_MODE or plugin != DUMMY_GATEWAY]
if not VANILLA_SALEOR:
    PLUGINS += [
        spec.saleor_plugin for spec in MARKETPLACE_PLUGINS if spec.saleor_plugin
    ]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    *MIDDLEWARE[1:],
]
SQL_QUERY_COUNT_HEADER = get_bool("SQL_QUERY_COUNT_HEADER", False)
if SQL_QUERY_COUNT_HEADER:
    MIDDLEWARE.insert(0, "marketplace.middleware.sql_query_count")

# Tokens expire; refresh tokens let clients stay signed in.
GRAPHQL_JWT = {
    "JWT_PAYLOAD_HANDLER": "saleor.graphql.utils.create_jwt_payload",
    "JWT_EXPIRATION_DELTA": timedelta(minutes=get_int("JWT_EXPIRATION_MINUTES", 15)),
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_ALLOW_REFRESH": True,
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(
        days=get_int("JWT_REFRESH_EXPIRATION_DAYS", 7)
    ),
}

GRAPHENE = {**GRAPHENE, "SCHEMA": "marketplace.graphql.schema.schema"}
GRAPHQL_MAX_DEPTH = get_int("GRAPHQL_MAX_DEPTH", 15)
GRAPHQL_MAX_COST = get_int("GRAPHQL_MAX_COST", 50_000)
# Parsed and validated documents kept per process; 0 validates every request.
GRAPHQL_DOCUMENT_CACHE_SIZE = get_int("GRAPHQL_DOCUMENT_CACHE_SIZE", 200)

# Background tasks run inline until a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None

# HTTPS hardening, on by default; DEBUG and DEMO_MODE serve plain HTTP on
# localhost, and a TLS-terminating proxy sets X-Forwarded-Proto.
_SECURE_DEFAULT = not (DEBUG or DEMO_MODE)
SECURE_SSL_REDIRECT = get_bool("SECURE_SSL_REDIRECT", _SECURE_DEFAULT)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = get_int(
    "SECURE_HSTS_SECONDS", 31_536_000 if _SECURE_DEFAULT else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = get_bool("SECURE_HSTS_PRELOAD", _SECURE_DEFAULT)
SESSION_COOKIE_SECURE = get_bool("SESSION_COOKIE_SECURE", _SECURE_DEFAULT)
CSRF_COOKIE_SECURE = get_bool("CSRF_COOKIE_SECURE", _SECURE_DEFAULT)
CSRF_TRUSTED_ORIGINS = get_list("CSRF_TRUSTED_ORIGINS", "")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    **LOGGING,
    "root": {"level": LOG_LEVEL, "handlers": ["console"]},
    "loggers": {
        **LOGGING["loggers"],
        "saleor": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "marketplace": {
            "handlers": ["console"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        "plugins": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
