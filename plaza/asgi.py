"""ASGI entry: WebSocket through Channels, HTTP through the WSGI app on a reused thread pool.

Django's ASGI handler spawns a thread per sync request (measured 5-10x slower here), so
pages and API go through a2wsgi's pool instead; Channels handles only /ws/.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

get_asgi_application()  # sets Django up before the imports below touch models

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from plaza.core.consumers import SameOriginOnly  # noqa: E402
from plaza.routing import websocket_urlpatterns  # noqa: E402
from plaza.wsgi import application as wsgi_application  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": WSGIMiddleware(wsgi_application, workers=int(os.environ.get("PLAZA_THREADS", "16"))),  # type: ignore[arg-type]
        "websocket": SameOriginOnly(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
