# TL202 keepalive-raw-option-keys: raw numbers or strings as socket_keepalive_options keys.
import socket

import redis

# The dict is found through names and settings dicts.
OPTIONS = {1: 60}  # error: TL202
pool = redis.ConnectionPool(socket_keepalive_options=OPTIONS)
broker_transport_options = {"socket_keepalive_options": {"TCP_KEEPIDLE": 60}}  # error: TL202
kwargs = dict(socket_keepalive_options={5: 10})  # error: TL202
UNRELATED = {1: 60}  # ok: never reaches a client

# Constant keys are what redis-py expects.
r = redis.Redis(socket_keepalive_options={socket.TCP_KEEPIDLE: 60})  # ok
