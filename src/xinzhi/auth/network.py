"""Who is on the other end: the client's address and scheme, believing forwarded headers only
from configured proxies.

A request's ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are written by whoever sends it; they
say something only when the peer that connected is a reverse proxy we run (nginx). The proxies
are listed in ``XINZHI_TRUSTED_PROXIES`` (addresses or networks, comma-separated; default none,
:func:`xinzhi.config.server_limits`). From any other peer the headers are ignored: the peer's
own address is the client's (login throttling and the audit log use it), so rotating the header
changes nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from xinzhi import config

__all__ = ["client_ip", "is_trusted", "request_scheme"]


def is_trusted(address: str, proxies: Iterable[str]) -> bool:
    """Whether ``address`` is one of ``proxies`` (an address, a network such as
    ``10.0.0.0/8``, or an exact name such as ``testclient``).

    >>> is_trusted("10.1.2.3", ["127.0.0.1", "10.0.0.0/8"]), is_trusted("8.8.8.8", ["10.0.0.0/8"])
    (True, False)
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        ip = None
    for p in proxies:
        if p == address:
            return True
        if ip is None:
            continue
        try:
            if ip in ipaddress.ip_network(p, strict=False):
                return True
        except ValueError:
            continue
    return False


def _peer(request: Any) -> str:
    return str(request.client.host) if request.client else "unknown"


def client_ip(request: Any, proxies: Iterable[str] | None = None) -> str:
    """The client's address: the peer's, or — when the peer is a trusted proxy — the rightmost
    address of ``X-Forwarded-For`` that is not itself a trusted proxy.

    ``proxies`` defaults to ``XINZHI_TRUSTED_PROXIES``.
    """
    trusted = tuple(config.server_limits().trusted_proxies if proxies is None else proxies)
    peer = _peer(request)
    if not trusted or not is_trusted(peer, trusted):
        return peer
    chain = [
        a.strip()
        for h in request.headers.getlist("x-forwarded-for")
        for a in h.split(",")
        if a.strip()
    ]
    for address in reversed(chain):
        if not is_trusted(address, trusted):
            return address
    return chain[0] if chain else peer


def request_scheme(request: Any, proxies: Iterable[str] | None = None) -> str:
    """``https`` or ``http`` as the client used it: ``X-Forwarded-Proto`` from a trusted proxy,
    else the scheme of the connection."""
    trusted = tuple(config.server_limits().trusted_proxies if proxies is None else proxies)
    forwarded = request.headers.get("x-forwarded-proto")
    if forwarded and trusted and is_trusted(_peer(request), trusted):
        return str(forwarded.split(",")[-1].strip().lower())
    return str(request.url.scheme)
