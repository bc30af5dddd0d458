"""Where moto 5.2.5 departs from AWS on what the Terraform applies: the one place the infra fixture wraps moto.

Like phenom_stack.cognito_triggers, this runs in the moto process (phenom_stack.moto_process enters
`terraform_gaps()` before it serves when started with --terraform-gaps), next to the backends it changes:

- RDS backup and maintenance windows: moto's `valid_preferred_maintenance_window` (moto/rds/utils.py) treats an
  overlap of zero seconds as overlapping, so windows that only touch (03:00-04:00 and sun:04:00-sun:05:00, as
  modules/phenom_stack sets them) fail CreateDBInstance, which AWS accepts. The wrapper measures the overlap on the
  week itself and asks moto's check about the maintenance window alone when the windows share no minute.
- Every DB instance gets the same DbiResourceId (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U), so the provider, which reads an
  instance back by that id, cannot tell two instances of one account apart. Not wrapped: the infra fixture runs one
  moto per environment (phenom_infra.applied), so each server holds one instance.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from moto.rds import models as rds_models

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OVERLAP_MESSAGE = "The backup window and maintenance window must not overlap."


def _minute_of_day(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _minute_of_week(text: str) -> int:
    day, clock = text.lower().split(":", 1)
    return WEEKDAYS.index(day) * MINUTES_PER_DAY + _minute_of_day(clock)


def _span(start: int, end: int, period: int) -> tuple[int, int]:
    """[start, end) in minutes, end moved a period on when the window wraps past midnight or the week's end."""
    return start, end if end > start else end + period


def windows_overlap(maintenance_window: str, backup_window: str) -> bool:
    """Whether a daily backup window (hh:mm-hh:mm) and a weekly maintenance window (ddd:hh:mm-ddd:hh:mm) share a
    minute; windows that only touch do not."""
    maintenance = _span(*(_minute_of_week(part) for part in maintenance_window.split("-")), MINUTES_PER_WEEK)
    daily = _span(*(_minute_of_day(part) for part in backup_window.split("-")), MINUTES_PER_DAY)
    # Every day's backup window, over a week and one day either side so wrapped windows meet too.
    for day in range(-1, 8):
        start, end = daily[0] + day * MINUTES_PER_DAY, daily[1] + day * MINUTES_PER_DAY
        for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK):
            if max(start, maintenance[0] + shift) < min(end, maintenance[1] + shift):
                return True
    return False


def _valid_preferred_maintenance_window(original, maintenance_window, backup_window):
    message = original(maintenance_window, backup_window)
    if message != OVERLAP_MESSAGE or windows_overlap(maintenance_window, backup_window):
        return message
    return original(maintenance_window, None)


@contextmanager
def terraform_gaps() -> Iterator[None]:
    """Patch moto, in this process, where it refuses what AWS accepts from the Terraform; restore it on exit."""
    original = rds_models.valid_preferred_maintenance_window

    def checked(maintenance_window, backup_window):
        return _valid_preferred_maintenance_window(original, maintenance_window, backup_window)

    with mock.patch.object(rds_models, "valid_preferred_maintenance_window", checked):
        yield
