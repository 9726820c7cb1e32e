"""Messages to individual people through the channels officials read: 企业微信 and 钉钉.

    from messaging import send_to_people, configured_channels, WECOM, DINGTALK

    result = send_to_people(WECOM, ["zhangsan", "lisi"], "Milestone due in 7 days", "**1.2** …")
    if not result.ok and result.temporary: retry result.failed_users later

A channel is usable when all its settings are present (settings.MESSAGING, filled from the
environment: see .env.example). Nothing here touches the database; failures are SendResults,
exceptions are raised only for programming errors.
"""

from __future__ import annotations

from .base import SendResult
from .dingtalk import DingTalk
from .wecom import WeCom

WECOM = "wecom"
DINGTALK = "dingtalk"
CHANNELS = {WECOM: WeCom(), DINGTALK: DingTalk()}
MSGTYPES = ("markdown", "text")

__all__ = ["CHANNELS", "DINGTALK", "WECOM", "SendResult", "configured_channels", "send_to_people"]


def configured_channels() -> list[str]:
    """The channels whose settings are all present and valid, e.g. ["wecom", "dingtalk"]."""
    return [name for name, channel in CHANNELS.items() if channel.is_configured()]


def send_to_people(
    channel: str, user_ids: list[str], title: str, markdown_text: str, *, msgtype: str = "markdown"
) -> SendResult:
    """Send one message to these people (the channel's own user ids) and say how it went.

    `msgtype="text"` sends the same words as plain text (for clients that do not render markdown).
    Blocks for at most about MESSAGING_TIMEOUT_SECONDS per request (a token request, then one
    request per batch of recipients, and one token refresh if the vendor refuses the token).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}: one of {', '.join(CHANNELS)}")
    if msgtype not in MSGTYPES:
        raise ValueError(f"unknown msgtype {msgtype!r}: one of {', '.join(MSGTYPES)}")
    if isinstance(user_ids, str) or not all(isinstance(user_id, str) for user_id in user_ids):
        raise TypeError("user_ids must be a list of strings")
    if not isinstance(title, str) or not isinstance(markdown_text, str):
        raise TypeError("title and markdown_text must be strings")
    return CHANNELS[channel].send(list(user_ids), title, markdown_text, msgtype)
