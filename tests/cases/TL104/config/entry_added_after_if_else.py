# An entry added after an if/else that binds DATABASES twice is one database: one finding.
import os

import dj_database_url

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config()}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}

if os.environ.get("ENABLE_READ_REPLICA") == "1":
    DATABASES["replica"] = {
        "ENGINE": "django.db.backends.postgresql",  # error: TL104
        "HOST": os.environ.get("REPLICA_HOST"),
    }
