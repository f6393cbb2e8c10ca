"""Holds on recycling: an app above crm (complaints: a customer with an open complaint) keeps
customers with their salesperson while a condition of its own holds, without crm importing it.
Each hold is an SQL condition with `{customer_id}` where the customer's id column goes;
crm.services.pool_recycle skips every customer for which any hold is true, and
crm.selectors.recycle_soon does not announce them."""

_holds = []


def register_recycle_hold(sql: str) -> None:
    """`sql`: a boolean SQL expression (no parameters, no %) about the customer `{customer_id}`."""
    if sql not in _holds:
        _holds.append(sql)


def not_held(customer_id: str) -> str:
    """" AND NOT (hold) ..." for every registered hold, about the id column `customer_id`."""
    return "".join(f" AND NOT ({sql.format(customer_id=customer_id)})" for sql in _holds)


def exclude_held(queryset, customer_id: str = '"crm_customer"."id"'):
    """`queryset` without the held customers (`customer_id`: the id column as the query names it)."""
    if not _holds:
        return queryset
    held = " OR ".join(f"({sql.format(customer_id=customer_id)})" for sql in _holds)
    return queryset.extra(where=[f"NOT ({held})"])
