import re
from urllib.parse import quote

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from crm.search import search_terms

register = template.Library()

_WIDGET_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.simple_tag
def bootstrap_form(form):
    """Render a form's fields with Bootstrap classes and their errors in place."""
    for field in form.visible_fields():
        css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
        if field.errors and css:
            css += " is-invalid"
        existing = field.field.widget.attrs.get("class", "")
        field.field.widget.attrs["class"] = " ".join(dict.fromkeys(f"{existing} {css}".split()))
    return render_to_string("includes/_form.html", {"form": form})


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination, sorting links)."""
    params = context["request"].GET.copy()
    if "page" in changes:  # a page cursor belongs to the page it came from
        for cursor in ("after", "before"):
            params.pop(cursor, None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def hidden_query(context, exclude=""):
    """The current query string as hidden inputs, every value of a repeated parameter (the ticked
    search fields) included, less the `exclude`d names: a small GET form (the page size) then
    changes one thing and keeps the rest."""
    left_out = set(exclude.split())
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', (
        (key, value) for key, values in context["request"].GET.lists() if key not in left_out for value in values
    ))


@register.simple_tag
def options(choices, selected=None):
    """The <option>s of `choices` ((value, label) pairs), the one equal to `selected` selected:
    one Python pass, where a template loop costs more than the page's SQL for 500 salespeople."""
    selected = "" if selected is None else str(selected)
    return format_html_join("", "{}", (
        (format_html('<option value="{}"{}>{}</option>', value, " selected" if str(value) == selected else "", label),)
        for value, label in choices
    ))


# --- Phones, addresses and search hits -----------------------------------------------------------

_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*", re.IGNORECASE)


def dial_uri(phone, scheme="tel") -> str:
    """A tel: (or sms:) URI for a number as people write it: separators dropped, a leading +
    kept, an extension (转 / ext / x / #) dialled after a pause (tel: only)."""
    main, *extension = _EXTENSION.split(str(phone or ""), maxsplit=1)
    number = re.sub(r"[^0-9+]", "", main)
    number = number[:1] + number[1:].replace("+", "")
    extension = re.sub(r"\D", "", extension[0]) if extension else ""
    if not re.search(r"\d", number):
        return ""
    return f"{scheme}:{number},{extension}" if extension and scheme == "tel" else f"{scheme}:{number}"


@register.filter
def tel_uri(phone) -> str:
    return dial_uri(phone, "tel")


@register.filter
def sms_uri(phone) -> str:
    return dial_uri(phone, "sms")


@register.filter
def map_search_url(address) -> str:
    """The configured map search for an address: a link the person taps, nothing the page loads."""
    address = " ".join(str(address or "").split())
    return settings.CRM_MAP_SEARCH_URL.format(query=quote(address, safe="")) if address else ""


@register.simple_tag
def phone_link(phone, css="text-nowrap"):
    """A phone number as a link that dials it (plain text when it holds no digit)."""
    uri = tel_uri(phone)
    if not uri:
        return phone or ""
    return format_html('<a href="{}" class="{}">{}</a>', uri, css, phone)


def _term_pattern(term: str) -> str:
    if term.isdigit() and len(term) > 1:  # 1380013 finds 138 0013 8000: allow the separators between digits
        return r"[\s\-()]*".join(term)
    return re.escape(term)


@register.simple_tag
def highlight(value, query="", field="", fields=()):
    """`value` with each search term of `query` marked (escaped: user text never becomes markup).
    When the search was limited to some `fields`, only those are marked."""
    text = "" if value is None else str(value)
    terms = search_terms(query) if query and (not fields or field in fields) else []
    if not terms or not text:
        return text
    pattern = "|".join(_term_pattern(term) for term in sorted(terms, key=len, reverse=True))
    parts = re.split(f"({pattern})", text, flags=re.IGNORECASE)
    return mark_safe("".join(
        format_html('<mark class="search-hit">{}</mark>', part) if index % 2 else conditional_escape(part)
        for index, part in enumerate(parts)
    ))
