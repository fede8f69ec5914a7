from django.core.management.base import BaseCommand
from saleor.product.models import Product


class Command(BaseCommand):
    help = "Print 'empty' when the catalog has no product, 'seeded' otherwise."

    def handle(self, *args, **options):
        self.stdout.write("seeded" if Product.objects.exists() else "empty")
