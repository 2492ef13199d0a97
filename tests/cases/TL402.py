# TL402 redis-url-password-in-username: a password where the user name goes.


# A user name from an f-string variable is a user name.
def url(username, host):
    return f"redis://{username}@{host}:6379/0"  # ok
