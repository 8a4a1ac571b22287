import pytest

from tests.factories import programme_world


@pytest.fixture
def world(carrier, users, person):
    return programme_world(carrier, users, person)
