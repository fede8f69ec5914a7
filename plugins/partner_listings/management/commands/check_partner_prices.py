from django.core.management.base import BaseCommand

from plugins.partner_listings import alerts


class Command(BaseCommand):
    help = "Re-check every live listing against the brand's prices today."

    def handle(self, **_):
        counts = alerts.check_all_listings()
        self.stdout.write(
            f"{counts['checked']} listings checked, {counts['raised']} alerts "
            f"raised, {counts['resolved']} resolved"
        )
