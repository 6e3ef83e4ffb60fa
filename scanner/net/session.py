"""The requests Session the transport uses: pooled, cookie-less, its sockets under the watchdog."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from scanner.net.deadline import WATCHDOG
from scanner.net.results import HttpSettings


class _Watched(HTTPConnection):
    """A connection whose socket the current request's wall-clock limit can cut."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        WATCHDOG.attach(sock)  # before the TLS handshake, which a trickle could stretch too
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:  # a kept-alive connection serving another request
            WATCHDOG.attach(self.sock)
        super().request(*args, **kwargs)


class _WatchedTLS(_Watched, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Watched


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedTLS


_POOLS: Mapping[str, type[HTTPConnectionPool]] = {"http": _Pool, "https": _TLSPool}


class _Adapter(HTTPAdapter):
    """HTTPAdapter whose direct and HTTP-proxy connections are watched (SOCKS ones are not)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


def make_session(settings: HttpSettings) -> requests.Session:
    """A requests Session with a connection pool sized for the client's concurrency."""
    session = requests.Session()
    session.trust_env = settings.trust_env
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # APIs need no cookies
    pool = max(settings.workers, settings.per_host_limit, *settings.host_limits.values(), 1)
    adapter = _Adapter(pool_connections=32, pool_maxsize=pool, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    return session
