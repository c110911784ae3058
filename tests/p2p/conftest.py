import pytest


@pytest.fixture(params=["noise", "secio"])
def security(request):
    return request.param
