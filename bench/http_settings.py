"""The settings the HTTP load run's gunicorn serves: the application's own, plus one minimal page
(bench/http_urls.py) that measures what the framework costs on this machine."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
