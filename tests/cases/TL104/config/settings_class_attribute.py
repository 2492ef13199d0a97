# A settings class attribute is checked.
class Production:
    DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "app"}}  # error: TL104
