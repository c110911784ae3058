def pytest_configure(config):
    config.addinivalue_line("markers", "slow: multi-process node tests (minutes)")


import pytest


@pytest.fixture(scope="session")
def genesis16():
    from beacon.config import minimal
    from beacon.genesis.quickstart import quickstart_state
    return quickstart_state(minimal, 1567777777, 16)
