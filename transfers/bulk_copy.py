"""Rows into a table with COPY FROM STDIN: how the import's staged customers and its preview rows
go in. When the database refuses a row, `failure` and `reasons` say which, in the importer's words."""

import csv
import io
import re

from django.db import connection
from django.utils.translation import gettext as _


class CsvStream(io.TextIOBase):
    """`rows` as CSV text, formatted as COPY reads it: the database indexes one chunk while
    Python formats the next (two cores at work instead of one after the other)."""

    def __init__(self, rows, chunk_rows=2000):
        self._chunks = self._format(rows, chunk_rows)
        self._pending = ""

    @staticmethod
    def _format(rows, chunk_rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for count, row in enumerate(rows, 1):
            writer.writerow(["\\N" if value is None else value for value in row])
            if count % chunk_rows == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    def readable(self):
        return True

    def read(self, size=-1):
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        if size < 0:
            size = len(self._pending)
        text, self._pending = self._pending[:size], self._pending[size:]
        return text


def copy(table: str, columns: list[str], rows) -> None:
    """`rows` into `table` with COPY FROM STDIN (the fastest way in: one statement, streamed)."""
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                           CsvStream(rows), 65536)


def failed_row(error, rows):
    cause = getattr(error, "__cause__", None) or error
    context = getattr(getattr(cause, "diag", None), "context", "") or ""
    match = re.search(r"line (\d+)", context)
    if match and 0 < int(match.group(1)) <= len(rows):
        return rows[int(match.group(1)) - 1]
    return None


def failure(error, rows) -> str:
    row = failed_row(error, rows)
    cause = getattr(error, "__cause__", None) or error
    detail = getattr(getattr(cause, "diag", None), "message_primary", "") or str(cause).splitlines()[0]
    if row is None:
        return _("Nothing was imported: the database refused the rows (%(detail)s).") % {"detail": detail}
    return _("Nothing was imported: row %(row)s was refused (%(detail)s).") % {"row": row.number, "detail": detail}


def reasons(error, rows) -> dict:
    row = failed_row(error, rows)
    return {row.number: failure(error, rows)} if row else {}
