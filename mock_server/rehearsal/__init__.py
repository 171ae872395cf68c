"""What only a mock has, for rehearsing an integration: time travel (`clock.py`), the
mock's own controls (`control.py`: advance, reset, maintenance), fault rules (`faults.py`)
and override rules (`overrides.py`), both kept in a rule book (`rule_books.py`), the request
journal (`journal.py`, read through `journal_view.py`), the violation log (`violations.py`),
per-order timelines (`timelines.py`), snapshots of the whole state (`snapshots.py`) and the
dashboard's read model (`browse.py`). Where a part can live in Redis, its Redis twin sits
in the same module.
"""
