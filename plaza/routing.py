"""WebSocket routes: one socket per client at /ws/."""

from __future__ import annotations

from django.urls import path

from plaza.core.consumers import PlazaConsumer

websocket_urlpatterns = [path("ws/", PlazaConsumer.as_asgi())]
