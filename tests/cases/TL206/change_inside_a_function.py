# A change inside a function may have set the key.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}  # ok


def harden():
    CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"] = 0
    CACHES["default"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] = 0
