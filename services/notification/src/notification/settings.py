"""Notification settings: where the SMTP server and the SMS providers are, how hard to try them,
the secrets their delivery receipts are signed with, the company's quiet hours, and the
unsubscribe links' address and secret."""

from __future__ import annotations

from typing import Self

from hotline_libs.settings import ServiceSettings
from pydantic import Field, SecretStr, model_validator

DEV_UNSUBSCRIBE_SECRET = "dev-only-unsubscribe-secret-change-me"  # noqa: S105
DEV_RECEIPT_SECRETS = {
    "primary": "dev-only-primary-receipts",
    "secondary": "dev-only-secondary-receipts",
}


class NotificationSettings(ServiceSettings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_sender: str = Field(default="物业服务热线 <hotline@property.example>")
    smtp_ca_file: str | None = Field(
        default=None,
        description="A CA file to verify the SMTP server's certificate with (after STARTTLS); "
        "the system's CAs when unset",
    )
    sms_gateway_url: str = Field(
        default="http://127.0.0.1:8025", description="The primary SMS provider's API"
    )
    sms_secondary_url: str = Field(
        default="http://127.0.0.1:8025", description="The secondary SMS provider's API (failover)"
    )
    sms_secondary_api_key: str = "local-secondary-key"
    sms_rate_per_s: float = Field(default=50.0, gt=0, description="Sends a second per provider")
    sms_tries_per_provider: int = Field(default=3, ge=1)
    sms_backoff_base_s: float = Field(default=0.2, ge=0)
    sms_backoff_cap_s: float = Field(default=2.0, ge=0)
    sms_receipt_secret_primary: SecretStr = Field(
        default=SecretStr(DEV_RECEIPT_SECRETS["primary"]),
        description="The secret the primary provider signs its receipts with",
    )
    sms_receipt_secret_secondary: SecretStr = Field(
        default=SecretStr(DEV_RECEIPT_SECRETS["secondary"]),
        description="The secret the secondary provider signs its receipts with",
    )
    sms_receipt_max_age_s: int = Field(
        default=300, ge=1, description="Receipts signed longer ago (or ahead) are refused"
    )
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
    def _no_development_secrets_in_production(self) -> Self:
        """Anyone could sign receipts or unsubscribe links with the secrets every developer
        has."""
        used = {
            self.sms_receipt_secret_primary.get_secret_value(),
            self.sms_receipt_secret_secondary.get_secret_value(),
        }
        if self.env != "production":
            return self
        if used & set(DEV_RECEIPT_SECRETS.values()):
            raise ValueError(
                "HOTLINE_ENV=production but SMS receipts would be checked with a development "
                "secret: set HOTLINE_SMS_RECEIPT_SECRET_PRIMARY and _SECONDARY"
            )
        if self.unsubscribe_secret.get_secret_value() == DEV_UNSUBSCRIBE_SECRET:
            raise ValueError(
                "HOTLINE_ENV=production but unsubscribe links would be signed with the "
                "development secret: set HOTLINE_UNSUBSCRIBE_SECRET"
            )
        return self
