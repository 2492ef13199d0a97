# TL101 requests-without-timeout: a requests call with no timeout can wait forever.
import requests
import requests as rq
from django.conf import settings
from django.core.cache import cache
from myapp.models import Order
from requests import api, get

# Every verb and request() are covered.
requests.get(u)  # error: TL101
requests.options(u)  # error: TL101
requests.head(u)  # error: TL101
requests.post(u)  # error: TL101
requests.put(u)  # error: TL101
requests.patch(u)  # error: TL101
requests.delete(u)  # error: TL101
requests.request('GET', u)  # error: TL101

# An alias, a from-import and an assignment alias are followed.
fetch = rq.post
rq.get(u)  # error: TL101
get(u)  # error: TL101
api.get(u)  # error: TL101
fetch(u)  # error: TL101

# A session in a variable, chained, and in a with block.
s = requests.Session()
s.get(u)  # error: TL101
requests.Session().post(u)  # error: TL101
with requests.session() as t:
    t.put(u)  # error: TL101
s.send(prepared)  # error: TL101


# A session kept on self is followed across methods.
class Api:
    def __init__(self):
        self.http = requests.Session()

    def ping(self):
        return self.http.head("https://example.com")  # error: TL101


# A session subclass defined in the file is a session...
class Retrying(requests.Session):
    pass


Retrying().get(u)  # error: TL101


# ...but one that overrides request() is trusted to set the timeout.
class TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 10)
        return super().request(*args, **kwargs)


TimeoutSession().get(u)  # ok

# A tuple with no read timeout is a finding; a connect-only None with a read timeout is not.
requests.get(u, timeout=(5, None))  # error: TL101 "no read timeout"
requests.get(u, timeout=(None, None))  # error: TL101
requests.get(u, timeout=(None, 30))  # ok

# Any timeout given is accepted.
requests.get(u, timeout=5)  # ok
requests.get(u, timeout=settings.HTTP_TIMEOUT)  # ok
requests.get(u, timeout=(3.05, 27))  # ok
requests.get(u, **{"timeout": 5})  # ok


# kwargs that may carry a timeout are not guessed about.
def fetch_all(url, *args, **kwargs):
    requests.get(url, **kwargs)  # ok
    requests.Session().request("GET", url, *args)  # ok


# A dict splat without timeout is a finding.
requests.get(u, **{"verify": False})  # error: TL101

# Session.request() with a positional timeout is accepted.
requests.Session().request("GET", u, None, None, None, None, None, None, 5)  # ok


# Objects that are not requests' are never flagged.
def view(request, requests):
    cache.get("k")  # ok
    Order.objects.get(pk=1)  # ok
    request.GET.get("page")  # ok
    requests.get("local variable called requests")  # ok
    {}.get("x")  # ok


# A session's timeout attribute does not count as a timeout (requests ignores it).
timed = requests.Session()
timed.timeout = 10
timed.get(u)  # error: TL101
