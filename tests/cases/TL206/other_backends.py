# Other backends are not checked.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},  # ok
    "memcached": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"},  # ok
    "unknown": {"BACKEND": CACHE_BACKEND},  # ok
}
