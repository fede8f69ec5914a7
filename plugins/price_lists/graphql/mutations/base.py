import graphene
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.types.common import Error

from ...exceptions import PriceListError, PriceListErrors
from ...permissions import PriceListPermissions
from ..types import PriceListError as PriceListErrorType


def to_typed_errors(errors: list[PriceListError]) -> list:
    """Return the (error, code, params) triples Saleor's mutations report.

    Saleor's own conversion from ``ValidationError`` maps codes it does not
    know to "invalid"; the plugin's codes are passed as they are.
    """
    return [
        (
            Error(field=error.field, message=error.message),
            error.code.value,
            {"row": error.row},
        )
        for error in errors
    ]


def to_error_types(errors: list[PriceListError]) -> list[PriceListErrorType]:
    return [
        PriceListErrorType(
            field=error.field, message=error.message, code=error.code, row=error.row
        )
        for error in errors
    ]


class PriceListMutation(BaseMutation):
    """A mutation of price lists: MANAGE_PRICE_LISTS, typed errors.

    ``errors`` and ``priceListErrors`` hold the same ``PriceListError``
    list, so that a client may ask for ``errors { field code message }``.
    """

    errors = graphene.List(
        graphene.NonNull(PriceListErrorType),
        required=True,
        description="List of errors that occurred executing the mutation.",
    )

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("permissions", (PriceListPermissions.MANAGE_PRICE_LISTS,))
        options.setdefault("error_type_class", PriceListErrorType)
        options.setdefault("error_type_field", "price_list_errors")
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def mutate(cls, root, info, **data):
        try:
            return super().mutate(root, info, **data)
        except PriceListErrors as errors:
            return cls.handle_typed_errors(to_typed_errors(errors.errors))
        except PriceListError as error:
            return cls.handle_typed_errors(to_typed_errors([error]))

    @classmethod
    def handle_typed_errors(cls, errors, **extra):
        response = super().handle_typed_errors(errors, **extra)
        response.errors = response.price_list_errors
        return response
