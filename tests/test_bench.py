"""The benchmark's documents and runner, checked without timing anything.

Each HTTP measure runs one iteration through Django's test client, so a
GraphQL document that the schema rejects or that answers with errors fails
here rather than halfway through ``make bench``.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from saleor.order.models import Order
from saleor.product.models import Product

from bench.graphql import BenchmarkError, GraphQLClient, read_reply
from bench.inprocess import InProcessTarget
from bench.measures import Measure, Outcome, discover_measures
from bench.measures.checkout import complete_checkout, find_stock
from bench.measures.products import fetch_products_page
from bench.runner import MARKETPLACE, VANILLA, run_measure
from tests.fixtures.catalog import create_product

HTTP_MEASURES = [measure for measure in discover_measures() if not measure.in_process]


class DjangoClientTarget:
    """A measure's target that posts through Django's test client."""

    name = "test client"

    def __init__(self, api_client):
        self.api_client = api_client
        self.replies = []

    def execute(self, query, variables=None, *, headers=None):
        extra = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in (headers or {}).items()
        }
        response = self.api_client.post(query, variables, **extra)
        reply = read_reply(response.status_code, response.json(), response.headers)
        self.replies.append(reply)
        return reply


@pytest.fixture
def bench_target(api_client, settings):
    settings.MIDDLEWARE = [
        "marketplace.middleware.sql_query_count",
        *settings.MIDDLEWARE,
    ]
    return DjangoClientTarget(api_client)


@pytest.fixture
def products_in_stock(product, product_type, category, warehouse):
    second = create_product(
        "Angle grinder", "349.00", product_type, category, warehouse
    )
    return [product, second]


@pytest.mark.parametrize("measure", HTTP_MEASURES, ids=lambda measure: measure.name)
def test_http_measure_runs_one_iteration_without_errors(
    measure, bench_target, products_in_stock
):
    # given
    state = measure.prepare(bench_target, 1) if measure.prepare else None
    prepared = len(bench_target.replies)

    # when
    outcome = measure.run_once(bench_target, state)

    # then
    replies = bench_target.replies[prepared:]
    assert outcome.sql_queries == sum(reply.sql_queries for reply in replies)
    assert outcome.sql_queries > 0


def test_products_page_lists_products_with_prices(bench_target, products_in_stock):
    # when
    fetch_products_page(bench_target)

    # then
    nodes = [edge["node"] for edge in bench_target.replies[0].data["products"]["edges"]]
    assert {node["name"] for node in nodes} == {"Impact drill", "Angle grinder"}
    assert all(node["pricing"]["priceRange"]["start"]["gross"] for node in nodes)
    assert all(variant["pricing"] for node in nodes for variant in node["variants"])


def test_checkout_flow_places_a_paid_order(bench_target, products_in_stock):
    # given
    pool = find_stock(bench_target, 1)
    prepared = len(bench_target.replies)

    # when
    outcome = complete_checkout(bench_target, pool)

    # then
    order = Order.objects.get()
    assert order.lines.count() == 2
    assert order.shipping_address.country.code == "BR"
    assert order.is_fully_paid()
    replies = bench_target.replies[prepared:]
    assert len(replies) == 4
    assert outcome.sql_queries == sum(reply.sql_queries for reply in replies)


def test_checkout_flow_stock_check_fails_when_stock_is_short(
    bench_target, products_in_stock
):
    # given: two variants of 100 units, of which Saleor offers 50 per line
    runs = 51

    # when / then
    with pytest.raises(BenchmarkError, match="units in stock"):
        find_stock(bench_target, runs)


@pytest.mark.parametrize(
    "content",
    [
        {"errors": [{"message": "Cannot query field"}], "data": None},
        {"data": {"checkoutCreate": {"checkout": None, "checkoutErrors": [{}]}}},
        {"data": None},
    ],
)
def test_read_reply_error_reply_raises(content):
    with pytest.raises(BenchmarkError):
        read_reply(200, content, {"X-SQL-Queries": "3"})


def test_read_reply_without_sql_header_raises():
    with pytest.raises(BenchmarkError, match="X-SQL-Queries"):
        read_reply(200, {"data": {"shop": {}}}, {})


class EchoHandler(BaseHTTPRequestHandler):
    """Answers a GraphQL post with what it received, as a server would."""

    def do_POST(self):
        document = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps(
            {
                "data": {
                    "path": self.path,
                    "variables": document["variables"],
                    "authorization": self.headers["Authorization"],
                }
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-SQL-Queries", "7")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_graphql_client_posts_document_with_headers(echo_server):
    # given
    client = GraphQLClient(echo_server, name="echo")

    # when
    reply = client.execute(
        "query Q { shop { name } }", {"first": 2}, headers={"Authorization": "JWT x"}
    )

    # then
    assert reply.sql_queries == 7
    assert reply.data == {
        "path": "/graphql/",
        "variables": {"first": 2},
        "authorization": "JWT x",
    }


class RecordingTarget:
    def __init__(self, name, calls, sql_queries):
        self.name = name
        self.calls = calls
        self.sql_queries = sql_queries


def record_call(target, _state):
    target.calls.append(target.name)
    return Outcome(sql_queries=target.sql_queries)


def test_run_measure_alternates_targets_and_compares_with_baseline():
    # given
    calls = []
    targets = {
        VANILLA: RecordingTarget(VANILLA, calls, 9),
        MARKETPLACE: RecordingTarget(MARKETPLACE, calls, 11),
    }
    measure = Measure(name="recorded", description="", run_once=record_call)

    # when
    result = run_measure(measure, targets, iterations=3, warmup=1)

    # then
    warmup, *rounds = [calls[index : index + 2] for index in range(0, 8, 2)]
    assert warmup == [VANILLA, MARKETPLACE]
    assert rounds == [
        [VANILLA, MARKETPLACE],
        [MARKETPLACE, VANILLA],
        [VANILLA, MARKETPLACE],
    ]
    entry = result.to_json()
    assert entry["sql_queries"] == 11
    assert entry["baseline_sql_queries"] == 9
    assert set(entry) >= {"p50_ms", "p95_ms", "baseline_p50_ms", "ratio"}


def count_products(target, _state):
    with target.count_sql() as counter:
        rows = len(list(Product.objects.all()))
    return Outcome(sql_queries=counter.count, rows=rows)


def test_run_measure_in_process_reports_rows_per_second_and_memory(
    products_in_stock,
):
    # given
    measure = Measure(
        name="product_rows",
        description="",
        run_once=count_products,
        baseline=False,
        in_process=True,
    )

    # when
    result = run_measure(
        measure, {MARKETPLACE: InProcessTarget()}, iterations=2, warmup=0
    )

    # then
    entry = result.to_json()
    assert entry["sql_queries"] == 1
    assert entry["rows_per_second"] > 0
    assert entry["peak_memory_mb"] > 0
    assert "ratio" not in entry


def test_measure_in_process_with_baseline_is_rejected():
    with pytest.raises(ValueError, match="baseline"):
        Measure(name="x", description="", run_once=count_products, in_process=True)


def test_discover_measures_finds_the_http_measures():
    assert {"products_page_20", "checkout_flow"} <= {m.name for m in HTTP_MEASURES}
