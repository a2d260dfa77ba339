from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        # Registers the tasks that workshops.outbox.enqueue names, in every process (web
        # servers too, not only workers, which find them by autodiscovery).
        from workshops import tasks  # noqa: F401
