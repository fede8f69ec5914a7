"""The GraphQL endpoint: Saleor's view with the marketplace's query limits.

It also runs the GraphQL middleware through ``ResolverMiddleware``, which
spares nested fields the request middlewares and the promises, and parses
and validates each document once per process (``CachedDocumentBackend``).
"""

from django.conf import settings
from graphene_django.settings import graphene_settings
from graphql.execution import ExecutionResult
from saleor.graphql.views import GraphQLView

from .backend import CachedDocumentBackend
from .limits import QueryLimitError, check_query_limits
from .middleware import ResolverMiddleware

_backend = None


def get_backend():
    """The process's document backend, built on first use from the settings."""
    global _backend
    if _backend is None:
        _backend = CachedDocumentBackend(settings.GRAPHQL_DOCUMENT_CACHE_SIZE)
    return _backend


class MarketplaceGraphQLView(GraphQLView):
    HANDLED_EXCEPTIONS = (*GraphQLView.HANDLED_EXCEPTIONS, QueryLimitError)

    # Django builds one view instance per request, so the variables of the
    # operation being executed can wait here for ``parse_query``.
    _variables = None

    def __init__(self, *args, middleware=None, backend=None, **kwargs):
        super().__init__(
            *args,
            middleware=[],
            backend=backend if backend is not None else get_backend(),
            **kwargs,
        )
        if middleware is None:
            middleware = graphene_settings.MIDDLEWARE or []
        self.middleware = ResolverMiddleware.from_settings(middleware)

    def execute_graphql_request(self, request, data):
        _, variables, _ = self.get_graphql_params(request, data)
        self._variables = variables if isinstance(variables, dict) else {}
        return super().execute_graphql_request(request, data)

    def parse_query(self, query):
        document, error = super().parse_query(query)
        if error:
            return document, error
        try:
            check_query_limits(
                document.document_ast,
                self._variables,
                max_depth=settings.GRAPHQL_MAX_DEPTH,
                max_cost=settings.GRAPHQL_MAX_COST,
            )
        except QueryLimitError as limit_error:
            return None, ExecutionResult(errors=[limit_error], invalid=True)
        return document, None

    @classmethod
    def format_error(cls, error):
        result = super().format_error(error)
        code = getattr(error, "code", None)
        if isinstance(code, str):
            result["extensions"]["exception"]["code"] = code
        return result
