# Timeouts in CONNECTION_POOL_KWARGS or in the URL count.
CACHES = {
    "pool": {
        "BACKEND": "django_redis.cache.RedisCache",  # ok
        "OPTIONS": {
            "CONNECTION_POOL_KWARGS": {"socket_timeout": 5, "socket_connect_timeout": 2},
        },
    },
    "url": {
        "BACKEND": "django_redis.cache.RedisCache",  # ok
        "LOCATION": "redis://r:6379/0?socket_timeout=5&socket_connect_timeout=2",
    },
}
