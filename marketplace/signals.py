"""Signals the marketplace sends for apps to its right (which may not be imported from here)."""

from django.dispatch import Signal

# Sent when a signed-in person opens a listing page: `sender` is the Listing class,
# `viewer` and `listing` the two. Recommendations record the view, if its owner allows it.
listing_viewed = Signal()
