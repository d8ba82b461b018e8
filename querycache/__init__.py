"""Id-list lookups, queries compiled once, and cache keys that move with their rows.

`lookups`: `field__any=ids` and `field__any_unindexed=ids` (one array parameter instead of a
placeholder per id), registered when the app is ready. `prepared`: `Prepared`, a `values_list`
query compiled once and run with new lists. `versions`: `version`/`move_versions` (cache keys that
change when the rows behind them change) and `LocalMemo` (a process's bounded copy of values kept
under such keys). Why each exists and how each is kept correct: docs/query-cache.md.
"""
