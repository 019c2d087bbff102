"""The Zalo channel: the Zalo Bot Platform (long polling or a webhook) and a commune's Official Account (webhook),
two transports behind one channel, and `ZaloSender` for use from any process."""

from bot.channels.zalo.sender import ZaloSender, zalo_sender

__all__ = ["ZaloSender", "zalo_sender"]
