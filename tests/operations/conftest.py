import pytest

from beacon.config import minimal


@pytest.fixture(scope="session")
def genesis16():
    from beacon.genesis.quickstart import quickstart_state
    return quickstart_state(minimal, 1567777777, 16)
