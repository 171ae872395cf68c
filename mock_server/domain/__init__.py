"""Plain-Python domain of the Orders API: no Flask, no I/O, no wall clock.

Everything here takes the current time as an argument and raises `DomainError`s that
carry no HTTP status; the HTTP layer decides how each one is answered.
"""
