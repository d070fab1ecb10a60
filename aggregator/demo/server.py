"""Serve a `NewsSite` over HTTP on 127.0.0.1 from a background thread.

A threaded server with a large listen backlog: `python -m http.server` keeps
a backlog of 5 and stalls about a second under concurrency 8. The server
counts requests per path and the most requests it had open at once, which
tests use to check incremental crawling and per-domain politeness.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

from aggregator.demo.site import NewsSite


class _Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up (timeouts, cancelled downloads) are normal here: stay quiet."""


class SiteServer:
    """A running server for one site; use as a context manager or call `close()`."""

    def __init__(
        self, site: NewsSite, *, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0
    ) -> None:
        self.site = site
        self.delay = delay
        self.hits: Counter[str] = Counter()
        self.open_requests = 0
        self.max_open_requests = 0
        self._lock = threading.Lock()
        self._httpd = _Server((host, port), self._handler_class())
        bound_host, bound_port = self._httpd.server_address[:2]
        self.url = f"http://{bound_host!s}:{bound_port}"
        site.base_url = self.url
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._serve(self)

            def log_message(self, format: str, *args: object) -> None:
                """Silence per-request logging."""

        return Handler

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.hits[handler.path] += 1
            self.open_requests += 1
            self.max_open_requests = max(self.max_open_requests, self.open_requests)
        try:
            if self.delay:
                time.sleep(self.delay)
            response = self.site.handle(handler.path)
            handler.send_response(response.status)
            for name, value in response.headers.items():
                handler.send_header(name, value)
            if "Content-Length" not in response.headers:
                handler.send_header("Content-Length", str(len(response.body)))
            handler.end_headers()
            handler.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.open_requests -= 1

    def hits_for(self, path: str) -> int:
        """How many times `path` (with its query) was requested."""
        return self.hits[path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
