from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

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


@register.simple_tag
def options(choices, selected=None):
    """The <option>s of `choices` ((value, label) pairs), the one equal to `selected` selected:
    one Python pass, where a template loop costs more than the page's SQL for 500 salespeople."""
    selected = "" if selected is None else str(selected)
    return format_html_join("", "{}", (
        (format_html('<option value="{}"{}>{}</option>', value, " selected" if str(value) == selected else "", label),)
        for value, label in choices
    ))
