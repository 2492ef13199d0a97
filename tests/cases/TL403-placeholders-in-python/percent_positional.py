URL = "redis://:%s@redis:6379/0" % password  # ok
