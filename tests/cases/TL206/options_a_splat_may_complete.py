# Options that a splat may complete are not guessed about.
from .defaults import BASE_CACHE, BASE_OPTIONS

CACHES = {
    "a": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {**BASE_OPTIONS}},  # ok
    "b": {**BASE_CACHE, "BACKEND": "django_redis.cache.RedisCache"},  # ok
    "c": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": BASE_OPTIONS},  # ok
}
