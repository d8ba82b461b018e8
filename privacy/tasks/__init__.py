"""Privacy's Celery tasks: building exports, expiring them, purging erased accounts and the
noisy answers of days gone."""

from privacy.tasks.erasure import *  # noqa: F403
from privacy.tasks.exports import *  # noqa: F403
from privacy.tasks.releases import *  # noqa: F403
