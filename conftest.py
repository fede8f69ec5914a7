# Shared pytest fixtures, one module per model family, for every test of the
# project (tests/ and each plugin's tests/).
pytest_plugins = [
    "tests.fixtures.api",
    "tests.fixtures.accounts",
    "tests.fixtures.catalog",
    "tests.fixtures.price_lists",
    "tests.fixtures.partners",
    "tests.fixtures.orders",
    "tests.fixtures.demo",
]
