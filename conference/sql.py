"""Running a hand-written hot-path statement on Django's own connection.

On PostgreSQL the statement runs as a server-side prepared statement (psycopg's `prepare=True`):
planning often costs more than running these short statements. When queries are being logged
(DEBUG, or a test counting them) the plain Django cursor runs it instead, so it shows up in the
log and query counts stay honest."""

import psycopg
from django.db import connection


def fetch_one(sql: str, params) -> tuple | None:
    """Run one statement on Django's connection (in the caller's transaction, if any); return
    its first row, or None."""
    if connection.vendor == "postgresql" and not connection.queries_logged:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
