# Keys given to a later update count: `|=`.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}  # ok
CACHES["default"]["OPTIONS"] |= {"SOCKET_TIMEOUT": 5, "SOCKET_CONNECT_TIMEOUT": 2}
