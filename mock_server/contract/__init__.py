"""Our OpenAPI document, loaded and compiled once (`document.py`): every request is checked
against it; `coercion.py` reads v6 scalars the way the real API does; `refs.py` follows
local `$ref`s.
"""
