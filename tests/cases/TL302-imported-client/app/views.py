# A sync client imported from another module is recognised.
from app.connection import client


async def view():
    return client.blpop('q', timeout=1)  # error: TL302
