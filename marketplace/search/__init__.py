"""The search's language: how listing text and what people type become comparable words
(`words.py`), and the words that name the same thing or a category (`synonyms.toml`,
`vocabulary.py`). Pure Python, so SQLite and PostgreSQL match alike
([decisions/search-language.md](../../docs/decisions/search-language.md))."""
