"""What fault rules and override rules share: a book of rules by id, each with how often it
fired, some loaded at start ("standing": a reset keeps those, their counts back at zero)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Generic, Protocol, TypeVar


class Rule(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def standing(self) -> bool: ...


R = TypeVar("R", bound=Rule)


class RuleBook(Generic[R]):
    """The rules in force. Thread-safe; `active` is a plain attribute read without the lock,
    so the request path pays one attribute read when no rule exists.

    `parse(data, number)` makes a rule from its JSON form (the number of rules added so far,
    its id's and its order's source) or raises naming the field."""

    def __init__(self, parse: Callable[[Any, int], R]) -> None:
        self._parse = parse
        self._rules: dict[str, R] = {}
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.active = False

    def add(self, data: Any, *, standing: bool = False) -> R:
        with self._lock:
            rule = replace(self._parse(data, next(self._numbers)), standing=standing)  # type: ignore[type-var]
            self._rules[rule.id] = rule
            self.active = True
            return rule

    def add_all(self, rules: Iterable[Any], *, standing: bool = False) -> list[R]:
        return [self.add(data, standing=standing) for data in rules]

    def rules(self) -> list[R]:
        """In the order they were added."""
        with self._lock:
            return list(self._rules.values())

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            found = self._rules.pop(rule_id, None) is not None
            self.active = bool(self._rules)
            return found

    def clear(self) -> None:
        """Remove every rule, standing ones too."""
        with self._lock:
            self._rules.clear()
            self.active = False

    def reset(self) -> None:
        """`/__admin/reset`: rules added through the API go (a test's rules end with the
        test), rules loaded at start stay with their counts back at zero."""
        with self._lock:
            self._rules = {
                r.id: replace(r, fired=0)  # type: ignore[type-var]
                for r in self._rules.values()
                if r.standing
            }
            self.active = bool(self._rules)
