"""Notification settings: where the SMTP server and the SMS gateway are."""

from __future__ import annotations

from hotline_libs.settings import ServiceSettings
from pydantic import Field


class NotificationSettings(ServiceSettings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_sender: str = Field(default="物业服务热线 <hotline@property.example>")
    sms_gateway_url: str = "http://127.0.0.1:8025"
    gateway_timeout_s: float = 10.0
