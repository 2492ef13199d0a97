# Keys given to a later update count: keywords.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}  # ok
CACHES["default"]["OPTIONS"].update(SOCKET_TIMEOUT=5, SOCKET_CONNECT_TIMEOUT=2)
