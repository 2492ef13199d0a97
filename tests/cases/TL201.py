# TL201 pubsub-finite-socket-timeout: a pub/sub wait on a client whose reads time out.
import redis

# Only reads that wait for a message are listeners.
r = redis.Redis(host='h', socket_timeout=2)
p = r.pubsub()
p.get_message(timeout=1.0)  # ok: waits at most 1 s, below the socket timeout
p.get_message()  # ok: returns at once
p.get_message(timeout=None)  # error: TL201
p.run_in_thread(sleep_time=0.1)  # ok
p.run_in_thread(sleep_time=None)  # error: TL201


# socket_timeout=None, or a value the rule cannot know, is not a finding.
def listen(timeout):
    for c in (redis.Redis(socket_timeout=None), redis.Redis(socket_timeout=timeout)):
        pass
    a = redis.Redis(socket_timeout=None).pubsub()
    b = redis.Redis(socket_timeout=timeout).pubsub()
    a.listen()  # ok
    b.listen()  # ok
