"""Who is acting: the brand, a partner's member or app, or a buyer.

The brand is any user or app holding ``MANAGE_PARTNERS``; a partner acts
through its members (owner, manager, viewer) and through the apps linked
to it, which have a manager's rights. Partner-scoped code asks for the
actor and lets it touch only its own partner's data.
"""

from dataclasses import dataclass

from .error_codes import PartnerError, PartnerErrorCode
from .models import Partner, PartnerApp, PartnerMember, PartnerMemberRole

MANAGE_PARTNERS = "partner_listings.manage_partners"

_WRITE_ROLES = {PartnerMemberRole.OWNER, PartnerMemberRole.MANAGER}


@dataclass(frozen=True)
class Actor:
    user: object | None
    app: object | None
    is_brand: bool
    partner: Partner | None
    role: str | None

    @property
    def can_write(self):
        return self.partner is not None and self.role in _WRITE_ROLES

    @property
    def is_owner(self):
        return self.partner is not None and self.role == PartnerMemberRole.OWNER


def get_actor(request) -> Actor:
    """Return the actor of a request, computed once per request."""
    actor = getattr(request, "_partner_actor", None)
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    app = getattr(request, "app", None)
    is_brand = bool(
        (user is not None and user.has_perm(MANAGE_PARTNERS))
        or (app is not None and app.has_perm(MANAGE_PARTNERS))
    )
    partner = role = None
    if user is not None:
        membership = (
            PartnerMember.objects.select_related("partner")
            .filter(user_id=user.pk)
            .first()
        )
        if membership is not None:
            partner, role = membership.partner, membership.role
    elif app is not None:
        link = PartnerApp.objects.select_related("partner").filter(app_id=app.pk)
        link = link.first()
        if link is not None:
            partner, role = link.partner, PartnerMemberRole.MANAGER
    actor = Actor(user=user, app=app, is_brand=is_brand, partner=partner, role=role)
    request._partner_actor = actor
    return actor


def _denied(message="You do not have permission to perform this action."):
    return PartnerError(PartnerErrorCode.PERMISSION_DENIED, message)


def require_brand(actor: Actor):
    if not actor.is_brand:
        raise _denied("This action needs the MANAGE_PARTNERS permission.")


def can_view_partner(actor: Actor, partner_id) -> bool:
    return actor.is_brand or (
        actor.partner is not None and actor.partner.pk == partner_id
    )


def require_partner_view(actor: Actor, partner_id):
    if not can_view_partner(actor, partner_id):
        raise _denied("You can only see your own partner's data.")


def require_partner_write(actor: Actor, partner_id):
    """Let the brand or a writing member of the partner through."""
    if actor.is_brand:
        return
    if actor.partner is None or actor.partner.pk != partner_id:
        raise _denied("You can only change your own partner's data.")
    if not actor.can_write:
        raise _denied("Your role in the partner is read only.")


def resolve_acting_partner(actor: Actor, partner: Partner | None) -> Partner:
    """Return the partner a write is for: given by the brand, implied for
    a partner member (who may name only its own partner)."""
    if partner is None:
        if actor.partner is None:
            if actor.is_brand:
                raise PartnerError(
                    PartnerErrorCode.REQUIRED,
                    "Name the partner the listing belongs to.",
                    field="partner",
                )
            raise _denied("You are not a member of any partner.")
        partner = actor.partner
    require_partner_write(actor, partner.pk)
    return partner
