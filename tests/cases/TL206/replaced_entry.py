# A replaced entry is judged as replaced.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}  # ok
CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # ok
