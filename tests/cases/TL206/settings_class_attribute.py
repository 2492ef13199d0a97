# A settings class attribute is checked.
class Production(Base):
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}  # error: TL206
