import pytest

from .fake_vendor import DING_CREDENTIALS, WECOM_CREDENTIALS, FakeVendor


def messaging_settings(wecom_url: str | None = None, ding_url: str | None = None, timeout: float = 2) -> dict:
    return {
        "TIMEOUT_SECONDS": timeout,
        "CACHE_ALIAS": "default",
        "WECOM": {
            "BASE_URL": wecom_url or "",
            "CORP_ID": WECOM_CREDENTIALS["corpid"] if wecom_url else "",
            "SECRET": WECOM_CREDENTIALS["corpsecret"] if wecom_url else "",
            "AGENT_ID": "1000002" if wecom_url else "",
        },
        "DINGTALK": {
            "BASE_URL": ding_url or "",
            "APP_KEY": DING_CREDENTIALS["appkey"] if ding_url else "",
            "APP_SECRET": DING_CREDENTIALS["appsecret"] if ding_url else "",
            "AGENT_ID": "2000003" if ding_url else "",
        },
    }


@pytest.fixture
def vendor():
    fake = FakeVendor()
    yield fake
    fake.close()


@pytest.fixture
def configured(settings, vendor):
    """Both channels pointed at the fake vendor, 2 s timeout."""
    settings.MESSAGING = messaging_settings(vendor.base_url, vendor.base_url)
    return settings.MESSAGING
