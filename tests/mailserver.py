"""A real SMTP server for the tests (aiosmtpd on a free localhost port) that keeps what it receives.

``refuse`` makes it answer DATA with a temporary failure (451), as a server in
trouble does; turning it off again lets the next attempt through.
"""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Handler:
    messages: list = field(default_factory=list)
    refuse: bool = False
    refused: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            self.refused += 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start/stop a receiving SMTP server; ``messages`` holds (recipients, parsed message)."""

    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller._thread is not None:  # stopping twice raises
            self.controller.stop()

    @property
    def messages(self) -> list:
        return self.handler.messages

    def to(self, address: str) -> list:
        """Messages received for ``address``."""
        return [m for rcpt, m in self.messages if address in rcpt]

    def config(self) -> dict:
        """App settings that send through this server."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_DEFAULT_SENDER": "Academy <academy@test.example>",
        }


def text_of(message) -> str:
    """The plain-text body of a received message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    """The HTML body of a received message."""
    return message.get_body(preferencelist=("html",)).get_content()
