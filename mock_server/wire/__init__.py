"""Every JSON body that goes out, mapped from use-case results only: the API's answers
(`answers.py`), the created order they share with the v7 outcome webhook (`orders.py`),
webhook envelopes (`events.py`) and the conventions all of them follow (`conventions.py`).
"""
