"""v7's asynchronous intake: confirm now, create off the request thread (`service.py`);
where submissions wait, in memory or on Redis (`queues.py`).
"""
