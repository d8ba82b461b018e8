"""The demo community: a development-only app. Its story lives in `demo/data/`; see `demo.people`
for how `manage.py seed_demo` runs."""
