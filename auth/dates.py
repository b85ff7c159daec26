"""Dates and times as users in France read them (the tables store naive UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

FRANCE = ZoneInfo("Europe/Paris")


def today_in_france() -> date:
    return datetime.now(FRANCE).date()


def french_date(day: date) -> str:
    """`date(2021, 3, 4)` → "04/03/2021"."""
    return day.strftime("%d/%m/%Y")


def format_datetime(moment: datetime, seconds: bool = False) -> str:
    """A stored naive-UTC moment as read in France: "29/11/2026 23:05" (summer time
    included)."""
    local = moment.replace(tzinfo=UTC).astimezone(FRANCE)
    return local.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
