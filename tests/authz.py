"""Vocabulary of the authorization matrix (tests/test_authorization_matrix.py).

Each app lists its rows in tests/<app>/matrix.py: `ROWS` and, when its URLs take objects,
`build(world)` adding those objects to the world for each relation.
"""

from dataclasses import dataclass, field
from typing import Callable

ROLES = ["anonymous", "salesperson", "supervisor", "admin", "backup"]

# How an object stands to the salesperson (sales1) and supervisor (sup1) of the cast.
RELATIONS = ["own", "same_group", "other_group", "pool"]

OK = 200
LOGIN = "login"  # redirect to the login page
REDIRECT = "redirect"  # any other redirect (a successful POST, an already-logged-in visitor)
NOT_FOUND = 404
FORBIDDEN = 403
NOT_ALLOWED = 405


def everyone(outcome):
    return {role: outcome for role in ROLES}


def staff(outcome, anonymous=LOGIN, backup=NOT_FOUND):
    """The usual shape: anonymous is sent to log in, the backup operator sees nothing."""
    return {"anonymous": anonymous, "salesperson": outcome, "supervisor": outcome, "admin": outcome, "backup": backup}


def by_relation(**outcomes):
    """Per-relation outcomes for one role, e.g. by_relation(own=OK, same_group=NOT_FOUND, ...)."""
    assert set(outcomes) == set(RELATIONS), f"give an outcome for each of {RELATIONS}"
    return outcomes


@dataclass
class Row:
    url_name: str
    method: str
    expect: dict  # role -> outcome, or role -> by_relation(...) for object URLs
    kwargs: Callable | None = None  # (world, relation) -> URL kwargs
    data: Callable | dict = field(default_factory=dict)  # POST body, or (world, relation) -> body

    def cells(self):
        for role in ROLES:
            outcome = self.expect[role]
            if isinstance(outcome, dict):
                for relation in RELATIONS:
                    yield role, relation, outcome[relation]
            else:
                yield role, None, outcome
