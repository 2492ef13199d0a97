# TL301 sync-pubsub-in-async, TL302 sync-redis-blocking-call-in-async, TL303 sync-redis-call-in-async:
# a sync redis-py call inside `async def` holds the event loop while it waits on the network.
# case: select = ["TL3"]
import asyncio

import anyio
import redis
import redis.asyncio as aioredis
from starlette.concurrency import run_in_threadpool

r = redis.Redis()


# Blocking commands, pub/sub reads and ordinary calls each get their own rule.
async def main():
    r.blpop("q", timeout=3)  # error: TL302 "freezes the event loop up to 3 s (timeout=3)"
    r.xread({"s": "$"}, block=100)  # error: TL302
    r.xread({"s": "$"})  # error: TL303
    r.get("k")  # error: TL303
    p = r.pubsub()  # ok: makes no call to the server
    p.get_message(timeout=0.1)  # error: TL301
    p.get_message(timeout=5)  # error: TL301
    pipe = r.pipeline()  # ok
    pipe.set("a", 1)  # ok: buffered until execute()
    pipe.execute()  # error: TL303


# Every sync get_message() poll in a coroutine is a pub/sub read.
async def stream(task_id, wait):
    p = r.pubsub()
    p.get_message(timeout=0.1)  # error: TL301 "blocks the event loop for up to 0.1 s on every poll;"
    p.get_message()  # error: TL301 "blocks the event loop while it reads the socket on every poll;"
    p.get_message(True, 0)  # error: TL301 "blocks the event loop while it reads the socket on every poll;"
    p.get_message(timeout=wait)  # error: TL301 "blocks the event loop for up to its timeout on every poll;"


# parse_response() on a sync pub/sub waits, unless it does not block.
async def read():
    p = r.pubsub()
    p.parse_response()  # error: TL301 "blocks the event loop until a message arrives;"
    p.parse_response(block=False)  # error: TL301 "blocks the event loop while it reads the socket;"


# A lambda or nested function the coroutine calls at once runs on the loop; one handed to a
# thread does not.
async def handler():
    p = r.pubsub()
    message = (lambda: p.get_message(timeout=1))()  # error: TL301 "`p.get_message()` on a sync"

    def drain():
        for item in p.listen():  # error: TL301 "`p.listen()` on a sync"
            return item

    def deeper():
        return drain()

    deeper()
    await asyncio.to_thread(lambda: p.get_message(timeout=1))  # ok

    def in_thread():
        return p.get_message(timeout=1)  # ok

    await asyncio.to_thread(in_thread)


# Nested sync code and methods handed to threads are not in the coroutine.
async def offloaded(loop):
    p = r.pubsub()

    def consume():
        for m in p.listen():  # ok: runs in a thread
            print(m)

    await asyncio.to_thread(consume)
    await loop.run_in_executor(None, p.get_message, True, None)  # ok
    await run_in_threadpool(r.blpop, "q", 0)  # ok
    await anyio.to_thread.run_sync(lambda: r.brpop("q", timeout=5))  # ok


# A module-level sync function is not taken as called on the loop.
def read_one(p):
    return r.pubsub().get_message(timeout=1)  # ok


async def calls_read_one():
    return read_one(None)


# Sync code outside coroutines is not flagged.
def sync_worker():
    r.blpop("q")  # ok
    r.pubsub().listen()  # ok


# redis.asyncio objects are never flagged.
ar = aioredis.from_url("redis://h")


async def uses_asyncio():
    p = ar.pubsub()
    await p.subscribe("c")  # ok
    async for m in p.listen():  # ok
        await p.get_message(timeout=None)  # ok
    await ar.blpop("q", timeout=0)  # ok
    await ar.get("k")  # ok


# ...nor their pub/sub reads in nested lambdas.
br = aioredis.Redis()


async def asyncio_lambdas():
    p = br.pubsub()
    await (lambda: p.get_message(timeout=0.1))()  # ok
    await p.parse_response()  # ok
