# A sub-dict put back through an alias stays readable.
OPTIONS = {"CONNECTION_POOL_KWARGS": {"max_connections": 10}}
if SENTINELS:
    POOL = OPTIONS["CONNECTION_POOL_KWARGS"]
    POOL["connection_class"] = SentinelManagedSSLConnection
    OPTIONS["CONNECTION_POOL_KWARGS"] = POOL
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": OPTIONS}}  # error: TL206
