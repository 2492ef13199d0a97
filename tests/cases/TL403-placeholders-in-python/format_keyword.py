URL = "redis://:{password}@redis:6379/0".format(password=pw)  # ok
