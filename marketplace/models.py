"""Models of the marketplace app."""
