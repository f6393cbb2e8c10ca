"""The deals report's summary tables (reports/models.py: DealOpenedDay, DealWonDay, ...),
rebuilt with the others by `manage.py refresh_reports` (reports/summaries.py): each is a roll-up
of the live report (reports/deal_numbers.py) by day, over every deal."""

from reports import deal_numbers

MODELS = tuple(rollup.summary for rollup in deal_numbers.ROLLUPS)


def _insert(rollup) -> str:
    keys = rollup.summary_keys
    columns = ", ".join((*keys, *rollup.sums))
    return f'INSERT INTO "{rollup.summary._meta.db_table}" ({columns}) ' + deal_numbers.rolled_sql(rollup, keys, "true")


STATEMENTS = tuple(_insert(rollup) for rollup in deal_numbers.ROLLUPS)
