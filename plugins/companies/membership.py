"""Looking up the company a user buys for."""

from .models import Company, CompanyMember


def get_user_company(user) -> Company | None:
    """Return the active company the user buys for, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = (
        CompanyMember.objects.select_related("company")
        .filter(user_id=user.pk, company__is_active=True)
        .first()
    )
    return membership.company if membership else None
