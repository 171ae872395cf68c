"""A tiny door behind `mock_server.server.front.Front`, for the front's live tests: the path
names the fault the answer asks for (`/delay/<seconds>`, `/drop`); `/echo` answers the body,
`/boom` fails."""

from __future__ import annotations

from mock_server.http.messages import Answer, ApiRequest, Break, ConnectionFault
from mock_server.server.front import Front


class Target:
    def handle(self, request: ApiRequest) -> Answer:
        path = request.path
        fault = None
        if path.startswith("/delay/"):
            fault = ConnectionFault(delay=float(path.removeprefix("/delay/")))
        elif path == "/drop":
            fault = ConnectionFault(kind=Break.TRUNCATED)
        elif path == "/boom":
            raise RuntimeError("a bug around the app")
        body = request.body if path == "/echo" else path.encode()
        return Answer(200, [("Content-Type", "text/plain")], body, fault)


front = Front(None, door=Target(), door_prefixes=("/",), read_timeout=3)
