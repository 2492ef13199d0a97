# A bare scheme is a URL only at the start of a concatenation.
def check(url, host):
    assert url.startswith(('redis://', 'rediss://'))  # ok
    return 'redis://' + host + ':6379/0'  # error: TL401@12
