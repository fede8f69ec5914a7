"""How GraphQL middleware runs around the resolvers of one operation.

graphql-core calls every middleware of ``GRAPHENE["MIDDLEWARE"]`` around
every field it resolves, and by default wraps each result in a promise.
On a page of products with their offers that is thousands of fields, and
the chains and promises cost more than the resolvers themselves.

Saleor's middlewares split in two:

- Request middlewares (JWT authentication, app tokens) put the user and
  the app on the request. The request is the context of every field, so
  what they set on the root fields holds for the whole operation; on a
  nested field they find it set and do nothing.
- The tracing middleware opens a span per resolved field. With no tracer
  registered (no ``JAEGER_AGENT_HOST``), the spans go nowhere.

Any other middleware listed in the setting is taken for a request
middleware too, and runs on root fields only.

``ResolverMiddleware`` runs the request middlewares on root fields only,
keeps per-field tracing when a tracer is registered, and never wraps a
result in a promise: a resolver that returns one (a dataloader) is still
waited for, the others are completed at once.
"""

import opentracing
from django.utils.module_loading import import_string
from graphql.execution.middleware import (
    MiddlewareManager,
    get_middleware_resolvers,
    middleware_chain,
)

TRACING_MIDDLEWARE = "saleor.graphql.middleware.OpentracingGrapheneMiddleware"


def is_tracing_enabled() -> bool:
    """Whether spans are reported: a tracer other than the no-op one is set."""
    return opentracing.is_global_tracer_registered()


class ResolverMiddleware(MiddlewareManager):
    """Request middleware on root fields, tracing on every field if enabled."""

    __slots__ = ("_field_middleware",)

    def __init__(self, request_middleware, field_middleware=()):
        super().__init__(*request_middleware, wrap_in_promise=False)
        self._field_middleware = list(get_middleware_resolvers(field_middleware))

    @classmethod
    def from_settings(cls, paths, *, tracing=None):
        """Build it from ``GRAPHENE["MIDDLEWARE"]``-style dotted paths."""
        if tracing is None:
            tracing = is_tracing_enabled()
        request_middleware, field_middleware = [], []
        for path in paths:
            middleware = import_string(path) if isinstance(path, str) else path
            if isinstance(middleware, type):
                middleware = middleware()
            if path == TRACING_MIDDLEWARE:
                if tracing:
                    field_middleware.append(middleware)
                continue
            request_middleware.append(middleware)
        return cls(request_middleware, field_middleware)

    def get_field_resolver(self, field_resolver):
        cached = self._cached_resolvers.get(field_resolver)
        if cached is not None:
            return cached
        nested = middleware_chain(
            field_resolver, self._field_middleware, wrap_in_promise=False
        )
        root = middleware_chain(
            nested, self._middleware_resolvers, wrap_in_promise=False
        )
        if root is nested:
            resolver = nested
        else:

            def resolver(source, info, **args):
                if len(info.path) == 1:
                    return root(source, info, **args)
                return nested(source, info, **args)

        self._cached_resolvers[field_resolver] = resolver
        return resolver
