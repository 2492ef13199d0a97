MESSAGE = 'redis://redis:6379 is unreachable'  # ok: a message, not a URL
