"""Depth and cost limits for GraphQL documents, checked before execution.

The depth of a document is the longest chain of nested selections in any of
its operations, fragments expanded. Its cost estimates the number of
objects a server resolves: every field costs one for each object of its
parent, and a field taking ``first`` or ``last`` multiplies the cost of its
selections by that number. Introspection (``__schema``, ``__type``) is
exempt from the depth limit; its own shape is fixed and shallow in cost.
"""

from graphql.language import ast


class QueryLimitError(Exception):
    code = "QUERY_LIMIT_EXCEEDED"

    def __init__(self, message, *, limit, actual):
        super().__init__(message)
        self.limit = limit
        self.actual = actual


class QueryTooDeep(QueryLimitError):
    code = "QUERY_TOO_DEEP"


class QueryTooCostly(QueryLimitError):
    code = "QUERY_TOO_COSTLY"


_INTROSPECTION_FIELDS = {"__schema", "__type"}


class _Measure:
    def __init__(self, document, variables):
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, ast.FragmentDefinition)
        }
        self.variables = variables or {}

    def page_size(self, field):
        for argument in field.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, ast.IntValue):
                return max(int(value.value), 1)
            if isinstance(value, ast.Variable):
                given = self.variables.get(value.name.value)
                if isinstance(given, int):
                    return max(given, 1)
        return 1

    def fields(self, selection_set, seen):
        """Yield the fields of a selection set, fragments flattened."""
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, ast.Field):
                yield selection
            elif isinstance(selection, ast.InlineFragment):
                yield from self.fields(selection.selection_set, seen)
            elif isinstance(selection, ast.FragmentSpread):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment that spreads itself is rejected by validation;
                # here it must only not loop.
                if fragment is not None and name not in seen:
                    yield from self.fields(fragment.selection_set, seen | {name})

    def depth(self, selection_set, seen=frozenset()):
        deepest = 0
        for field in self.fields(selection_set, seen):
            if field.name.value in _INTROSPECTION_FIELDS:
                continue
            if field.selection_set:
                deepest = max(deepest, 1 + self.depth(field.selection_set, seen))
            else:
                deepest = max(deepest, 1)
        return deepest

    def cost(self, selection_set, multiplier=1, seen=frozenset()):
        total = 0
        for field in self.fields(selection_set, seen):
            total += multiplier
            if field.selection_set:
                total += self.cost(
                    field.selection_set, multiplier * self.page_size(field), seen
                )
        return total


def check_query_limits(document, variables, *, max_depth, max_cost):
    """Raise ``QueryTooDeep`` or ``QueryTooCostly`` for an oversized document."""
    measure = _Measure(document, variables)
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, ast.OperationDefinition)
    ]
    for operation in operations:
        depth = measure.depth(operation.selection_set)
        if max_depth and depth > max_depth:
            raise QueryTooDeep(
                f"Query depth {depth} exceeds the limit of {max_depth}.",
                limit=max_depth,
                actual=depth,
            )
        cost = measure.cost(operation.selection_set)
        if max_cost and cost > max_cost:
            raise QueryTooCostly(
                f"Query cost {cost} exceeds the limit of {max_cost}.",
                limit=max_cost,
                actual=cost,
            )
