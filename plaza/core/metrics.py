"""Prometheus metrics: what an operator watches (docs/operations.md).

Counters and histograms live in each server process (Prometheus scrapes every ``plaza
serve``); the task queue's depth and failures are read from the database at scrape time,
so they are the same whichever process answers. ``/metrics`` answers only a request with
``PLAZA_METRICS_TOKEN`` as its bearer token or from an address in ``PLAZA_METRICS_ALLOW``;
everyone else gets 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter("plaza_http_requests", "HTTP requests by route pattern, method and status.", ["route", "method", "status"])
LATENCY = Histogram(
    "plaza_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SOCKETS = Gauge("plaza_websockets_open", "WebSocket connections open in this process.")
FANNED_OUT = Counter("plaza_realtime_messages", "Live events sent to the channel layer, by kind of group.", ["group"])
EMAILS = Counter("plaza_emails_sent", "Emails handed to the mail server (or console) by this process.")
WEBHOOKS = Counter("plaza_webhook_attempts", "Webhook delivery attempts made by this process, by result.", ["status"])

UNMATCHED = "<unmatched>"
logger = logging.getLogger("plaza.metrics")


class TaskQueueCollector(Collector):
    """Queue depth and failed tasks, counted in the database when scraped."""

    FAMILIES = (
        ("plaza_tasks_queued", "Background tasks waiting in the queue (ready or scheduled).", "READY"),
        ("plaza_tasks_running", "Background tasks being run by a worker now.", "RUNNING"),
        ("plaza_tasks_failed", "Background tasks whose run failed (kept in the queue's table).", "FAILED"),
    )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Named without a query: the registry asks at import time, before the database is ready.
        for name, documentation, _status in self.FAMILIES:
            yield GaugeMetricFamily(name, documentation)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
        counts = dict(rows)
        for name, documentation, status in self.FAMILIES:
            yield GaugeMetricFamily(name, documentation, value=counts.get(status, 0))


_collector = TaskQueueCollector()
REGISTRY.register(_collector)


@cache
def _children(route: str, method: str, status: int) -> tuple[Any, Any]:
    # The labelled children once per (route, method, status): the middleware then costs two
    # clock reads, one dict lookup, one increment and one observation per request.
    return REQUESTS.labels(route, method, str(status)), LATENCY.labels(route, method)


class MetricsMiddleware:
    """Counts every request under its resolved route pattern, never its raw path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = match.route if match is not None else UNMATCHED
        method = request.method if request.method in _METHODS else "other"
        counter, histogram = _children(route, method, response.status_code)
        counter.inc()
        histogram.observe(time.perf_counter() - started)
        return response


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


@cache
def _allowed_networks(entries: tuple[str, ...]) -> tuple[Any, ...]:
    networks = []
    for entry in (e.strip() for e in entries):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            if entry:
                logger.error("PLAZA_METRICS_ALLOW: %r is not an address or network; ignored", entry)
    return tuple(networks)


def may_read_metrics(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    networks = _allowed_networks(tuple(settings.METRICS_ALLOW))
    if not networks:
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in networks)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, or 404 for those not configured to read them."""
    from django.http import Http404

    if not may_read_metrics(request):
        raise Http404()
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def group_kind(group: str) -> str:
    return group.split(".", 1)[0]


class CountingEmailBackend:
    """Wraps the configured email backend and counts the messages it sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.core.mail import get_connection

        self.inner = get_connection(settings.PLAZA_INNER_EMAIL_BACKEND, *args, **kwargs)

    def open(self) -> Any:
        return self.inner.open()

    def close(self) -> Any:
        return self.inner.close()

    def __enter__(self) -> CountingEmailBackend:
        self.inner.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.inner.__exit__(*exc)

    def send_messages(self, messages: Any) -> int:
        sent = self.inner.send_messages(messages) or 0
        if sent:
            EMAILS.inc(sent)
        return sent
