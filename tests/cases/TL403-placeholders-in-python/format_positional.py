URL = "redis://:{}@redis:6379/0".format(password)  # ok
