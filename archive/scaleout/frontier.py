"""Which workers are alive, and when a crawl over the shared frontier starts afresh.

scrapy-redis keeps the frontier (request queue and request fingerprints) in Redis for as long
as workers use it. A worker that starts while no other is alive and every request queue is
empty starts a new crawl: the fingerprints of the last one are dropped, so a re-run of the same
command fetches again what a killed worker had taken from the queue and never fetched (URLs
archived meanwhile are skipped through the seen-set). Liveness is a heartbeat per worker in a
sorted set; a worker whose heartbeat is older than ``ttl`` seconds counts as dead.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from archive.scaleout.keys import RedisKeys

HEARTBEAT_TTL = 15.0  # seconds without a heartbeat after which a worker counts as dead

# Atomic: drop dead workers; if none is alive and no queue holds a request, delete the
# fingerprints; register this worker. Returns 1 for a fresh crawl.
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local fresh = 0
if redis.call('ZCARD', KEYS[1]) == 0 then
  local cursor, pending = '0', 0
  repeat
    local page = redis.call('SCAN', cursor, 'MATCH', ARGV[4], 'COUNT', 1000)
    cursor = page[1]
    for _, key in ipairs(page[2]) do pending = pending + redis.call('ZCARD', key) end
  until cursor == '0'
  if pending == 0 then
    fresh = 1
    repeat
      local page = redis.call('SCAN', cursor, 'MATCH', ARGV[5], 'COUNT', 1000)
      cursor = page[1]
      for _, key in ipairs(page[2]) do redis.call('DEL', key) end
    until cursor == '0'
  end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
return fresh
"""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Frontier:
    """A worker's membership of the fleet: ``join`` once, ``beat`` every few seconds, ``leave``."""

    def __init__(self, client: Any, keys: RedisKeys = RedisKeys(), ttl: float = HEARTBEAT_TTL, name: str = ""):
        self.client = client
        self.keys = keys
        self.ttl = ttl
        self.name = name or worker_id()
        self._join = client.register_script(_JOIN)

    def join(self) -> bool:
        """Register this worker; True if it starts a new crawl (the old fingerprints were dropped)."""
        pattern = self.keys.requests % {"spider": "*"}
        fingerprints = self.keys.dupefilter + ":*"  # the monthly sets (pipelines/frontier.py)
        args = [time.time(), self.ttl, self.name, pattern, fingerprints]
        return bool(self._join(keys=[self.keys.workers], args=args))

    def beat(self) -> None:
        self.client.zadd(self.keys.workers, {self.name: time.time()})

    def leave(self) -> None:
        self.client.zrem(self.keys.workers, self.name)

    def alive(self) -> int:
        return int(self.client.zcount(self.keys.workers, time.time() - self.ttl, "+inf"))

    def pending(self) -> int:
        """Requests waiting in every spider's queue."""
        pattern = self.keys.requests % {"spider": "*"}
        return sum(int(self.client.zcard(key)) for key in self.client.scan_iter(match=pattern, count=1000))
