# OPTIONS that cannot be read are not guessed about.
import os

EXTRA = load_options()
DATABASES = {
    "default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": EXTRA},  # ok
    "other": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {**EXTRA}},  # ok
    "third": {"ENGINE": "django.db.backends.postgresql", **EXTRA},  # ok
}
