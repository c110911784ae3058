def pytest_configure(config):
    config.addinivalue_line("markers", "slow: multi-process node tests (minutes)")
