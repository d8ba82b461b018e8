"""Marketplace Celery tasks: thin wrappers over services (see each feature's service module)."""
