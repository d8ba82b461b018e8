"""The address of the person at the other end of a request, for rate limits and the audit log.

Behind a TLS proxy or load balancer every request comes from the proxy's address; the client's
is in `X-Forwarded-For`, which anyone can also send. So the header is read only when the request
comes from a proxy named in `TRUSTED_PROXIES` (addresses or networks), and then from the right:
the first address that is not one of those proxies is the client's (what a client writes at the
left of the header is theirs to invent). With no trusted proxies, the header is ignored."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(proxy, strict=False) for proxy in proxies)


def _parsed(address: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(address)
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address | None) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: `REMOTE_ADDR`, or behind a trusted proxy the right-most address in
    `X-Forwarded-For` that is not a trusted proxy. None when there is none."""
    if request is None:
        return None
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(_parsed(remote)):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        parsed = _parsed(hop)
        if parsed is None:
            return remote  # a header the proxy did not write as it should: trust nothing in it
        if not _trusted(parsed):
            return hop
    return remote
