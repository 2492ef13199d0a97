REDIS_PASSWORD = "changeme"  # ok
