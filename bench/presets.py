"""Data-set sizes and measurement lengths of each preset."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Preset:
    name: str
    people: int
    spaces: int
    teams_per_space: int
    posts: int
    likes: int
    comments: int
    notifications: int
    rounds: int  # interleaved rounds of every HTTP measurement (medians are quoted)
    seconds: int  # length of one wrk measurement
    connections: int  # wrk connections for the throughput measurements
    fanout: int  # WebSocket receivers of one message (G6)
    idle_sockets: int  # idle WebSockets for the memory figure (G7)
    mixed_people: int  # simulated people in the mixed scenario (G8)
    mixed_seconds: int
    ws_messages: int  # messages sent per fan-out measurement
    heavy_readers: int = 0  # the last people, who each liked ``heavy_likes`` posts (G1 for a heavy reader)
    heavy_likes: int = 0


PRESETS = {
    "smoke": Preset("smoke", people=200, spaces=5, teams_per_space=2, posts=2_000, likes=4_000, comments=2_000,
                    notifications=2_000, rounds=1, seconds=2, connections=8, fanout=100, idle_sockets=100,
                    mixed_people=20, mixed_seconds=3, ws_messages=5, heavy_readers=4,
                    heavy_likes=250),
    "ci": Preset("ci", people=1_000, spaces=20, teams_per_space=2, posts=100_000, likes=300_000, comments=100_000,
                 notifications=20_000, rounds=3, seconds=8, connections=16, fanout=1_000, idle_sockets=1_000,
                 mixed_people=200, mixed_seconds=20, ws_messages=20, heavy_readers=16, heavy_likes=3_000),
    "full": Preset("full", people=10_000, spaces=100, teams_per_space=10, posts=1_000_000, likes=3_000_000,
                   comments=1_000_000, notifications=200_000, rounds=3, seconds=8, connections=16, fanout=1_000,
                   idle_sockets=1_000, mixed_people=200, mixed_seconds=20, ws_messages=20, heavy_readers=16,
                   heavy_likes=3_000),
}


def get_preset(name: str, *, posts: int | None = None) -> Preset:
    """The named preset; ``posts`` overrides its post count (the G3 scaling runs), keeping its
    likes and comments per post (a 10M-post data set of the ``ci`` preset has 30M likes)."""
    preset = PRESETS[name]
    if posts:
        preset = replace(preset, name=f"{name}-{posts}", posts=posts, likes=preset.likes * posts // preset.posts,
                         comments=preset.comments * posts // preset.posts)
    return preset
