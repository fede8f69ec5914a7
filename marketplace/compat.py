"""Shims that let Saleor 2.10.1 run on the stack the marketplace pins.

Saleor 2.10.1 was written for Django 3.0, PyJWT 1 and Pillow 9. The
marketplace lifts those caps (see ``override-dependencies`` in
``pyproject.toml``) and restores here, and only here, the handful of names
and behaviours that Saleor and its own dependencies still rely on. Nothing in
site-packages is edited: every shim patches a module attribute at import time.

``apply()`` must run before anything imports Saleor; ``marketplace.settings``
calls it on its first line. A few shims patch Saleor's GraphQL classes,
which import Django models and so wait for ``apply("ready")``, called by
the marketplace app once the apps are loaded. Each shim can be switched off
by naming it in the ``MARKETPLACE_DISABLE_SHIMS`` environment variable
(comma separated), which is how the test suite proves that each one is
still needed.
"""

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass

# Django 4 removed the old ``contrib.postgres`` JSONField, which Saleor's
# models still declare. The class that remains is a subclass of the current
# ``models.JSONField`` and behaves exactly like it; only the system check
# complains, once per field.
SILENCED_SYSTEM_CHECKS = ["fields.E904"]


@dataclass(frozen=True)
class Shim:
    name: str
    reason: str
    patch: Callable[[], None]
    # "settings": before Saleor is imported, from marketplace.settings;
    # "ready": once the apps are loaded, for shims that patch Saleor's
    # GraphQL classes, which cannot be imported earlier.
    phase: str = "settings"


def _patch_bound_field():
    import django.forms.forms
    from django.forms.boundfield import BoundField

    django.forms.forms.BoundField = BoundField


def _patch_pillow_antialias():
    from PIL import Image

    if not hasattr(Image, "ANTIALIAS"):
        Image.ANTIALIAS = Image.Resampling.LANCZOS


class _EncodedToken(str):
    """A PyJWT 2 token (``str``) that still answers PyJWT 1's ``.decode()``."""

    def decode(self, *args, **kwargs):
        return str(self)


def _patch_pyjwt():
    import jwt

    if getattr(jwt.encode, "_marketplace_shim", False):
        return
    encode = jwt.encode
    decode = jwt.decode

    def compatible_encode(*args, **kwargs):
        return _EncodedToken(encode(*args, **kwargs))

    def compatible_decode(token, key="", *args, **kwargs):
        # PyJWT 1 took ``verify`` as the third positional argument; PyJWT 2
        # takes ``algorithms`` there and reads ``verify_signature`` from
        # ``options``.
        if args and isinstance(args[0], bool):
            verify, args = args[0], args[1:]
            options = dict(kwargs.pop("options", None) or {})
            options.setdefault("verify_signature", verify)
            kwargs["options"] = options
        return decode(token, key, *args, **kwargs)

    compatible_encode._marketplace_shim = True
    jwt.encode = compatible_encode
    jwt.decode = compatible_decode
    if not hasattr(jwt, "ExpiredSignature"):
        jwt.ExpiredSignature = jwt.ExpiredSignatureError


def _patch_django_removed_names():
    from django.utils import encoding, translation

    aliases = {
        encoding: {"force_text": "force_str", "smart_text": "smart_str"},
        translation: {
            "ugettext": "gettext",
            "ugettext_lazy": "gettext_lazy",
            "ugettext_noop": "gettext_noop",
            "ungettext": "ngettext",
            "ungettext_lazy": "ngettext_lazy",
        },
    }
    for module, names in aliases.items():
        for old, new in names.items():
            if not hasattr(module, old):
                setattr(module, old, getattr(module, new))


def _patch_conf_urls_url():
    import django.conf.urls
    from django.urls import re_path

    if not hasattr(django.conf.urls, "url"):
        django.conf.urls.url = re_path


def _patch_signal_providing_args():
    from django.dispatch import Signal

    if getattr(Signal.__init__, "_marketplace_shim", False):
        return
    init = Signal.__init__

    def compatible_init(self, providing_args=None, use_caching=False):
        init(self, use_caching=use_caching)

    compatible_init._marketplace_shim = True
    Signal.__init__ = compatible_init


def _patch_django_filter_choices():
    # django-filter 2.4 (Saleor caps it below 3) wraps ChoiceField's
    # _get_choices/_set_choices, which Django 5.0 replaced by a property.
    from django import forms
    from django_filters import fields

    if hasattr(forms.ChoiceField, "_set_choices"):
        return
    mixin = fields.ChoiceIteratorMixin

    def parent_choices(field):
        classes = type(field).__mro__
        for klass in classes[classes.index(mixin) + 1 :]:
            if "choices" in vars(klass):
                return vars(klass)["choices"]
        raise AttributeError("choices")

    def get_choices(self):
        return parent_choices(self).fget(self)

    def set_choices(self, value):
        parent_choices(self).fset(self, value)
        value = self.iterator(self, self._choices)
        self._choices = self.widget.choices = value

    mixin.choices = property(get_choices, set_choices)


def _patch_connection_max_limit():
    # graphene-django 2.11 started passing ``max_limit`` to
    # ``resolve_connection``; Saleor's BaseDjangoConnectionField overrides
    # it without that argument, so half of Saleor's connections (shipping
    # zones, gift cards, a category's products, ...) raise TypeError. The
    # limit is already enforced on ``first``/``last`` before the call, so
    # the override can safely ignore it.
    import inspect

    from saleor.graphql.core.fields import BaseDjangoConnectionField

    function = BaseDjangoConnectionField.resolve_connection.__func__
    if "max_limit" in inspect.signature(function).parameters:
        return

    def resolve_connection(cls, connection, args, iterable, max_limit=None):
        return function(cls, connection, args, iterable)

    BaseDjangoConnectionField.resolve_connection = classmethod(resolve_connection)


SHIMS = [
    Shim(
        "bound_field",
        "saleor.account.i18n imports BoundField from django.forms.forms, "
        "which Django 3.1 stopped re-exporting.",
        _patch_bound_field,
    ),
    Shim(
        "pillow_antialias",
        "Thumbnails resize with Image.ANTIALIAS, removed in Pillow 10; "
        "without it every thumbnail fails with only an ERROR in the log.",
        _patch_pillow_antialias,
    ),
    Shim(
        "pyjwt",
        "django-graphql-jwt 0.3.0 and Saleor call .decode() on the token "
        "that jwt.encode returns, pass verify positionally to jwt.decode and "
        "catch jwt.ExpiredSignature; PyJWT 2 changed all three.",
        _patch_pyjwt,
    ),
    Shim(
        "django_removed_names",
        "Saleor, graphql_jwt and graphene-django import force_text, "
        "smart_text and ugettext*, removed in Django 4.0.",
        _patch_django_removed_names,
    ),
    Shim(
        "conf_urls_url",
        "saleor.data_feeds.urls imports django.conf.urls.url, removed in Django 4.0.",
        _patch_conf_urls_url,
    ),
    Shim(
        "signal_providing_args",
        "graphql_jwt.signals builds Signal(providing_args=...), an argument "
        "removed in Django 4.0.",
        _patch_signal_providing_args,
    ),
    Shim(
        "django_filter_choices",
        "django-filter 2.4 extends ChoiceField._set_choices, which Django 5.0 "
        "removed: every filtered query (products(filter: ...)) fails.",
        _patch_django_filter_choices,
    ),
    Shim(
        "connection_max_limit",
        "graphene-django 2.11+ passes max_limit to resolve_connection, which "
        "Saleor's BaseDjangoConnectionField does not accept.",
        _patch_connection_max_limit,
        phase="ready",
    ),
]

_applied_phases = set()


def disabled_shims():
    value = os.environ.get("MARKETPLACE_DISABLE_SHIMS", "")
    return {name.strip() for name in value.split(",") if name.strip()}


def apply(phase="settings"):
    """Apply the shims of ``phase`` not switched off, once per process."""
    if phase in _applied_phases:
        return
    _applied_phases.add(phase)
    # enmerkar and razorpay import pkg_resources (setuptools is pinned below
    # 81 for them); its deprecation warning would print on every start.
    warnings.filterwarnings(
        "ignore", message="pkg_resources is deprecated", category=UserWarning
    )
    disabled = disabled_shims()
    for shim in SHIMS:
        if shim.phase == phase and shim.name not in disabled:
            shim.patch()
