"""Each shim in marketplace.compat is needed: Saleor breaks without it."""

import textwrap
from io import BytesIO

import pytest
from django.core import checks
from django.core.management import call_command
from PIL import Image

from marketplace import compat

from .subprocess_django import run_django

# For every shim: code that goes through the Saleor (or dependency) path the
# shim exists for, and a fragment of the error that path raises without it.
SHIM_PROBES = {
    "bound_field": (
        "from saleor.account import i18n",
        "cannot import name 'BoundField'",
    ),
    "pillow_antialias": (
        """
        from io import BytesIO
        from PIL import Image
        from versatileimagefield.versatileimagefield import ThumbnailImage
        image = Image.new("RGB", (200, 100), "red")
        ThumbnailImage.process_image(None, image, "PNG", {"format": "PNG"}, 50, 50)
        """,
        "ANTIALIAS",
    ),
    "pyjwt": (
        """
        from saleor.account.utils import create_jwt_token, decode_jwt_token
        decode_jwt_token(create_jwt_token({"email": "a@example.com"}))
        """,
        "'str' object has no attribute 'decode'",
    ),
    "django_removed_names": (
        "import saleor.checkout.utils",
        "from 'django.utils.encoding'",
    ),
    "conf_urls_url": (
        "import saleor.data_feeds.urls",
        "cannot import name 'url'",
    ),
    "django_filter_choices": (
        """
        from django_filters.fields import ChoiceField
        field = ChoiceField(choices=[("a", "A")], null_label="None")
        assert [value for value, _ in field.choices] == ["", "null", "a"]
        """,
        "no attribute '_set_choices'",
    ),
    "connection_max_limit": (
        """
        from saleor.graphql.core.fields import BaseDjangoConnectionField
        from saleor.graphql.shipping.types import ShippingZone
        connection = ShippingZone._meta.connection
        BaseDjangoConnectionField.resolve_connection(
            connection, {"first": 1}, [], max_limit=10
        )
        """,
        "unexpected keyword argument 'max_limit'",
    ),
    "signal_providing_args": (
        "import graphql_jwt.signals",
        "providing_args",
    ),
}


def test_every_shim_has_a_probe():
    assert {shim.name for shim in compat.SHIMS} == set(SHIM_PROBES)


def test_probes_pass_with_every_shim():
    code = "\n".join(textwrap.dedent(probe) for probe, _ in SHIM_PROBES.values())

    result = run_django(code)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(SHIM_PROBES))
def test_shim_is_needed(name):
    # given
    code, expected_error = SHIM_PROBES[name]

    # when
    result = run_django(code, env={"MARKETPLACE_DISABLE_SHIMS": name})

    # then
    assert result.returncode != 0
    assert expected_error in result.stderr


def test_pillow_shim_lets_thumbnails_render():
    from versatileimagefield.versatileimagefield import ThumbnailImage

    # given
    image = Image.new("RGB", (400, 200), "blue")

    # when
    output = ThumbnailImage.process_image(
        None, image, "PNG", {"format": "PNG"}, 100, 100
    )

    # then
    assert Image.open(BytesIO(output.getvalue())).size == (100, 50)


def test_jwt_shim_round_trips_saleor_tokens():
    from saleor.account.utils import create_jwt_token, decode_jwt_token

    token = create_jwt_token({"email": "buyer@example.com"})

    assert decode_jwt_token(token)["email"] == "buyer@example.com"


def test_postgres_json_field_check_is_silenced_not_absent():
    # given: the checks Django reports before silencing
    messages = checks.run_checks()

    # then: Saleor's old JSONField raises E904, and only the silencing hides it
    assert any(message.id == "fields.E904" for message in messages)
    call_command("check")
