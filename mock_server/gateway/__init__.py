"""What Ingram's API gateway does before the Orders API sees a call: OAuth2 tokens
(`tokens.py`, with the shared signing key for several processes) and rate limits
(`rate_limits.py`).
"""
