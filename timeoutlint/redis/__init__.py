"""The Redis domain: the vocabulary of client libraries (`vocabulary.py`: redis-py and valkey-py
names, blocking commands, RQ, server images, password variables, and the byte mentions derived
from them) and the object model on top of the Python model (`model.py`: which values are
clients, pools, pub/subs, with which connection settings; the project index's exported types).
"""
