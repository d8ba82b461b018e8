"""Erasure tasks."""
