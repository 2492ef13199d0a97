# setdefault on a star-imported CACHES may keep the base file's entry.
from .common import *

CACHES.setdefault("sessions", {"BACKEND": "django_redis.cache.RedisCache"})  # ok
