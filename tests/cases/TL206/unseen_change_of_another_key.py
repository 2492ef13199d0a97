# ...and only those: a changed LOCATION or another option hides no timeout.
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {}}}  # error: TL206
CACHES["default"]["LOCATION"] = REDIS_URL
CACHES["default"]["OPTIONS"]["CLIENT_CLASS"] = CLIENT
