"""Every email Saleor sends renders from the marketplace's templates."""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import templated_email
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.models import Site
from django.utils.html import escape
from graphene import Node
from saleor.account import emails as account_emails
from saleor.account.utils import create_jwt_token
from saleor.order import OrderStatus
from saleor.order import emails as order_emails
from saleor.order.models import Order

from .fixtures.checkout import ADDRESS, pay_checkout
from .fixtures.orders import add_order_line, recalculate_order_total, taxed

STOREFRONT = "https://buyers.example.com"
SITE_NAME = "Aurora Ferramentas"
SENDER = "Aurora Ferramentas <pedidos@b2b.aurora.example>"
MISSING = "[missing variable]"
TEMPLATE_DIR = Path(django_settings.TEMPLATES[0]["DIRS"][0]) / "templated_email"


@dataclass(frozen=True)
class Expected:
    recipients: list
    subject: str
    # Text the reader must find in both the plain and the html part.
    contents: tuple = ()
    # Text only one of the parts shows this way.
    plain: tuple = ()
    html: tuple = ()
    # The user whose account token the email's link must carry.
    token_user: object = None


@pytest.fixture
def site(db):
    Site.objects.clear_cache()
    site = Site.objects.get_current()
    site.name = SITE_NAME
    site.domain = "b2b.aurora.example"
    site.save()
    site.settings.default_mail_sender_name = SITE_NAME
    site.settings.default_mail_sender_address = "pedidos@b2b.aurora.example"
    site.settings.save()
    yield site
    # The rollback at the end of the test does not reach Django's site cache.
    Site.objects.clear_cache()


@pytest.fixture
def strict_templates(settings):
    """Make a variable the templates cannot resolve show up in the email."""
    engine = settings.TEMPLATES[0]
    options = {**engine["OPTIONS"], "string_if_invalid": MISSING}
    settings.TEMPLATES = [{**engine, "OPTIONS": options}]


@pytest.fixture
def sent_templates(monkeypatch):
    """Record the template names Saleor sends, still sending the emails."""
    names = []

    def send_templated_mail(*args, **kwargs):
        names.append(kwargs["template_name"])
        return templated_email.send_templated_mail(*args, **kwargs)

    for module in (account_emails, order_emails):
        monkeypatch.setattr(module, "send_templated_mail", send_templated_mail)
    return names


def send_account_confirmation(request):
    user = request.getfixturevalue("customer_user")
    account_emails.send_account_confirmation_email(user, f"{STOREFRONT}/confirm/")
    return Expected(
        recipients=[user.email],
        subject=f"Confirm your {SITE_NAME} account",
        contents=(f"{STOREFRONT}/confirm/?email=buyer%40example.com&token=",),
        token_user=user,
    )


def send_password_reset(request):
    user = request.getfixturevalue("customer_user")
    account_emails.send_user_password_reset_email_with_url(
        f"{STOREFRONT}/reset-password/", user
    )
    return Expected(
        recipients=[user.email],
        subject=f"Reset your {SITE_NAME} password",
        contents=(f"{STOREFRONT}/reset-password/?email=buyer%40example.com&token=",),
        token_user=user,
    )


def send_email_change_request(request):
    user = request.getfixturevalue("customer_user")
    new_email = "purchasing@ferragens.example"
    token = create_jwt_token(
        {"old_email": user.email, "new_email": new_email, "user_pk": user.pk}
    )
    account_emails.send_user_change_email_url(
        f"{STOREFRONT}/change-email/", user, new_email, token
    )
    return Expected(
        recipients=[new_email],
        subject=f"Confirm your new email address for {SITE_NAME}",
        contents=(f"{STOREFRONT}/change-email/?token={token}",),
    )


def send_email_changed_notification(request):
    user = request.getfixturevalue("customer_user")
    account_emails.send_user_change_email_notification(user.email)
    return Expected(
        recipients=[user.email],
        subject=f"The sign-in email of your {SITE_NAME} account has changed",
        contents=("b2b.aurora.example",),
    )


def send_account_delete(request):
    user = request.getfixturevalue("customer_user")
    account_emails.send_account_delete_confirmation_email_with_url(
        f"{STOREFRONT}/delete-account/", user
    )
    return Expected(
        recipients=[user.email],
        subject=f"Confirm the deletion of your {SITE_NAME} account",
        contents=(f"{STOREFRONT}/delete-account/?token=",),
        token_user=user,
    )


def send_customer_set_password(request):
    user = request.getfixturevalue("customer_user")
    account_emails.send_set_password_email_with_url(f"{STOREFRONT}/password/", user)
    return Expected(
        recipients=[user.email],
        subject=f"Your {SITE_NAME} account is ready",
        contents=(f"{STOREFRONT}/password/?email=buyer%40example.com&token=",),
        token_user=user,
    )


def send_staff_set_password(request):
    user = request.getfixturevalue("staff_user")
    account_emails.send_set_password_email_with_url(
        f"{STOREFRONT}/dashboard/password/", user, staff=True
    )
    return Expected(
        recipients=[user.email],
        subject=f"You have been invited to the {SITE_NAME} dashboard",
        contents=(f"{STOREFRONT}/dashboard/password/?email=staff%40example.com",),
        token_user=user,
    )


BUYER_ADDRESS_LINE = (
    "Ferragens Paulista Ltda, Ana Souza, Avenida Paulista, 1000, "
    "SÃO PAULO-SP, 01310-100, BRAZIL, +551130000000"
)
BUYER_ADDRESS_HTML = "Avenida Paulista, 1000<br>SÃO PAULO-SP<br>01310-100"
ORDER_PLAIN = (
    "SKU-IMPACT-DRILL: 3 x R$199.90 = R$599.70",
    "SKU-CORDLESS-SCREWDRIVER: 2 x R$89.00 = R$178.00",
    "Subtotal: R$777.70",
    "Shipping (Ground): R$10.00",
    "Total: R$787.70 (includes R$140.25 in taxes)",
    f"Billing address: {BUYER_ADDRESS_LINE}",
    f"Shipping address: {BUYER_ADDRESS_LINE}",
)
ORDER_CONTENTS = (
    "Impact drill",
    "SKU-IMPACT-DRILL",
    "R$199.90",
    "R$599.70",
    "Cordless screwdriver",
    "Ground",
    "R$787.70",
    "Ferragens Paulista Ltda",
    "Avenida Paulista, 1000",
    "01310-100",
)


def send_order_confirmation(request):
    order = request.getfixturevalue("order")
    order_emails.send_order_confirmation.delay(
        order.pk, f"{STOREFRONT}/order/", order.user.pk
    )
    return Expected(
        recipients=["buyer@example.com"],
        subject=f"Order #{order.pk} received",
        contents=(
            f"#{order.pk}",
            *ORDER_CONTENTS,
            "Deliver to the loading dock",
            f"{STOREFRONT}/order/?token={order.token}",
        ),
        plain=ORDER_PLAIN,
        html=(BUYER_ADDRESS_HTML,),
    )


def send_staff_order_confirmation(request):
    order = request.getfixturevalue("order")
    recipient = request.getfixturevalue("staff_notification_recipient")
    order_emails.send_staff_order_confirmation.delay(order.pk, f"{STOREFRONT}/order/")
    return Expected(
        recipients=[recipient.get_email()],
        subject=f"New order #{order.pk} from Ferragens Paulista Ltda",
        contents=(
            "buyer@example.com",
            *ORDER_CONTENTS,
            "Not charged",
            "Deliver to the loading dock",
        ),
        plain=(*ORDER_PLAIN, "Customer: buyer@example.com"),
        html=(BUYER_ADDRESS_HTML,),
    )


def send_fulfillment_confirmation(request):
    fulfillment = request.getfixturevalue("fulfillment")
    order = fulfillment.order
    order_emails.send_fulfillment_confirmation_to_customer(
        order, fulfillment, order.user
    )
    return Expected(
        recipients=["buyer@example.com"],
        subject=f"Order #{order.pk}: items dispatched",
        contents=(
            f"shipment {order.pk}-1",
            "BR123456789",
            "Impact drill",
            "Cordless screwdriver",
            "Avenida Paulista, 1000",
        ),
        plain=(
            "- Impact drill (SKU SKU-IMPACT-DRILL): 3",
            f"Delivery address: {BUYER_ADDRESS_LINE}",
        ),
        html=(BUYER_ADDRESS_HTML,),
    )


def send_digital_fulfillment_confirmation(request):
    fulfillment = request.getfixturevalue("digital_fulfillment")
    order = fulfillment.order
    download = fulfillment.lines.get().order_line.digital_content_url
    order_emails.send_fulfillment_confirmation_to_customer(
        order, fulfillment, order.user
    )
    return Expected(
        recipients=["buyer@example.com"],
        subject=f"Order #{order.pk}: your downloads are ready",
        contents=(
            "Technical catalog 2025",
            f"http://b2b.aurora.example/digital-download/{download.token}/",
            "The rest of the order will follow",
        ),
    )


def send_fulfillment_update(request):
    fulfillment = request.getfixturevalue("fulfillment")
    order = fulfillment.order
    order_emails.send_fulfillment_update.delay(order.pk, fulfillment.pk)
    return Expected(
        recipients=["buyer@example.com"],
        subject=f"Order #{order.pk}: tracking details updated",
        contents=(f"shipment {order.pk}-1", "BR123456789", "Impact drill"),
    )


def send_payment_confirmation(request):
    order = request.getfixturevalue("paid_order")
    order_emails.send_payment_confirmation.delay(order.pk)
    return Expected(
        recipients=["buyer@example.com"],
        subject=f"Payment received for order #{order.pk}",
        contents=("R$787.70", "Fully charged", "Impact drill"),
    )


EMAILS = [
    ("account/confirm", send_account_confirmation),
    ("account/password_reset", send_password_reset),
    ("account/request_email_change", send_email_change_request),
    ("account/email_changed_notification", send_email_changed_notification),
    ("account/account_delete", send_account_delete),
    ("dashboard/customer/set_password", send_customer_set_password),
    ("dashboard/staff/set_password", send_staff_set_password),
    ("order/confirm_order", send_order_confirmation),
    ("order/staff_confirm_order", send_staff_order_confirmation),
    ("order/confirm_fulfillment", send_fulfillment_confirmation),
    ("order/confirm_fulfillment", send_digital_fulfillment_confirmation),
    ("order/update_fulfillment", send_fulfillment_update),
    ("order/payment/confirm_payment", send_payment_confirmation),
]


@pytest.mark.parametrize(
    ("template_name", "send"), EMAILS, ids=[send.__name__ for _, send in EMAILS]
)
@pytest.mark.usefixtures("site", "strict_templates")
def test_saleor_email_renders_marketplace_template(
    template_name, send, request, sent_templates, mailoutbox
):
    # when
    expected = send(request)

    # then
    assert sent_templates == [template_name]
    [message] = mailoutbox
    assert message.to == expected.recipients
    assert message.from_email == SENDER
    assert message.subject == expected.subject
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html.startswith("<!DOCTYPE html>")
    assert f"{SITE_NAME}</td>" in html
    for text in expected.contents:
        assert text in message.body
        assert escape(text) in html
    for text in expected.plain:
        assert text in message.body
    for text in expected.html:
        assert text in html
    assert "\n\n\n" not in message.body
    for part in (message.subject, message.body, html):
        assert MISSING not in part
        assert "{%" not in part
        assert "{{" not in part

    if expected.token_user is not None:
        [link] = re.findall(rf"{re.escape(STOREFRONT)}\S+", message.body)
        [token] = parse_qs(urlsplit(link).query)["token"]
        assert default_token_generator.check_token(expected.token_user, token)


def test_email_templates_match_the_emails_saleor_sends():
    # given
    sent = {template_name for template_name, _ in EMAILS}

    # when
    shipped = {
        path.relative_to(TEMPLATE_DIR).with_suffix("").as_posix()
        for path in TEMPLATE_DIR.rglob("*.email")
    }

    # then
    assert shipped - {"base"} == sent


@pytest.mark.usefixtures("site", "strict_templates")
def test_email_html_part_escapes_customer_input(order, mailoutbox):
    # given
    order.customer_note = '<a href="https://phishing.example">Pay here</a>'
    order.save(update_fields=["customer_note"])

    # when
    order_emails.send_order_confirmation.delay(order.pk, "", order.user.pk)

    # then
    [message] = mailoutbox
    [(html, _)] = message.alternatives
    assert '<a href="https://phishing.example">' not in html
    assert "&lt;a href=&quot;https://phishing.example&quot;&gt;" in html
    assert order.customer_note in message.body


@pytest.mark.usefixtures("site", "strict_templates")
def test_order_confirmation_sums_an_order_in_its_own_currency(
    customer_user, buyer_address, variant, mailoutbox
):
    # given: an order in USD, while Saleor's default currency is BRL
    order = Order.objects.create(
        user=customer_user,
        user_email=customer_user.email,
        status=OrderStatus.UNFULFILLED,
        billing_address=buyer_address.get_copy(),
        shipping_address=buyer_address.get_copy(),
        shipping_price=taxed("25.00", "25.00", "USD"),
        currency="USD",
    )
    add_order_line(order, variant, 4, taxed("21.00", "26.99", "USD"))
    recalculate_order_total(order)

    # when
    order_emails.send_order_confirmation.delay(order.pk, "", order.user.pk)

    # then
    [message] = mailoutbox
    assert "107.96" in message.body
    assert "$" in message.body or "USD" in message.body


CHECKOUT_CREATE = """
mutation ($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id availableShippingMethods { id } }
    checkoutErrors { field code message }
  }
}
"""


CHECKOUT_COMPLETE = """
mutation ($checkoutId: ID!, $redirectUrl: String) {
  checkoutComplete(checkoutId: $checkoutId, redirectUrl: $redirectUrl) {
    order { number token }
    checkoutErrors { field code message }
  }
}
"""


@pytest.mark.usefixtures("site", "strict_templates", "staff_notification_recipient")
def test_checkout_complete_sends_order_confirmations(
    user_api_client,
    variant,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # given
    settings.ALLOWED_CLIENT_HOSTS = ["buyers.example.com"]
    data = user_api_client.execute(
        CHECKOUT_CREATE,
        {
            "input": {
                "email": "buyer@example.com",
                "lines": [
                    {
                        "variantId": Node.to_global_id("ProductVariant", variant.pk),
                        "quantity": 2,
                    }
                ],
                "shippingAddress": ADDRESS,
                "billingAddress": ADDRESS,
            }
        },
    )["checkoutCreate"]
    assert data["checkoutErrors"] == []
    checkout_id = data["checkout"]["id"]
    [shipping_method] = data["checkout"]["availableShippingMethods"]
    pay_checkout(user_api_client, checkout_id, shipping_method["id"])

    # when
    with django_capture_on_commit_callbacks(execute=True):
        data = user_api_client.execute(
            CHECKOUT_COMPLETE,
            {"checkoutId": checkout_id, "redirectUrl": f"{STOREFRONT}/order/"},
        )["checkoutComplete"]

    # then
    assert data["checkoutErrors"] == []
    number = data["order"]["number"]
    emails = {message.to[0]: message for message in mailoutbox}
    assert sorted(emails) == ["buyer@example.com", "staff@example.com"]
    buyer_email = emails["buyer@example.com"]
    assert buyer_email.subject == f"Order #{number} received"
    assert "SKU-IMPACT-DRILL: 2 x R$199.90 = R$399.80" in buyer_email.body
    assert "Total: R$409.80" in buyer_email.body
    assert f"{STOREFRONT}/order/?token={data['order']['token']}" in buyer_email.body
    staff_email = emails["staff@example.com"]
    assert staff_email.subject == f"New order #{number} from Ferragens Paulista Ltda"
    assert "Customer: buyer@example.com" in staff_email.body
