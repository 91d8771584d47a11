"""A small TCP proxy between the sync engine and PostgreSQL that cuts connections on demand.

The engine connects to the proxy's port instead of the server's; bytes pass through
unchanged (TLS included: the proxy never reads them), so a cut looks to both ends exactly
like a network drop: libpq sees the socket close mid-stream, the server sees its client
vanish and rolls back whatever transaction was open. No hook in the engine is needed.

`cut_after(n)` arms a cut: once `n` more bytes have passed (either direction, over all
connections), every open connection is closed at once. `cut_on_reply()` arms a cut at the
server's next answer: the request reaches the server, which acts on it, and its reply is lost
(an acknowledgement lost on the way back). `cut_now()` closes them all now.
`refuse(True)` makes new connections fail at once (the server "down").
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_CHUNK = 16384


class CuttingProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)  # so close() is noticed promptly
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._cut_in: int | None = None  # bytes left before the armed cut
        self._refusing = False
        self._cut_reply = False
        self._closed = False
        self.cuts = 0  # how many times connections were cut
        self.bytes = 0
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name="cutting-proxy")
        self._thread.start()

    # -- control -----------------------------------------------------------------------
    def cut_after(self, n_bytes: int) -> None:
        with self._lock:
            self._cut_in = max(0, n_bytes)

    def cut_on_reply(self) -> None:
        with self._lock:
            self._cut_reply = True

    def disarm(self) -> None:
        with self._lock:
            self._cut_in = None
            self._cut_reply = False

    def refuse(self, refusing: bool) -> None:
        with self._lock:
            self._refusing = refusing

    def cut_now(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
            self._cut_in = None
            if pairs:
                self.cuts += 1
        for pair in pairs:
            _close(*pair)

    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def close(self) -> None:
        self._closed = True
        self.cut_now()
        self._listener.close()
        self._thread.join(timeout=5)

    # -- plumbing ----------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                refusing = self._refusing
            if refusing:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, upstream)
            with self._lock:
                self._pairs.append(pair)
            for src, dst, replies in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pump, args=(pair, src, dst, replies),
                                 daemon=True, name="cutting-proxy-pump").start()

    def _pump(self, pair: tuple[socket.socket, socket.socket], src: socket.socket,
              dst: socket.socket, replies: bool) -> None:
        while True:
            try:
                data = src.recv(_CHUNK)
            except OSError:
                data = b""
            if not data:
                self._drop(pair)
                return
            cut_here = False
            with self._lock:
                self.bytes += len(data)
                if replies and self._cut_reply:
                    self._cut_reply = False
                    data, cut_here = b"", True
                elif self._cut_in is not None:
                    if len(data) > self._cut_in:
                        data = data[:self._cut_in]  # the stream stops mid-message
                        cut_here = True
                    else:
                        self._cut_in -= len(data)
            try:
                if data:
                    dst.sendall(data)
            except OSError:
                self._drop(pair)
                return
            if cut_here:
                self.cut_now()
                return

    def _drop(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            if pair in self._pairs:
                self._pairs.remove(pair)
        _close(*pair)


def _close(*socks: socket.socket) -> None:
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


@contextmanager
def cutting_proxy(target_host: str, target_port: int) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()
