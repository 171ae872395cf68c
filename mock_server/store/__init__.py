"""Where orders live: the domain's `OrderStore` port in memory (`memory.py`) and on Redis
(`redis.py`, with the shared order-number counter), the Redis connection and its one
translation of failures (`connection.py`), domain objects as plain dicts (`codec.py`) and
the reference data read from `fixtures/` (`fixtures.py`).
"""
