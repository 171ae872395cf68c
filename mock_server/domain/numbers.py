"""Order and confirmation numbers: unique and never reused while the process lives."""

from __future__ import annotations

import threading
from typing import Protocol

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SPACE = len(_ALPHABET) ** 5  # five characters after the prefix: "20-RD3QV"
# Multiplying by a constant coprime with the space is a bijection on it: sequential
# counters come out looking random, yet two counters never give the same number.
_STRIDE = 24_036_583
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # "00" .. "ZZ": two digits per lookup
_BASE2 = len(_PAIRS)


class Counter(Protocol):  # a port (re-exported by ports.py)
    """A sequence of integers, each handed out once (shared when the state is shared)."""

    def take(self) -> int: ...

    def peek(self) -> int:
        """The next value `take` would hand out."""
        ...

    def skip_to(self, value: int) -> None:
        """Never hand out a value below `value` (a restored snapshot's sequence)."""
        ...


START = 7_654_321


class LocalCounter:
    """The in-process `Counter`: an integer behind a lock."""

    def __init__(self, start: int = START) -> None:
        self._next = start
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            n = self._next
            self._next += 1
        return n

    def peek(self) -> int:
        with self._lock:
            return self._next

    def skip_to(self, value: int) -> None:
        with self._lock:
            self._next = max(self._next, value)


class OrderNumberSequence:
    """Hands out `PP-XXXXX` numbers; survives `/__admin/reset` so numbers are never reused.

    The counter behind it is a port: several processes sharing one state share one counter.
    """

    def __init__(self, start: int = START, counter: Counter | None = None) -> None:
        self._start = start
        self.counter: Counter = counter or LocalCounter(start)

    def next_order_number(self, prefix: str) -> str:
        n = self.counter.take()
        if n - self._start >= _SPACE:
            raise RuntimeError("order number space exhausted")
        code = (n * _STRIDE) % _SPACE
        high, low = divmod(code, _BASE2)  # five base-36 digits: one, then two pairs
        top, middle = divmod(high, _BASE2)
        return f"{prefix}-{_ALPHABET[top]}{_PAIRS[middle]}{_PAIRS[low]}"

    def next_confirmation_number(self, country_code: str, stamp: str) -> str:
        """v7 confirmation numbers, shaped like `US-I-T-24032926562341102332`.

        `stamp` is the 12-digit yymmddHHMMSS of the request; a counter makes it unique.
        """
        n = self.counter.take()
        return f"{country_code.upper()}-I-T-{stamp}{n % 10**8:08d}"


def sub_order_number(order_number: str, index: int) -> str:
    """Sub-orders are the order number plus a two-digit split suffix: `-11`, `-21`, ..."""
    return f"{order_number}-{index * 10 + 1}"


def base_order_number(number: str) -> str:
    """`20-RD3QV-11` (a sub-order) and `20-rd3qv` both name order `20-RD3QV`."""
    return "-".join(number.strip().upper().split("-")[:2])
