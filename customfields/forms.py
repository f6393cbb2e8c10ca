"""Custom fields inside a record's form, and the admin's form of a definition."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customfields import kinds, registry, unique
from customfields.models import FieldDefinition

PREFIX = "cf_"


def add_fields(form: forms.Form, target: str, user, values: dict | None) -> None:
    """Add the fields `user` may see to `form` (named cf_<key>), filled from the record's `values`;
    the ones they may not edit are disabled, so Django ignores what a POST says about them."""
    form.custom_target = target
    form.custom_editable = registry.editable_definitions(target, user)
    editable = {d.key for d in form.custom_editable}
    groups: dict[str, list[FieldDefinition]] = {}
    for definition in registry.visible_definitions(target, user):
        groups.setdefault(definition.group, []).append(definition)
    for group, definitions in sorted(groups.items(), key=lambda item: item[0] != ""):
        for position, definition in enumerate(definitions):
            may_edit = definition.key in editable
            field = kinds.form_field(definition, required=definition.required and may_edit)
            field.disabled = not may_edit
            field.initial = kinds.initial(definition, (values or {}).get(definition.key))
            field.group_heading = group if position == 0 else ""  # includes/_form.html
            form.fields[PREFIX + definition.key] = field


def changed_values(form: forms.Form) -> dict:
    """The editable custom values of a valid form, as stored: {key: value or None (cleared)}."""
    return {d.key: kinds.to_json(d, form.cleaned_data.get(PREFIX + d.key)) for d in form.custom_editable}


def merged_values(form: forms.Form, current: dict | None) -> dict:
    """The record's values after this form: its editable fields replaced, every other kept."""
    return registry.merge(current or {}, changed_values(form))


def custom_field_names(form) -> list[str]:
    return [name for name in form.fields if name.startswith(PREFIX)]


class DefinitionForm(forms.ModelForm):
    """Choices are typed one a line: `key | 中文 | English`."""

    choices_text = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the choice kinds, one a line: key | 中文 | English"),
    )

    class Meta:
        model = FieldDefinition
        fields = ["target", "key", "label_zh_hans", "label_en", "kind", "required", "help_text", "group", "order",
                  "see", "edit", "searchable", "list_column", "unique"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(
            f"{c['key']} | {c.get('zh_hans', '')} | {c.get('en', '')}" for c in self.instance.choices or [])
        self.fields["order"].required = False
        if self.instance.pk:  # the key and record stay: stored values and imports refer to them
            self.fields["key"].disabled = True
            self.fields["target"].disabled = True

    def clean_order(self):
        """Left empty: a new field goes last (services.save_definition), an edited one stays."""
        order = self.cleaned_data.get("order")
        return self.instance.order if order is None else order

    def clean_choices_text(self):
        choices, seen = [], set()
        for line in self.cleaned_data["choices_text"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            key = parts[0]
            if not key or key in seen or len(key) > 40:
                raise ValidationError(_("Each choice needs its own key (at most 40 characters): %(line)s"),
                                      params={"line": line[:60]}, code="choice_key")
            seen.add(key)
            zh = parts[1] if len(parts) > 1 and parts[1] else key
            choices.append({"key": key, "zh_hans": zh, "en": parts[2] if len(parts) > 2 and parts[2] else zh})
        return choices

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        choices = cleaned.get("choices_text") or []
        if kind in (FieldDefinition.Kind.CHOICE, FieldDefinition.Kind.MULTI_CHOICE) and not choices:
            self.add_error("choices_text", _("A choice field needs at least one choice."))
        if cleaned.get("unique") and kind and kind not in unique.UNIQUE_KINDS:
            self.add_error("unique", _("Only a short text, number, phone, e-mail or URL field can be unique."))
        if cleaned.get("unique") and cleaned.get("target", self.instance.target) != FieldDefinition.Target.CUSTOMER:
            self.add_error("unique", _("Only a customer's field takes part in the duplicate check."))
        elif cleaned.get("unique") and self.instance.pk and not self.initial.get("unique"):
            shared = unique.shared_values(self.instance)
            if shared:
                self.add_error("unique", _("%(count)s values are held by more than one customer (e.g. “%(value)s”): "
                                           "make them different first.") % {"count": len(shared), "value": shared[0]})
        if kind and self.instance.pk and kind != self.initial.get("kind"):
            self._check_kind_change(kind)
        if self.instance.pk and self.instance.choices and kind in (FieldDefinition.Kind.CHOICE,
                                                                   FieldDefinition.Kind.MULTI_CHOICE):
            kept = {c["key"] for c in choices}
            removed = [c["key"] for c in self.instance.choices if c["key"] not in kept]
            if removed and self._count_holding(lambda v: v in removed or (isinstance(v, list) and set(v) & set(removed))):
                self.add_error("choices_text", _("Records hold the choices %(keys)s: keep them (you may rename "
                                                 "their labels).") % {"keys": ", ".join(removed)})
        return cleaned

    def _check_kind_change(self, kind):
        definition = self.instance
        probe = FieldDefinition(**{f.attname: getattr(definition, f.attname) for f in FieldDefinition._meta.fields})
        probe.kind = kind
        probe.choices = self.cleaned_data.get("choices_text") or []
        bad = kinds.unreadable(probe, registry.stored_values(definition))
        if bad:
            self.add_error("kind", _("%(field)s: %(count)s records hold values that are not a %(kind)s; the kind "
                                     "stays as it is.") % {"field": definition.label, "count": bad,
                                                           "kind": probe.get_kind_display()})

    def _count_holding(self, test) -> int:
        return sum(1 for value in registry.stored_values(self.instance) if test(value))

    def save(self, commit=True):
        self.instance.choices = self.cleaned_data.get("choices_text") or []
        return super().save(commit=commit)



def pop_values(form: forms.Form, current: dict | None = None) -> dict:
    """A valid form's custom values merged into the record's `current` ones, taken out of its
    cleaned data (so the rest can be handed to a service as keyword arguments)."""
    values = merged_values(form, current)
    for name in custom_field_names(form):
        form.cleaned_data.pop(name, None)
    return values
