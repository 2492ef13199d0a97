CACHE_URL = "redis://redis:6379/1"  # ok: two stacks disagree
LOCAL = "redis://localhost:6379/2"  # ok
