import os
REDIS_HOST = os.environ.get('REDIS_HOST', 'localhost')
REDIS_URL = os.environ.get('REDIS_URL', f'redis://{REDIS_HOST}:6379/0')  # error: TL401@41 "--requirepass of service 'redis' (" "docker-compose.yml:4)"
