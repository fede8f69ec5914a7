"""The base of the partner mutations: errors as ``PartnerError`` values."""

import logging

import graphene
from django.db import transaction
from graphql_relay import from_global_id

from ...error_codes import PartnerError, PartnerErrorCode, PartnerErrors
from ...permissions import get_actor
from ..types import PartnerError as PartnerErrorType

logger = logging.getLogger(__name__)


def to_error_type(error, row=None):
    return PartnerErrorType(
        field=error.field, code=error.code.value, message=error.message, row=row
    )


def decode_id(global_id, type_name, field="id"):
    """Return the primary key in a global ID of the given type."""
    try:
        found_type, pk = from_global_id(global_id or "")
    except Exception as error:  # noqa: BLE001 - any malformed ID is bad input
        raise PartnerError(
            PartnerErrorCode.GRAPHQL_ERROR, f"Invalid ID: {global_id}.", field
        ) from error
    if found_type != type_name or not pk:
        raise PartnerError(
            PartnerErrorCode.GRAPHQL_ERROR,
            f"Must receive a {type_name} ID.",
            field,
        )
    return pk


def decode_int_id(global_id, type_name, field="id"):
    pk = decode_id(global_id, type_name, field)
    try:
        return int(pk)
    except ValueError as error:
        raise PartnerError(
            PartnerErrorCode.GRAPHQL_ERROR, f"Invalid ID: {global_id}.", field
        ) from error


def get_or_error(queryset, pk, field="id", message="Not found."):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise PartnerError(PartnerErrorCode.NOT_FOUND, message, field)
    return obj


class PartnerMutation(graphene.Mutation):
    """A mutation that returns its refusals in ``errors``, never raises.

    Subclasses implement ``perform(root, info, actor, **data)`` returning a
    dict of payload fields; it runs in a transaction, so a refusal raised
    halfway leaves nothing written.
    """

    errors = graphene.List(
        graphene.NonNull(PartnerErrorType),
        required=True,
        description="Why the mutation was refused; empty on success.",
    )
    partner_errors = graphene.List(
        graphene.NonNull(PartnerErrorType),
        required=True,
        description="The same list as errors, named the way Saleor names them.",
    )

    class Meta:
        abstract = True

    @classmethod
    def perform(cls, root, info, actor, **data):
        raise NotImplementedError

    @classmethod
    def mutate(cls, root, info, **data):
        actor = get_actor(info.context)
        try:
            with transaction.atomic():
                payload = cls.perform(root, info, actor, **data)
        except PartnerError as error:
            errors = [to_error_type(error)]
            return cls(errors=errors, partner_errors=errors)
        except PartnerErrors as error:
            errors = [to_error_type(item) for item in error.errors]
            return cls(errors=errors, partner_errors=errors)
        return cls(errors=[], partner_errors=[], **payload)
