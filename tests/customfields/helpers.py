from customfields.models import FieldDefinition

Kind = FieldDefinition.Kind


def define(key, kind=Kind.TEXT, *, target="customer", **options) -> FieldDefinition:
    options.setdefault("label_zh_hans", key)
    options.setdefault("label_en", key)
    return FieldDefinition.objects.create(target=target, key=key, kind=kind, **options)


INDUSTRY_CHOICES = [{"key": "retail", "zh_hans": "零售", "en": "Retail"},
                    {"key": "factory", "zh_hans": "制造", "en": "Manufacturing"}]
