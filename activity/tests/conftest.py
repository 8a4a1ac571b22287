"""The activity tests' world: its session today runs from midnight, so that attendance and
pay (open from 30 minutes before a session starts) can be recorded whatever the hour the
suite runs at."""

from datetime import time

import pytest

from activity.models import WorkSession


@pytest.fixture
def world(world):
    session = world["session"]
    WorkSession.objects.filter(pk=session.pk).update(start_time=time(0), end_time=time(3))
    session.refresh_from_db()
    world["participation"].refresh_from_db()
    return world
