# A socket timeout alone also bounds the connect.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",  # ok
        "LOCATION": "redis://redis:6379/0",
        "OPTIONS": {"SOCKET_TIMEOUT": 5},
    },
    "builtin": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",  # ok
        "LOCATION": "redis://redis:6379/0",
        "OPTIONS": {"socket_timeout": 5},
    },
}
