"""The GraphQL executor's own cost per field, with nothing else around it.

A page of offers resolves thousands of fields, and graphql-core (the
executor under graphene 2 and so under Saleor 2.10) does a fixed amount of
work for each one whatever its resolver does: resolve info, argument
lookup, completion and serialisation. This measure executes, in process,
a document over plain Python objects shaped like the offers of a
100-product page (1,300 offers of eight fields: id, partner name, price
amount and currency, stock status, lead time), with no database, no
middleware and no validation, so that its rows per second are fields per
second: the floor any page pays per field it resolves on this machine.
"""

from bench.graphql import BenchmarkError

from . import Measure, Outcome

OFFERS = 1_300
FIELDS_PER_OFFER = 8

DOCUMENT = """
{
  offers {
    id
    partner { name }
    price { amount currency }
    stockStatus
    leadTimeDays
  }
}
"""


def _build_schema():
    import graphene

    class Money(graphene.ObjectType):
        amount = graphene.Float(required=True)
        currency = graphene.String(required=True)

    class Partner(graphene.ObjectType):
        name = graphene.String(required=True)

    class Offer(graphene.ObjectType):
        id = graphene.ID(required=True)
        partner = graphene.Field(Partner, required=True)
        price = graphene.Field(Money, required=True)
        stock_status = graphene.String(required=True)
        lead_time_days = graphene.Int(required=True)

    class Query(graphene.ObjectType):
        offers = graphene.List(graphene.NonNull(Offer), required=True)

    return graphene.Schema(query=Query)


def _offers():
    from types import SimpleNamespace

    partners = [SimpleNamespace(name=f"Partner {index}") for index in range(4)]
    return [
        SimpleNamespace(
            id=str(index),
            partner=partners[index % 4],
            price=SimpleNamespace(amount=100.0 + index, currency="BRL"),
            stock_status="IN_STOCK",
            lead_time_days=1 + index % 4,
        )
        for index in range(OFFERS)
    ]


def prepare(_target, _runs):
    from graphql import execute, parse

    schema = _build_schema()
    document = parse(DOCUMENT)
    offers = _offers()
    root = type("Root", (), {"offers": offers})()
    result = execute(schema, document, root=root)
    if result.errors:
        raise BenchmarkError(f"GraphQL executor measure: {result.errors}")
    return {"schema": schema, "document": document, "root": root}


def execute_offers(_target, state):
    from graphql import execute

    result = execute(state["schema"], state["document"], root=state["root"])
    if result.errors or len(result.data["offers"]) != OFFERS:
        raise BenchmarkError(f"GraphQL executor measure: {result.errors}")
    return Outcome(sql_queries=0, rows=OFFERS * FIELDS_PER_OFFER)


MEASURES = [
    Measure(
        name="graphql_executor_fields_10400",
        description=(
            "graphql-core alone executing 1,300 offers of 8 fields over plain "
            "objects (no database, middleware or validation), in process: "
            "rows per second are fields per second."
        ),
        run_once=execute_offers,
        prepare=prepare,
        iterations=30,
        warmup=3,
        baseline=False,
        in_process=True,
    ),
]
