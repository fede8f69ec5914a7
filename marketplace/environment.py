"""Reading the marketplace's configuration from the environment."""

import os
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def get_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    normalized = value.strip().lower()
    if normalized in _TRUE:
        return True
    if normalized in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (true/false).")


def get_int(name, default):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def get_list(name, default):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


# Variables that saleor.settings acts on at import time in ways the
# marketplace decides for itself afterwards: it raises on DEBUG=False
# without ALLOWED_CLIENT_HOSTS and warns about a missing SECRET_KEY.
_SALEOR_IMPORT_VALUES = {
    "DEBUG": "True",
    "SECRET_KEY": "placeholder-replaced-by-marketplace-settings",
    "ALLOWED_CLIENT_HOSTS": "localhost",
}


@contextmanager
def saleor_import_environment():
    """Present saleor.settings with a neutral environment while it imports."""
    saved = {name: os.environ.get(name) for name in _SALEOR_IMPORT_VALUES}
    os.environ.update(_SALEOR_IMPORT_VALUES)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
