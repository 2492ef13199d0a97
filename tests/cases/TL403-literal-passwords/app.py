import redis
import other
redis.StrictRedis(password='Sup3r-s3cret-value')  # error: TL403@28
other.Client(password='Sup3r-s3cret-value')  # ok: not a Redis client
