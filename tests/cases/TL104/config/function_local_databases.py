# A function-local DATABASES is not a setting.
def build():
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}  # ok
    return DATABASES
