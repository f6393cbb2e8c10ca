"""The deals report's summary tables (reports/models.py: DealOpenedDay, DealWonDay, DealLostDay),
rebuilt with the others by `manage.py refresh_reports` (reports/summaries.py) from the same base
queries the live report runs (reports/deal_numbers.py), over every deal."""

from reports import deal_numbers
from reports.models import DealLostDay, DealOpenedDay, DealWonDay

MODELS = (DealOpenedDay, DealWonDay, DealLostDay)


def _insert(model, sql, columns) -> str:
    names = ", ".join(columns)
    return f'INSERT INTO "{model._meta.db_table}" ({names}) ' + sql.format(where="true")


STATEMENTS = (
    _insert(DealOpenedDay, deal_numbers.OPENED_SQL, deal_numbers.OPENED_COLUMNS),
    _insert(DealWonDay, deal_numbers.WON_SQL, deal_numbers.WON_COLUMNS),
    _insert(DealLostDay, deal_numbers.LOST_SQL, deal_numbers.LOST_COLUMNS),
)
