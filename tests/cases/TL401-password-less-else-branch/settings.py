# The password-less branch of a password check is not a finding.
import os
REDIS_PASSWORD = os.environ.get("REDIS_PASSWORD")
if not REDIS_PASSWORD:
    URL = "redis://redis:6379/0"  # ok
URL2 = "redis://redis:6379/0" if REDIS_PASSWORD is None else "unused"  # ok
