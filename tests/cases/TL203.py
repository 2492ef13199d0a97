# TL203 blocking-command-exceeds-socket-timeout: a blocking command that waits as long as
# the socket timeout, or longer, fails with TimeoutError instead of returning empty.
import redis
from redis.asyncio import Redis

# Blocking for as long as the socket timeout, or forever, is a finding.
r = redis.Redis(host="h", socket_timeout=2)
r.blpop("q", timeout=1)  # ok: returns before the socket times out
r.blpop("q", timeout=2)  # error: TL203 "after a few retries"
r.brpop("q")  # error: TL203 "`r.brpop()` blocks forever (timeout=0 (the default)), but its client has socket_timeout=2 (line 7)"
r.blmove("a", "b", 5)  # error: TL203
r.xread({"s": "$"}, block=1500)  # ok
r.xread({"s": "$"}, block=2000)  # error: TL203
r.xread({"s": "$"})  # ok: does not block

# Async clients are checked too.
ar = Redis(socket_timeout=1)


async def main():
    await ar.bzpopmin("z", timeout=10)  # error: TL203
