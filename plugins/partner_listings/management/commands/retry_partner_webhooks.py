from django.core.management.base import BaseCommand

from plugins.partner_listings import webhooks


class Command(BaseCommand):
    help = "Send the partner webhook deliveries whose retry is due."

    def handle(self, **_):
        sent = failed = 0
        for delivery_id in webhooks.get_due_delivery_ids():
            delivery = webhooks.deliver(delivery_id)
            if delivery is None:
                continue
            if delivery.status == "delivered":
                sent += 1
            else:
                failed += 1
        self.stdout.write(f"{sent} deliveries sent, {failed} still failing")
