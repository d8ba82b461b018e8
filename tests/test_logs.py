"""Logs as one JSON line per event (config/logs.py), production's default."""

from __future__ import annotations

import json
import logging
import sys

from config.logs import JSONFormatter
from tests.test_settings import production_env, settings_with


def line_for(record: logging.LogRecord) -> dict:
    text = JSONFormatter().format(record)
    assert "\n" not in text
    return json.loads(text)


def test_an_event_is_one_json_line_with_its_fields():
    record = logging.makeLogRecord(
        {
            "name": "bazaar.mail",
            "levelname": "ERROR",
            "levelno": 40,
            "msg": "Sending %s failed",
            "args": ("notice 7",),
            "attempt": 3,
        }
    )
    line = line_for(record)
    assert (line["level"], line["logger"], line["message"]) == (
        "ERROR",
        "bazaar.mail",
        "Sending notice 7 failed",
    )
    assert line["attempt"] == 3 and line["time"].endswith("+00:00")


def test_an_exception_stays_on_the_same_line():
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    line = line_for(record)
    assert "ValueError: bad\nthing" in line["exception"]


def test_production_logs_json_and_development_plain(tmp_path):
    assert settings_with(**production_env(tmp_path))["log_format"] == "json"
    assert settings_with()["log_format"] == "plain"
