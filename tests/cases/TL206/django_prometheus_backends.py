# django-prometheus's backends read OPTIONS as the backends they extend.
CACHES = {
    "default": {
        "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",  # error: TL206 "(django-prometheus's django-redis cache) sets no SOCKET_CONNECT_TIMEOUT or SOCKET_TIMEOUT"
        "LOCATION": "redis://redis:6379/0",
    },
    "native": {
        "BACKEND": "django_prometheus.cache.backends.redis.NativeRedisCache",  # error: TL206 "the upper-case key SOCKET_TIMEOUT raises TypeError"
        "LOCATION": "redis://redis:6379/1",
        "OPTIONS": {"SOCKET_TIMEOUT": 5},
    },
    "bounded": {
        "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",  # ok
        "LOCATION": "redis://redis:6379/2",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 5},
    },
}
