"""The WeChat customer-service API as a fake on 127.0.0.1 that records every push, for the journeys through
the real processes."""

import pytest

from tests.channels.conftest import APP_SECRET, APPID
from tests.support.fake_cs import FakeCustomerService


@pytest.fixture
def fake_cs():
    server = FakeCustomerService(APPID, APP_SECRET).start()
    yield server
    server.stop()
