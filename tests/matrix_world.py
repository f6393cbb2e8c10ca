"""Objects for the authorization matrix, seen from the salesperson and supervisor of the cast.

Relations name how an object stands to the person asking: their own, a colleague's in the same
group, another group's, or in the isolation pool. Apps add their objects to build_world.
"""

from types import SimpleNamespace

RELATIONS = ["own", "same_group", "other_group", "pool"]


def build_world(cast):
    return SimpleNamespace(cast=cast)
