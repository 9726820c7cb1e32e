"""The one way a service asks a worker to do something: by the task's registered name.

Services never import a Celery task module (tasks are thin entry points that import services, so
the other direction would be a circle). A request that cannot reach the broker (Redis down) must
not fail the write that asked for it: it is logged, and the periodic beat catches up (the daily
scan delivers, queued exports are picked up every 15 minutes)."""

from __future__ import annotations

import logging

from celery import current_app

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args) -> bool:
    """Send the task named ``task_name`` with ``args``; False (and a warning) if the broker is away."""
    try:
        # By name: the sending process need not have imported the task's module (a web process
        # imports only what its pages use); the worker has every task.
        current_app.send_task(task_name, args=args)
    except Exception as error:  # kombu raises OperationalError and friends when the broker is away
        logger.warning("could not enqueue %s%s (the next periodic run will catch up): %s", task_name, args, error)
        return False
    return True
