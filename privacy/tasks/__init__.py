"""Privacy's Celery tasks: building exports, expiring them, purging erased accounts."""

from privacy.tasks.erasure import *  # noqa: F403
from privacy.tasks.exports import *  # noqa: F403
