"""Posting GraphQL documents to a server and reading its replies strictly.

A benchmark of error replies measures nothing, so every reply is checked:
an HTTP status other than 200, GraphQL ``errors``, a non-empty mutation
error list (``errors``, ``checkoutErrors``, ...) or a missing SQL count
raises ``BenchmarkError``.
"""

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

SQL_QUERIES_HEADER = "X-SQL-Queries"


class BenchmarkError(Exception):
    """The benchmark cannot go on: a server, a reply or the data is wrong."""


@dataclass(frozen=True)
class Reply:
    data: dict
    sql_queries: int


def find_errors(content) -> list:
    """Return the GraphQL errors and the mutation errors of a reply."""
    if not isinstance(content, dict):
        return [f"not a GraphQL reply: {content!r}"]
    errors = list(content.get("errors") or [])
    for field, payload in (content.get("data") or {}).items():
        if not isinstance(payload, dict):
            continue
        for key, value in payload.items():
            if key.lower().endswith("errors") and value:
                errors.append({field: {key: value}})
    return errors


def read_reply(status_code, content, headers, operation="") -> Reply:
    """Check one reply and return its data and SQL count."""
    errors = find_errors(content)
    if errors:
        raise BenchmarkError(f"{operation or 'GraphQL'}: error reply: {errors}")
    if status_code != 200:
        raise BenchmarkError(f"{operation or 'GraphQL'}: HTTP {status_code}")
    if content.get("data") is None:
        raise BenchmarkError(f"{operation or 'GraphQL'}: reply without data")
    sql_queries = headers.get(SQL_QUERIES_HEADER)
    if sql_queries is None:
        raise BenchmarkError(
            f"{operation or 'GraphQL'}: no {SQL_QUERIES_HEADER} header; is "
            "SQL_QUERY_COUNT_HEADER=true set on the server?"
        )
    return Reply(data=content["data"], sql_queries=int(sql_queries))


def operation_name(query) -> str:
    """Return the name of a document's first operation, for messages."""
    words = query.replace("(", " ").replace("{", " ").split()
    for keyword, name in zip(words, words[1:], strict=False):
        if keyword in ("query", "mutation"):
            return name
    return ""


def send_request(base_url, method, path, *, body=None, headers=None, timeout=30):
    """Send one request on a connection of its own; return the response.

    uWSGI's HTTP router, as serve() runs it, answers in HTTP/1.1 without
    ``Connection: close`` and then closes the connection: a client that
    reuses connections would now and then send into a closed one.
    """
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.content = response.read()
        return response
    finally:
        connection.close()


class GraphQLClient:
    """A client of one server's ``/graphql/``, over plain HTTP."""

    def __init__(self, base_url, *, name="", timeout=30):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.timeout = timeout

    def execute(self, query, variables=None, *, headers=None) -> Reply:
        """Post a document; ``headers`` adds, say, an ``Authorization``."""
        operation = " ".join(filter(None, [self.name, operation_name(query)]))
        body = json.dumps({"query": query, "variables": variables or {}})
        try:
            response = send_request(
                self.base_url,
                "POST",
                "/graphql/",
                body=body.encode(),
                headers={"Content-Type": "application/json", **(headers or {})},
                timeout=self.timeout,
            )
        except OSError as error:
            raise BenchmarkError(f"{operation}: {error}") from error
        try:
            content = json.loads(response.content)
        except ValueError:
            content = response.content[:500].decode(errors="replace")
        return read_reply(response.status, content, response.headers, operation)
