from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo: builds fictitious data through the domain apps' services. It sits
    above every domain app, so no domain app depends on it."""

    name = "demo"
    verbose_name = "Démonstration"
