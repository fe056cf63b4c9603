"""Settings read from the environment, all under one prefix: ``HOTLINE_``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "HOTLINE_"
DEV_JWT_SECRET = "dev-only-secret-change-me-in-production-0123456789"  # noqa: S105


class ServiceSettings(BaseSettings):
    """Settings every service reads; a service subclasses this to add its own."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="Kafka bootstrap servers")
    mongo_url: str = Field(default="mongodb://127.0.0.1:27017/", description="MongoDB URL")
    db_prefix: str = Field(default="hotline_", description="Prefix of each service's database")
    topic_prefix: str = Field(default="", description="Prefix of every topic and consumer group")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    env: Literal["development", "production"] = Field(
        default="development",
        description="production refuses the development token secret",
    )
    jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_JWT_SECRET), description="HS256 secret of development tokens"
    )
    jwt_issuer: str = "hotline"
    jwt_audience: str | None = Field(default=None, description="Required 'aud' claim, if set")
    jwt_jwks_url: str | None = Field(
        default=None,
        description="The identity provider's JWKS: tokens are then RS256/ES256, verified with it",
    )
    jwt_role_claim: str = "role"
    jwt_sites_claim: str = "sites"
    jwt_name_claim: str = "name"
    role_aliases: dict[str, str] = Field(
        default_factory=dict,
        description='A company\'s own role names, as JSON: {"客服专员": "agent"}',
    )
    log_level: str = "INFO"
    seed_demo_data: bool = Field(default=False, description="Load demo sites, staff, price lists")
    relay_sweep_interval_s: float = Field(
        default=10.0,
        gt=0,
        description="How often the outbox relay looks for events no live process announced",
    )
    relay_sweep_grace_s: float = Field(
        default=5.0, ge=0, description="The sweep leaves entries younger than this to their writer"
    )
    relay_max_attempts: int = Field(
        default=5, ge=1, description="Refusals of one outbox entry before it is parked"
    )
    deadline_poll_interval_s: float = Field(
        default=2.0, gt=0, description="How often each deadline poller looks for what ran out"
    )
    consumer_max_attempts: int = Field(default=5, ge=1, description="Tries before dead-lettering")
    consumer_backoff_cap_s: float = Field(default=5.0, gt=0)

    def database_name(self, service: str) -> str:
        """Name of ``service``'s own database."""
        return f"{self.db_prefix}{service}"

    def topic(self, name: str) -> str:
        """Full topic name of stream ``name`` in this deployment."""
        return f"{self.topic_prefix}{name}"
