# Keys given to a later update count: a dict display.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}  # ok
CACHES["default"].update({"OPTIONS": {"SOCKET_TIMEOUT": 5, "SOCKET_CONNECT_TIMEOUT": 2}})
