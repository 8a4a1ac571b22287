from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle"

    def ready(self):
        # Fail at start-up, not at the first identity opened, if the keyring is unusable.
        from core import checks, crypto  # noqa: F401 - checks registers the start-up checks

        crypto.keyring()
