URL = "redis://:%(password)s@redis:6379/0" % values  # ok
