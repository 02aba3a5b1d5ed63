"""ASGI entry: WebSocket through Channels, HTTP through the WSGI app on a reused thread pool.

Django's ASGI handler spawns a thread per sync request (measured 5-10x slower here), so
pages and API go through a2wsgi's pool instead; Channels handles only /ws/.
"""

from __future__ import annotations

import os
import signal
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")


def _die_with_the_supervisor() -> None:
    """A worker of ``plaza serve --workers N`` is killed when its supervisor dies.

    uvicorn stops its workers itself on SIGTERM or Ctrl-C; but a supervisor killed outright
    (kill -9, the OOM killer) left them serving on the shared socket, orphans that nothing
    stops or restarts. Linux's PR_SET_PDEATHSIG kills them with it, as if the whole server
    had been killed (plaza/core/tests/test_crashes.py).
    """
    supervisor = os.environ.get("PLAZA_SUPERVISOR_PID", "")
    if not supervisor.isdigit() or int(supervisor) == os.getpid() or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != int(supervisor):  # it died before the line above
        os.kill(os.getpid(), signal.SIGKILL)


_die_with_the_supervisor()

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
