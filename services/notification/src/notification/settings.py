"""Notification settings: where the SMTP server and the SMS gateway are, the company's quiet
hours, and the unsubscribe links' address and secret."""

from __future__ import annotations

from hotline_libs.settings import ServiceSettings
from pydantic import Field, SecretStr, model_validator

DEV_UNSUBSCRIBE_SECRET = "dev-only-unsubscribe-secret-change-me"  # noqa: S105


class NotificationSettings(ServiceSettings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_sender: str = Field(default="物业服务热线 <hotline@property.example>")
    sms_gateway_url: str = "http://127.0.0.1:8025"
    gateway_timeout_s: float = 10.0
    quiet_hours: str = Field(
        default="22:00-08:00",
        description="No routine SMS in these hours of each site's time zone unless the site "
        "set its own; 'off' for none",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8005",
        description="Where residents reach notification (the unsubscribe links point here)",
    )
    unsubscribe_secret: SecretStr = Field(
        default=SecretStr(DEV_UNSUBSCRIBE_SECRET),
        description="Signs the unsubscribe links; production refuses the development one",
    )

    @model_validator(mode="after")
    def _production_secret(self) -> NotificationSettings:
        if (
            self.env == "production"
            and self.unsubscribe_secret.get_secret_value() == DEV_UNSUBSCRIBE_SECRET
        ):
            raise ValueError("set HOTLINE_UNSUBSCRIBE_SECRET: the development one is public")
        return self
