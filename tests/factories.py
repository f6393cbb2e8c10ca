import factory

from accounts.models import SalesGroup, User
from crm.models import Customer

PASSWORD = "correct-horse-battery"


class SalesGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesGroup
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Group {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"张{n}")
    role = User.Role.SALESPERSON
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer created straight in the table (tests of services create through the service)."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}")
    company = factory.Sequence(lambda n: f"测试公司{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    created_by = factory.SelfAttribute("owner")
