CELERY_BROKER_URL = "redis://redis:6379/0"  # error: TL401
CACHES = {"default": {"LOCATION": "redis://redis:6379/1"}}  # error: TL401
