# TL204 rq-worker-socket-timeout: an RQ 1.x worker whose connection times out while it waits.
# case: rq-version = "==1.16.2"
from redis import Redis
from rq import Connection, Queue, Worker

conn = Redis(host="redis", socket_timeout=5)

# A worker that only runs in burst mode never waits on BLPOP.
burst_worker = Worker(["default"], connection=conn)  # ok
burst_worker.work(burst=True)
Worker(["low"], connection=conn).work(True)  # ok

# A worker that may run without burst is still flagged.
worker = Worker(["default"], connection=conn)  # error: TL204
if ONCE:
    worker.work(burst=True)
else:
    worker.work()
Worker(["low"], connection=conn).work(burst=options["burst"])  # error: TL204
Worker(["unseen"], connection=conn)  # error: TL204


# A worker subclass of the same file is a worker.
class LoggingWorker(Worker):
    pass


class AuditWorker(LoggingWorker):
    pass


AuditWorker(["default"], connection=conn).work()  # error: TL204

# A connection pushed with RQ 1's Connection context counts.
with Connection(conn):
    Worker([Queue("default")]).work()  # error: TL204
with Connection():
    Worker(["default"]).work()  # ok: no connection the rule knows

# The context does not reach a function defined inside it.
with Connection(conn):

    def later():
        Worker(["default"]).work()  # ok

# A smaller worker_ttl needs a smaller timeout.
slow = Redis(socket_timeout=40)
Worker(["q"], connection=slow, worker_ttl=30)  # ok: 40 s is above worker_ttl - 5 = 25 s
Worker(["q"], connection=slow, worker_ttl=60)  # error: TL204
