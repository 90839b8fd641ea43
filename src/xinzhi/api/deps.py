"""Request dependencies: the shared database, authentication, CSRF, and the actions a route
needs (asked of :mod:`xinzhi.auth.policy`).

Concurrency model
-----------------
DuckDB allows one writing *process* per file. The server opens the file once
(:class:`Database`, one ``duckdb.connect``) and gives each request its own cursor
(``con.cursor()``: a connection to the same database instance). Reads run concurrently and see
a consistent snapshot (MVCC); every write (imports, evaluations, accounts, sessions, audit) runs
under :attr:`Database.write_lock`, so two imports never interleave.

Stopping
--------
When the server stops, :meth:`Database.close` refuses new cursors (:class:`ServerClosing`),
waits :attr:`Database.close_grace` seconds for the cursors still in use (:meth:`Database.lease`:
every request's cursor, every page action's; a page whose client left, a long analysis), then
interrupts their queries (``cursor.interrupt()``) and closes the file. Closing the instance while a cursor's query runs would otherwise fail with
DuckDB's "connection is busy".
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, cast

import duckdb
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from xinzhi import config
from xinzhi.api.errors import ApiError
from xinzhi.auth import Session, lookup_session, network, secret_key, unsign
from xinzhi.auth.policy import Action, require
from xinzhi.errors import DataUnavailableError
from xinzhi.pipelines.warehouse import open_warehouse

__all__ = [
    "COOKIE_NAME",
    "CSRF_HEADER",
    "Cursor",
    "Database",
    "Db",
    "Evaluator",
    "ServerClosing",
    "WriteLock",
    "client_ip",
    "current_session",
    "get_cursor",
    "get_db",
    "permits",
    "request_scheme",
]

COOKIE_NAME = "xinzhi_session"
CSRF_COOKIE = "xinzhi_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_log = logging.getLogger(__name__)


class ServerClosing(DataUnavailableError):
    """The server is stopping: no new warehouse cursor is given out, and a query cut short by
    the stop (:meth:`Database.close`) ends in this error instead of a raw DuckDB one (the API
    answers 503)."""


class WriteLock:
    """The server's write lock (re-entrant) that counts the write sections it has ended.

    :attr:`generation` grows by one whenever a holder releases the lock, i.e. after every
    write of the server (imports, evaluations, accounts, sessions, audit entries, the web
    pages' writes: all take this lock). While the server runs no other process can write the
    warehouse (DuckDB's file lock), so a result computed at generation *g* stays right until
    the generation changes: the caches of :meth:`Database.cached` key on it.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.generation = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self.generation += 1  # still held: no other writer changes it concurrently
        self._lock.release()

    def __enter__(self) -> WriteLock:
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Database:
    """One DuckDB database instance shared by all requests, with a write lock and a cache.

    Parameters
    ----------
    path : path, optional
        Warehouse file (default :func:`xinzhi.config.db_path`). Created with the schema, the
        evaluation tables and the account tables if missing.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path = config.db_path(path)
        self.con = open_warehouse(self.path)
        self.write_lock = WriteLock()
        self.cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.secret = secret_key()
        self.limits: config.ServerLimits = config.server_limits()
        self._gc_frozen = False
        #: cursors given out and not yet garbage (interrupted by :meth:`close` if still busy)
        self._cursors: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
        self._state_lock = threading.Lock()
        self._idle = threading.Condition(self._state_lock)  # notified when a lease ends
        self._leases = 0
        self._closing = False

    #: Seconds :meth:`close` waits for running queries before it interrupts them (and again
    #: after the interrupt before it gives up with a warning).
    close_grace: float = 5.0

    @property
    def closing(self) -> bool:
        """Whether :meth:`close` has begun (new cursors are refused)."""
        return self._closing

    def freeze_gc(self) -> None:
        """Once per database, at the first request (when the app, the web pages and the
        libraries are loaded): collect, then move every object alive into the collector's
        permanent generation (:func:`gc.freeze`). Full collections then scan only what requests
        allocate instead of ~10⁵ long-lived objects, a pause of ~0.1 s that every in-flight
        request waited for (p95 latency under load)."""
        if not self._gc_frozen:
            self._gc_frozen = True
            gc.collect()
            gc.freeze()

    #: Entries kept by :meth:`cached` (least recently used evicted first).
    CACHE_SIZE = 512

    @property
    def generation(self) -> int:
        """Number of write sections ended so far (:class:`WriteLock`): part of the key of
        every cached result that depends on the warehouse's data."""
        return self.write_lock.generation

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor (own transaction context) on the shared database.

        Raises
        ------
        ServerClosing
            When the server is stopping (:meth:`close` has begun).
        """
        with self._state_lock:
            return self._new_cursor()

    def _new_cursor(self) -> duckdb.DuckDBPyConnection:
        """:meth:`cursor` for a caller holding ``_state_lock``."""
        if self._closing:
            raise ServerClosing("服务器正在关闭，不再接受新的数据仓库查询（请稍后重试）")
        cur = self.con.cursor()
        self._cursors.add(cur)
        return cur

    @contextmanager
    def lease(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A new cursor for a ``with`` block (one request, one page action), closed after it.

        :meth:`close` waits for the leases still held (and interrupts their queries after its
        grace period); a DuckDB error raised in the block while the server is stopping is
        :class:`ServerClosing` (the query was interrupted, or the database is closing).
        """
        with self._state_lock:
            cur = self._new_cursor()
            self._leases += 1
        try:
            try:
                yield cur
            except duckdb.Error as exc:
                if self._closing:
                    raise ServerClosing("服务器正在关闭，查询已中止（请稍后重试）") from exc
                raise
            finally:
                cur.close()
        finally:
            with self._state_lock:
                self._leases -= 1
                self._idle.notify_all()

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A new cursor held under :attr:`write_lock` for a ``with`` block (closed after it,
        also on errors): the shape of every write of the API."""
        with self.write_lock, self.lease() as cur:
            yield cur

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """Value of ``key`` in the in-memory cache, computed by ``make()`` on a miss.

        Keys of derived results include what makes them immutable (e.g. the evaluation's name
        and creation time), so entries never go stale; the least recently used entry is evicted
        beyond :attr:`CACHE_SIZE` entries.
        """
        with self._cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        value = make()
        with self._cache_lock:
            self.cache[key] = value
            while len(self.cache) > self.CACHE_SIZE:
                self.cache.popitem(last=False)
        return value

    def peek(self, key: Any) -> Any:
        """The cached value of ``key`` or None (no computation; marks it recently used)."""
        with self._cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        return None

    def close(self) -> None:
        """Close the database after the queries still running; objects frozen by
        :meth:`freeze_gc` return to the collector.

        New cursors are refused from now on (:class:`ServerClosing`). The close waits up to
        :attr:`close_grace` seconds for the cursors of :meth:`lease` still in use (requests,
        page actions in worker threads); then it interrupts every cursor still alive
        (``cursor.interrupt()``: its query ends in its own thread, where :meth:`lease` turns
        the error into :class:`ServerClosing`) and waits up to :attr:`close_grace` seconds
        more. DuckDB refuses to close the instance while a cursor executes ("connection is
        busy"): a cursor taken with :meth:`cursor` outside :meth:`lease` that still runs is
        interrupted and the close retried. Should a query ignore the interrupt, one warning is
        logged and the file is left to the process exit. A second call does nothing.
        """
        with self._state_lock:
            if self._closing:
                return
            self._closing = True
            idle = self._idle.wait_for(lambda: self._leases == 0, self.close_grace)
        if not idle:
            self._interrupt_cursors()
            with self._state_lock:
                idle = self._idle.wait_for(lambda: self._leases == 0, self.close_grace)
        if not idle:
            _log.warning(
                "数据仓库 %s 未能关闭：%d 个查询在中断后 %.0f 秒仍未结束",
                self.path,
                self._leases,
                self.close_grace,
            )
            return
        deadline = time.monotonic() + self.close_grace
        interrupted = False
        while True:
            try:
                self.con.close()
                break
            except duckdb.ResourceInUseException:  # a cursor outside lease() still runs
                if not interrupted:
                    interrupted = True
                    self._interrupt_cursors()
                elif time.monotonic() > deadline:
                    _log.warning("数据仓库 %s 未能关闭：仍有查询在运行", self.path)
                    return
                time.sleep(0.02)
        if self._gc_frozen:
            gc.unfreeze()

    def _interrupt_cursors(self) -> None:
        """Interrupt the query of every cursor still alive (idle or closed ones ignore it)."""
        for cur in list(self._cursors):
            try:
                cur.interrupt()
            except duckdb.Error:  # already closed
                pass


async def get_db(request: Request) -> Database:
    """The app's database (async: no work, so FastAPI needs no worker thread for it)."""
    db: Database = request.app.state.db
    db.freeze_gc()
    return db


Db = Annotated[Database, Depends(get_db)]


async def get_cursor(db: Db) -> AsyncIterator[duckdb.DuckDBPyConnection]:
    """One cursor per request, closed afterwards (async: creating a cursor does not block, and
    a sync generator dependency would cost two worker-thread round trips per request)."""
    with db.lease() as cur:  # the server's stop waits for it (Database.close)
        yield cur


Cursor = Annotated[duckdb.DuckDBPyConnection, Depends(get_cursor)]

_bearer = HTTPBearer(auto_error=False, description="POST /api/auth/token 获得的令牌")


def client_ip(request: Request) -> str:
    """Client address (:func:`xinzhi.auth.network.client_ip`: ``X-Forwarded-For`` believed only
    from the proxies in ``XINZHI_TRUSTED_PROXIES``)."""
    return network.client_ip(request, request.app.state.db.limits.trusted_proxies)


def request_scheme(request: Request) -> str:
    """``https`` / ``http`` as the client used it (:func:`xinzhi.auth.network.request_scheme`)."""
    return network.request_scheme(request, request.app.state.db.limits.trusted_proxies)


async def _cached_session(
    db: Database, cur: duckdb.DuckDBPyConnection, raw: str, kind: str
) -> Session | None:
    """:func:`~xinzhi.auth.lookup_session`, remembered until the next write
    (:attr:`Database.generation`: a logout, a disabled account or a new password is a write)
    and never past the session's expiry. Unknown tokens are not remembered. A remembered
    session costs no worker thread; a lookup runs in one."""
    key = ("session", db.generation, kind, hashlib.sha256(raw.encode("utf-8")).hexdigest())
    hit = db.peek(key)
    if hit is not None and hit.expires_at > datetime.now(UTC).replace(tzinfo=None):
        return cast(Session, hit)
    s = await run_in_threadpool(lookup_session, cur, raw, kind)
    if s is not None:
        db.cached(key, lambda: s)
    return s


async def current_session(
    request: Request,
    db: Db,
    cur: Cursor,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Session:
    """The session of the request: a bearer token, else the signed session cookie.

    A cookie-authenticated request with a state-changing method must carry the session's CSRF
    token in ``X-CSRF-Token`` (bearer requests are exempt: browsers never add them on their own).
    """
    if credentials is not None:
        s = await _cached_session(db, cur, credentials.credentials, "bearer")
        if s is None:
            raise ApiError(401, "invalid_token", "令牌无效或已过期（请重新获取令牌）")
        return s
    cookie = request.cookies.get(COOKIE_NAME)
    if cookie:
        sid = unsign(cookie, db.secret)
        s = await _cached_session(db, cur, sid, "cookie") if sid else None
        if s is not None:
            if request.method not in _SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER, "")
                if not s.csrf_token or not hmac.compare_digest(sent, s.csrf_token):
                    raise ApiError(403, "csrf_failed", "缺少或错误的 CSRF 令牌（X-CSRF-Token）")
            return s
    raise ApiError(401, "unauthenticated", "未登录或登录已过期（请先登录）")


CurrentSession = Annotated[Session, Depends(current_session)]


def permits(action: Action) -> Callable[..., Awaitable[Session]]:
    """Dependency: the access policy must allow the session's user ``action``
    (:func:`xinzhi.auth.policy.require`; refused: 403 ``forbidden``)."""

    async def check(session: CurrentSession) -> Session:  # async: no I/O, no worker thread
        require(session.user, action)
        return session

    return check


AnyUser = CurrentSession
Evaluator = Annotated[Session, Depends(permits(Action.RUN_EVALUATION))]
Admin = Annotated[Session, Depends(permits(Action.ADMINISTER))]
