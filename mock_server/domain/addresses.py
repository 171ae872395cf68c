"""What the sandbox refuses in the addresses of an order: an `endUserInfo` with nothing in
it, and a state that is not a two-letter code where the country uses them (US, CA)."""

from __future__ import annotations

from collections.abc import Iterable

from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.domain.models import Address

EMPTY_END_USER = "Values under endUserInfo object cannot be empty"  # the sandbox's words
_TWO_LETTER_STATES = frozenset({"US", "USA", "CA", "CAN"})


def _two_letters(text: str) -> bool:
    return len(text) == 2 and text.isascii() and text.isalpha()


def state_problems(
    addresses: Iterable[tuple[str, Address | None]], order_country: str
) -> list[FieldProblem]:
    """A problem for each address of a US or Canadian destination whose state is not two
    letters. An address without `countryCode` is taken to be in the order's country; an
    absent or empty state is left alone."""
    problems = []
    for name, address in addresses:
        if not address:
            continue
        country = (address.get("countryCode") or order_country).strip().upper()
        state = address.get("state", "").strip()
        if country in _TWO_LETTER_STATES and state and not _two_letters(state):
            problems.append(
                FieldProblem(
                    f"{name}.state",
                    "A US or Canadian state or province is a two-letter code",
                    state,
                )
            )
    return problems


def check_create_addresses(
    ship_to: Address | None,
    end_user: Address | None,
    reseller: Address | None,
    order_country: str,
) -> None:
    """Raises ValidationFailed naming each refused address field."""
    if ship_to is None and end_user is None and reseller is None:
        return  # nothing to check (asked on every create)
    problems = []
    if end_user is not None and not any(value.strip() for value in end_user.values()):
        problems.append(FieldProblem("endUserInfo", EMPTY_END_USER))
    problems.extend(
        state_problems(
            (("shipToInfo", ship_to), ("endUserInfo", end_user), ("resellerInfo", reseller)),
            order_country,
        )
    )
    if problems:
        raise ValidationFailed(problems)


def check_modify_address(ship_to: Address | None, order_country: str) -> None:
    """Raises ValidationFailed when a changed ship-to has a state the sandbox refuses."""
    problems = state_problems((("shipToInfo", ship_to),), order_country)
    if problems:
        raise ValidationFailed(problems)
