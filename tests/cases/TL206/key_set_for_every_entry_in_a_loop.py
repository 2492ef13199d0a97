# A key set for every entry in a loop counts.
CACHES = {
    "a": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}},  # ok
    "b": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}},  # ok
}
for cache in CACHES.values():
    cache["OPTIONS"]["SOCKET_TIMEOUT"] = 5
for alias in CACHES:
    CACHES[alias]["OPTIONS"].setdefault("SOCKET_CONNECT_TIMEOUT", 2)
