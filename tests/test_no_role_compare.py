"""No role comparison outside the policies (issue 21.3).

Templates, forms, views, selectors, services and the navigation ask a policy a named question
(`sees_owner_column(user)`, `may_see_reports(user)`); a `user.is_supervisor` or a `role ==`
anywhere else is a second policy that drifts from the first. This walks every app's Python
(policies.py, models.py, migrations and tests excepted: the role is defined and decided there)
and every template.

ROOMS_BEING_MOVED lists what remains in the rooms other branches move out of crm in issue 21
(backups, import/export, reports, staff, benchmarks and demo data). It is empty for the customer
core, accounts, workplans, bulletin, common and config, and the lead empties it at the merge:
an entry whose file no longer compares roles fails too, so the list only shrinks.
"""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLE_NAMES = {"is_salesperson", "is_supervisor", "is_admin", "is_backup_operator"}
EXEMPT_FILES = {"policies.py", "models.py"}
TEMPLATE_ROLE = re.compile(
    r"\b(?:is_salesperson|is_supervisor|is_admin|is_backup_operator)\b|\.role\s*(?:==|!=|\bin\b|\bnot\s+in\b)"
)

# file -> why it still compares roles (each moves with its room in issue 21; the lead empties this).
ROOMS_BEING_MOVED = {}


def _packages() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests")


def _python_files():
    for package in _packages():
        for path in sorted(package.rglob("*.py")):
            if path.name in EXEMPT_FILES or "migrations" in path.parts:
                continue
            yield path


def _python_hits(source: str) -> list[str]:
    """Role names and `.role ==`/`!=`/`in` in code: comments and strings do not count."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)]
    hits = {}
    for index, token in enumerate(tokens):
        following = tokens[index + 1].string if index + 1 < len(tokens) else ""
        after_dot = index and tokens[index - 1].string == "."
        role_compare = token.string == "role" and after_dot and following in ("==", "!=", "in", "not")
        if token.type == tokenize.NAME and (token.string in ROLE_NAMES or role_compare):
            hits.setdefault(token.start[0], f"{token.start[0]}: {token.line.strip()}")
    return list(hits.values())


def _template_files():
    for folder in [ROOT / "templates", *(package / "templates" for package in _packages())]:
        yield from sorted(folder.rglob("*.html")) if folder.is_dir() else ()


def _template_hits(text: str) -> list[str]:
    lines = enumerate(text.splitlines(), 1)
    return [f"{number}: {line.strip()}" for number, line in lines if TEMPLATE_ROLE.search(line)]


def _role_comparisons() -> dict[str, list[str]]:
    found = {}
    for path in _python_files():
        hits = _python_hits(path.read_text(encoding="utf-8"))
        if hits:
            found[path.relative_to(ROOT).as_posix()] = hits
    for path in _template_files():
        hits = _template_hits(path.read_text(encoding="utf-8"))
        if hits:
            found[path.relative_to(ROOT).as_posix()] = hits
    return found


def test_it_finds_role_comparisons_in_code_and_templates():
    assert _python_hits("if user.is_supervisor:\n    pass\n")
    assert _python_hits("shown = request.user.role == 'admin'\n")
    assert _python_hits("x = user.role in (A, B)\n")
    assert not _python_hits("# user.is_admin\nx = 'user.is_admin'\ny = user.role\nz = role == 1\n")
    assert _template_hits("{% if not user.is_salesperson %}<th>")
    assert _template_hits('{% if user.role == "admin" %}')
    assert not _template_hits("{{ person.get_role_display }}")


def test_no_role_is_compared_outside_the_policies():
    found = _role_comparisons()
    unexpected = {path: hits for path, hits in found.items() if path not in ROOMS_BEING_MOVED}
    assert not unexpected, (
        "Ask a named policy function (and pass its answer to the template) instead of comparing roles:\n"
        + "\n".join(f"{path}:{hit}" for path, hits in unexpected.items() for hit in hits)
    )


def test_the_rooms_allow_list_only_shrinks():
    found = _role_comparisons()
    stale = sorted(path for path in ROOMS_BEING_MOVED if path not in found)
    assert not stale, f"These no longer compare roles (or moved): take them off ROOMS_BEING_MOVED: {stale}"
