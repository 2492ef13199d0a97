import redis
client = redis.Redis(host="redis", password="xxxx")  # ok
