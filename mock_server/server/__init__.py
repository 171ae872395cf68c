"""Serving: the RSGI front that receives each request whole before anything runs
(`front.py`) and `ingram-mock serve` on granian (`serving.py`).
"""
