# A change through an alias or a setdefault chain counts.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}  # ok
options = CACHES["default"]["OPTIONS"]
options["SOCKET_CONNECT_TIMEOUT"] = 2
options.setdefault("CONNECTION_POOL_KWARGS", {})["socket_timeout"] = 5
