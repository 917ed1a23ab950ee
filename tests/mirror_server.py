"""A local HTTP server for mirror tests: serves a directory on 127.0.0.1, with ETags, and logs requests.

It also answers as an HTTP proxy does (an absolute URL in the request line), so that proxy variables
can be tested without the network.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
from dataclasses import dataclass, field


@dataclass
class Logged:
    path: str
    status: int
    headers: dict[str, str]


@dataclass
class MirrorServer:
    root: str
    port: int = 0
    log: list[Logged] = field(default_factory=list)
    cut_after: int | None = None  # send only this many bytes of a body (then close): a broken download
    _server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MirrorServer:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                if path.startswith("http://"):  # as a proxy: the absolute URL's path
                    path = "/" + path.split("/", 3)[3]
                local = os.path.join(owner.root, path.lstrip("/"))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if not os.path.isfile(local):
                    owner.log.append(Logged(path, 404, headers))
                    self.send_error(404)
                    return
                with open(local, "rb") as handle:
                    body = handle.read()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if headers.get("if-none-match") == etag:
                    owner.log.append(Logged(path, 304, headers))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                owner.log.append(Logged(path, 200, headers))
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if owner.cut_after is not None and len(body) > owner.cut_after:
                    self.wfile.write(body[: owner.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def gets(self, suffix: str = "") -> list[Logged]:
        return [entry for entry in self.log if entry.path.endswith(suffix)]
