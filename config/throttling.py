"""DRF's rate throttles, counting per client address as `config.clients.client_ip` finds it
(DRF's own would trust `X-Forwarded-For` from anyone, so a forged header escapes the limit)."""

from __future__ import annotations

from rest_framework import throttling

from config.clients import client_ip


class _ByClientAddress:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(_ByClientAddress, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ByClientAddress, throttling.UserRateThrottle):
    pass
