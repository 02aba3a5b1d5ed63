"""The in-memory channel layer hands sends made in other threads to the loop serving the
sockets; a send that loop never takes must not hang the request that made it."""

from __future__ import annotations

import asyncio
import threading
import time

from plaza.core.layers import InMemoryChannelLayer


def _serving_loop_that_stops(
    layer: InMemoryChannelLayer,
) -> tuple[asyncio.AbstractEventLoop, threading.Thread, threading.Event]:
    """A loop that serves a socket (it received once), then is stuck until ``release``."""
    loop = asyncio.new_event_loop()
    started, release = threading.Event(), threading.Event()

    async def serve() -> None:
        await layer.send("socket-1", {"type": "hello"})
        await layer.receive("socket-1")  # the layer now knows this loop serves the sockets
        started.set()
        release.wait()  # blocked: it takes no hand-over until released

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(5)
    return loop, thread, release


def test_a_send_the_serving_loop_never_takes_is_dropped_after_the_timeout() -> None:
    layer = InMemoryChannelLayer()
    layer.handover_timeout = 0.5
    loop, thread, release = _serving_loop_that_stops(layer)
    asyncio.run(layer.group_add("space-1", "socket-1"))
    sent = threading.Event()

    def request_thread() -> None:  # a request thread's send
        asyncio.run(layer.group_send("space-1", {"type": "post.new"}))
        sent.set()

    threading.Thread(target=request_thread, daemon=True).start()
    assert sent.wait(3)  # it used to wait for ever
    release.set()
    thread.join(5)
    loop.run_until_complete(asyncio.sleep(0.01))  # the dropped send's cancellation
    loop.close()


def test_a_send_the_serving_loop_takes_reaches_the_socket() -> None:
    layer = InMemoryChannelLayer()
    loop = asyncio.new_event_loop()
    received: list[dict[str, str]] = []

    async def serve() -> None:
        received.append(await layer.receive("socket-1"))  # serving loop known from here on
        received.append(await layer.receive("socket-1"))

    async def first() -> None:
        await layer.send("socket-1", {"type": "hello"})

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    asyncio.run(first())
    thread.start()
    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        time.sleep(0.01)
    asyncio.run(layer.group_add("space-1", "socket-1"))
    asyncio.run(layer.group_send("space-1", {"type": "post.new"}))
    thread.join(5)
    loop.close()
    assert [m["type"] for m in received] == ["hello", "post.new"]


def test_reset_forgets_the_sockets_of_a_stopped_server() -> None:
    layer = InMemoryChannelLayer()
    asyncio.run(layer.group_add("space-1", "socket-1"))
    loop = asyncio.new_event_loop()
    layer._serving_loop = loop
    layer.reset()
    loop.close()
    assert not layer.groups and not layer.channels and layer._serving_loop is None
