# An entry added inside a function may not have been added.
from .common import *


def add_sessions_cache():
    CACHES["sessions"] = {"BACKEND": "django_redis.cache.RedisCache"}  # ok
