# CACHES built inside a function are not settings.
def test_caches():
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}  # ok
    return CACHES
