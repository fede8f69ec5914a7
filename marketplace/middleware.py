from django.db import connection


def sql_query_count(get_response):
    """Report the SQL statements a request ran in ``X-SQL-Queries``.

    Enabled by ``SQL_QUERY_COUNT_HEADER``; the benchmarks read it.
    Transaction control statements are not counted.
    """

    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            if (
                not sql.lstrip()
                .upper()
                .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
            ):
                count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-SQL-Queries"] = str(count)
        return response

    return middleware
