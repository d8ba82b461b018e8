"""Recommendation Celery tasks: thin wrappers over the computations."""
