"""One mock state in Redis, shared by every `ingram-mock` process that names the same URL.

`connection` opens the client (bounded timeouts: a missing Redis is a quick 503, never a
hang), `orders` is the Redis `OrderStore` (optimistic, per-order versions checked by one
server-side script), `parts` holds the rest of the shared state: the order-number counter,
the mock-clock offset, the token key, the v7 intake queue and the violation log.
"""
