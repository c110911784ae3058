import pytest

from tests.harness import ChainHarness


@pytest.fixture(scope="module")
def harness():
    """One harness per module: 64 interop validators, minimal preset."""
    return ChainHarness(validators=64)


@pytest.fixture
def h(harness):
    """The module's harness, with its clock restored after the test."""
    saved = harness.time
    yield harness
    harness.time = saved


@pytest.fixture(scope="session")
def genesis16():
    """16 interop validators at a fixed genesis time (the op pool tests)."""
    from beacon.config import minimal
    from beacon.genesis.quickstart import quickstart_state
    return quickstart_state(minimal, 1567777777, 16)
