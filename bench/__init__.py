"""Plaza's benchmark harness: `plaza bench` (docs/benchmarks.md).

Seeds a deterministic data set by bulk SQL, starts the servers it measures, loads them with
``wrk`` (HTTP) and a Python WebSocket client, and reports every figure as a ratio to a
baseline measured in the same run.
"""
