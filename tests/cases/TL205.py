# TL205 redis-client-without-timeouts: a redis-py client (before 8) with no socket timeouts.
# case: redis-version = "==5.0.8"
import os

import fakeredis
import redis
import redis.asyncio
from redis import ConnectionPool
from rq import Worker

# A socket_timeout also bounds the connect, so nothing is reported.
a = redis.Redis(host="h", socket_timeout=5)  # ok
b = redis.from_url("redis://h", socket_timeout=5)  # ok
c = redis.ConnectionPool(host="h", socket_timeout=5)  # ok
d = redis.asyncio.Redis(host="h", socket_timeout=5)  # ok
e = redis.from_url("redis://h?socket_timeout=5")  # ok

# A socket_timeout the rule cannot evaluate is not reported.
f = redis.Redis(host="h", socket_timeout=float(os.environ["T"]))  # ok

# The clients of an RQ worker keep their socket_timeout unset.
conn = redis.Redis(host="h", socket_connect_timeout=5)  # ok
Worker(["q"], connection=conn).work()

# A pool of connections that are not redis-py's is not reported.
fake = ConnectionPool(connection_class=fakeredis.FakeConnection, server=None)  # ok
tls = ConnectionPool(host="h", connection_class=redis.SSLConnection)  # error: TL205


# A pool of a local subclass of a redis-py connection is reported.
class TracedConnection(redis.Connection):
    pass


class Traced(TracedConnection):
    pass


pool = redis.ConnectionPool(connection_class=Traced, db=4)  # error: TL205


# A client that one assignment of an attribute builds, and that the attribute serves pub/sub
# with, needs only a connect timeout (the attribute may also hold a client passed in).
class Broadcaster:
    def __init__(self, url=None, conn=None):
        if url is None:
            self.conn = conn
        else:
            self.conn = redis.Redis.from_url(url)  # error: TL205 "connecting over TCP to an unreachable server"
        self.pubsub = self.conn.pubsub()


# A Unix domain socket has no unreachable host to wait for: only the read is reported.
local = redis.Redis.from_url("unix:///run/redis/redis.sock")  # error: TL205 "waits forever (redis-py"
local.set("k", "v")
listener = redis.Redis(unix_socket_path="/run/redis/redis.sock")  # ok
listener.pubsub()


async def async_module_factory():
    from redis import asyncio as aioredis

    return aioredis.from_url("redis://h")  # error: TL205 "`redis.asyncio.from_url()` has no"


# The pool name is assigned on two branches: the model reads its last assignment, but the
# client that serves BRPOP may get either pool, so neither is asked for a socket_timeout.
class Storage:
    client_class = redis.Redis

    def __init__(self, url=None, connection_pool=None, **params):
        if url:
            connection_pool = redis.ConnectionPool.from_url(url)  # error: TL205 "connecting over TCP to an unreachable server"
        elif connection_pool is None:
            connection_pool = redis.ConnectionPool(**params)  # ok: its settings are unknown
        self.conn = self.client_class(connection_pool=connection_pool)

    def dequeue(self):
        return self.conn.brpop("queue", timeout=0)


# The pool reaches the client through a dict splatted into `Redis(**parameters)`, which the
# model cannot follow; the class's BRPOPLPUSH may be served by it, so only its connect is reported.
class ResultBackend:
    def __init__(self, *, client=None, url=None, **parameters):
        if url is not None:
            parameters["connection_pool"] = redis.ConnectionPool.from_url(url)  # error: TL205 "connecting over TCP to an unreachable server"
        self.client = client or redis.Redis(**parameters)

    def get_result(self, key, timeout=0):
        return self.client.brpoplpush(key, key, timeout)


class Broker:
    def __init__(self, *, client=None, url=None, **parameters):
        if url is not None:
            parameters["connection_pool"] = redis.ConnectionPool.from_url(url)  # error: TL205 "waits forever, and connecting over TCP"
        self.client = client or redis.Redis(**parameters)

    def enqueue(self, message):
        self.client.lpush("queue", message)


class Tasks:
    def __init__(self, client=None, host="redis"):
        self.queue = client or redis.Redis(host=host)  # error: TL205 "connecting to an unreachable server"
        self.cache = redis.Redis(host=host)  # error: TL205 "waits forever, and connecting"

    def next_task(self):
        return self.queue.blpop("tasks", timeout=0)

    def remember(self, key, value):
        self.cache.set(key, value)
