# TL103 blocking-http-in-async: a sync HTTP call inside `async def` stalls the event loop.
import asyncio

import aiohttp
import httpx
import requests
from requests import Session


# A session in a with block is flagged, even with a timeout.
async def with_block(url):
    with Session() as http:
        return http.get(url, timeout=5)  # error: TL103


# A session subclass still blocks, even if it injects timeouts.
class TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 5)
        return super().request(*args, **kwargs)


async def subclass(url):
    return TimeoutSession().get(url)  # error: TL103


# The async clients are not flagged.
async def async_clients(url):
    async with httpx.AsyncClient() as client, aiohttp.ClientSession() as session:
        await client.get(url)  # ok
        await session.get(url)  # ok


# A sync function is not flagged.
def sync_handler(url):
    return requests.get(url, timeout=5)  # ok


# A nested sync def and a lambda run elsewhere.
async def offloaded(url):
    def load():
        return requests.get(url, timeout=5)  # ok

    loop = asyncio.get_running_loop()
    first = await loop.run_in_executor(None, lambda: requests.get(url, timeout=5))  # ok
    second = await asyncio.to_thread(requests.get, url, timeout=5)  # ok
    return first, second, await asyncio.to_thread(load)


# A comprehension inside async def still runs on the loop.
async def comprehension(urls):
    return [httpx.get(url) for url in urls]  # error: TL103


# An unknown object with a get method is not guessed about.
async def unknown(cache, requests_seen):
    return cache.get("key"), requests_seen.get("key")  # ok
