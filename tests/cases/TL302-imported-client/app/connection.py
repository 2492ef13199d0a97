import redis

client = redis.Redis(host='h')
