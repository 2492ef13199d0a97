# A %-format placeholder is not an unencoded password.
URL = "redis://:%s@redis:6379/0" % password  # ok
