"""One door for owners (issue 21.2): nothing but crm/ownership.py writes a customer's owner.

Reads every module of the project (not the tests) for writes to `owner`/`owner_id` of customers:
ORM keyword arguments and attribute assignments, `update_fields`, column lists of a COPY, and
SQL text that updates or inserts the column. A new path that changes owners beside the door
(and so could skip custody, the shares, the key-customer rule or the lock on the receiver)
fails here.
"""

import ast
import re
from pathlib import Path

from django.apps import apps

from crm.models import Customer

ROOT = Path(__file__).resolve().parents[2]
DOOR = "crm/ownership.py"
# Synthetic history for the demo company and the benchmarks' throwaway data: customers written
# together with their own custody rows, backdated; never run on a live company's data.
SEEDERS = ("demo/",)
# Functions that build unsaved customers in memory from a read (never saved), by file.
IN_MEMORY = {
    "transfers/classify.py": {"_existing"},  # the import's duplicate check names who holds a duplicate
}
OWNER = {"owner", "owner_id"}
WRITES = {"create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
SQL_WRITE = re.compile(
    r"(UPDATE\s+(?:crm_customer\b|\{[^}]*\})[^;]*?\bSET\b[^;]*?(?<![\w.])owner_id\s*="
    r"|(?:INSERT\s+INTO|COPY)\s+(?:crm_customer\b|\{[^}]*\})\s*\([^)]*(?<![\w.])owner_id\b)",
    re.IGNORECASE | re.DOTALL,
)


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "var", "tests", "node_modules"} or "/migrations/" in relative:
            continue
        if relative == DOOR or relative.startswith(SEEDERS):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def _other_models_with_an_owner() -> set[str]:
    """Models besides Customer with a field named owner (saved searches, import jobs...)."""
    names = set()
    for model in apps.get_models():
        if model is not Customer and any(field.name == "owner" for field in model._meta.get_fields()):
            names.add(model.__name__)
    return names


def _root_name(node) -> str:
    """`SavedSearch` for SavedSearch.objects.filter(...).update_or_create(...)."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else ""


def _text(node) -> str:
    """A string constant, or an f-string with its expressions as {}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return ""


def _strings(node) -> set[str]:
    return {element.value for element in getattr(node, "elts", []) if isinstance(element, ast.Constant)}


def _outside(tree, functions: set[str]):
    """Every node of `tree` except those inside a function named in `functions`."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def owner_writes(relative: str, tree, others: set[str]) -> list[str]:
    found = []

    def report(node, what):
        line = f"{relative}:{node.lineno}: {what}"
        if line not in found:  # an f-string and its constant part are one finding
            found.append(line)

    for node in _outside(tree, IN_MEMORY.get(relative, set())):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in getattr(target, "elts", [target]):
                    if isinstance(element, ast.Attribute) and element.attr in OWNER:
                        report(node, f"assigns .{element.attr}")
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            root = _root_name(node.func)
            keywords = {keyword.arg for keyword in node.keywords}
            if name == "setattr" and len(node.args) > 1 and _text(node.args[1]) in OWNER:
                report(node, "setattr of the owner")
            if root in others:
                continue
            if (name in WRITES or name == "Customer") and keywords & OWNER:
                report(node, f"{name}({', '.join(sorted(keywords & OWNER))}=...)")
            for keyword in node.keywords:
                if keyword.arg == "update_fields" and _strings(keyword.value) & OWNER:
                    report(node, "saves update_fields with the owner")
            if name == "bulk_update" and len(node.args) > 1 and _strings(node.args[1]) & OWNER:
                report(node, "bulk_update of the owner")
        elif isinstance(node, (ast.List, ast.Tuple)):
            # The columns of new rows (a COPY or INSERT), not a list of fields to compare.
            columns = _strings(node)
            if "owner_id" in columns and columns & {"id", "created_at", "created_by_id"}:
                report(node, "a customer column list with owner_id (COPY / INSERT)")
        text = _text(node)
        if text and SQL_WRITE.search(text):
            report(node, "SQL writing crm_customer.owner_id")
    return found


def test_nothing_but_the_door_writes_a_customers_owner():
    others = _other_models_with_an_owner()
    assert {"SavedSearch", "ImportJob"} <= others  # the exemption is for these, by name
    found = [line for relative, tree in _modules() for line in owner_writes(relative, tree, others)]
    assert found == [], "Change owners through crm.ownership only:\n" + "\n".join(found)


def test_the_walk_finds_each_kind_of_owner_write():
    """The walker itself: every way the project has written owners before is caught."""
    source = '''
customer.owner = someone
customer.save(update_fields=["owner", "updated_at"])
Customer.objects.filter(pk=1).update(owner=None, pooled_at=now)
Customer.objects.create(name="x", owner=someone)
Customer(name="x", owner_id=3)
setattr(customer, "owner_id", 3)
Customer.objects.bulk_update(customers, ["owner_id"])
COLUMNS = ["id", "name", "owner_id", "created_at"]
SQL = "UPDATE crm_customer c SET owner_id = NULL, pooled_at = %s FROM due WHERE c.id = due.id"
MOVE = """UPDATE {customer} c SET
    owner_id = plan.to_owner, updated_at = %(now)s"""
COPY = f"COPY crm_customer (id, name, owner_id) FROM STDIN"
INSERT = "INSERT INTO crm_customer (name, owner_id) VALUES (%s, %s)"
'''
    found = owner_writes("example.py", ast.parse(source), {"SavedSearch"})
    assert sorted(int(line.split(":")[1]) for line in found) == [*range(2, 12), 13, 14]  # MOVE spans 11-12


def test_the_walk_leaves_reads_and_other_models_alone():
    source = '''
Customer.objects.filter(owner=user).count()
SavedSearch.objects.update_or_create(owner=owner, name=name)
services.customer_create(data=data, owner=owner, by=user)
CUSTODY = ["customer_id", "from_owner_id", "to_owner_id", "created_at"]
TRACKED_FIELDS = ["name", "phone", "owner_id", "locked"]
SQL = "SELECT id, owner_id FROM crm_customer WHERE owner_id IS NOT NULL FOR UPDATE"
STOCK = "INSERT INTO crm_customerstock (owner_id, type) SELECT owner_id, type FROM crm_customer"
CUSTODY_SQL = "INSERT INTO crm_custody (customer_id, from_owner_id, to_owner_id) SELECT id, owner_id, NULL FROM moved"
'''
    assert owner_writes("example.py", ast.parse(source), {"SavedSearch"}) == []
