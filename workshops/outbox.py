"""Background work that a write asks for: a named job, handed to Celery once the write commits.

Services name the job (a task in ``workshops.tasks``) and the ids it needs, never the task
itself, so services never import tasks: tasks import services. A rollback sends nothing.
"""

from celery import current_app
from django.db import transaction

TASKS_MODULE = "workshops.tasks"


def enqueue(job: str, **ids: int) -> None:
    """Run the task ``job`` with ``ids`` as keyword arguments after the caller's transaction
    commits (at once when there is none)."""
    task_name = f"{TASKS_MODULE}.{job}"
    transaction.on_commit(lambda: current_app.tasks[task_name].apply_async(kwargs=ids))
