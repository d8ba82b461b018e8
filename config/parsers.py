"""The API's JSON parser (every API view reads JSON with it: `DEFAULT_PARSER_CLASSES`, and
the views that name their parsers import it from here)."""

from __future__ import annotations

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested deeper than Python's recursion limit (a body of
    100,000 "[") refused as malformed, a 400, like any other JSON that cannot be read."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(
                "JSON parse error - the JSON is nested too deeply."
            ) from error
