from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company (`manage.py seed_demo`): people, customers, follow-ups, plans, board."""

    name = "demo"
