"""Parsing and validating each GraphQL document once, not on every request.

A storefront or an integration sends the same few documents over and over,
with different variables. graphql-core parses a document for every request
and validates it against the whole schema before every execution, which
for a products page with offers costs more than some of its SQL.

``CachedDocumentBackend`` keeps the parsed document and the outcome of its
validation for the most recently used documents: ``GRAPHQL_DOCUMENT_CACHE_SIZE``
of them per process, each of at most ``MAX_CACHED_LENGTH`` characters.
Validation depends only on the document and the schema, never on variables
or on who asks, so a cached outcome is the one a fresh validation would
give. The query limits, which do depend on the variables, still run on
every request (see ``views.py``).
"""

import threading
from collections import OrderedDict
from functools import partial

from graphql import parse, validate
from graphql.backend.base import GraphQLBackend, GraphQLDocument
from graphql.execution import ExecutionResult, execute
from graphql.language import ast
from graphql.language.printer import print_ast

# Longer documents are validated on every request: a client sending many
# distinct large documents must not be able to fill the memory of a worker.
MAX_CACHED_LENGTH = 10_000


def execute_validated(schema, document_ast, validation_errors, *args, **kwargs):
    """Execute a document whose validation errors were found beforehand."""
    if validation_errors:
        return ExecutionResult(errors=validation_errors, invalid=True)
    return execute(schema, document_ast, *args, **kwargs)


class CachedDocumentBackend(GraphQLBackend):
    """graphql-core's backend, remembering the last ``size`` documents."""

    def __init__(self, size):
        self.size = size
        self._documents = OrderedDict()
        self._lock = threading.Lock()

    def document_from_string(self, schema, document_string):
        if isinstance(document_string, ast.Document):
            return self._build(schema, document_string, print_ast(document_string))
        key = (id(schema), document_string)
        with self._lock:
            document = self._documents.get(key)
            if document is not None and document.schema is schema:
                self._documents.move_to_end(key)
                return document
        # A syntax error raises here, as in graphql-core's own backend, and
        # is not remembered: it costs no validation.
        document = self._build(schema, parse(document_string), document_string)
        if self.size > 0 and len(document_string) <= MAX_CACHED_LENGTH:
            with self._lock:
                self._documents[key] = document
                while len(self._documents) > self.size:
                    self._documents.popitem(last=False)
        return document

    @staticmethod
    def _build(schema, document_ast, document_string):
        errors = validate(schema, document_ast)
        return GraphQLDocument(
            schema=schema,
            document_string=document_string,
            document_ast=document_ast,
            execute=partial(execute_validated, schema, document_ast, errors),
        )

    def __len__(self):
        return len(self._documents)
