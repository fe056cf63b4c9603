"""The console's settings: where the five APIs are, on top of what every service reads."""

from __future__ import annotations

from hotline_libs.settings import ServiceSettings
from pydantic import Field


class ConsoleSettings(ServiceSettings):
    intake_url: str = Field(default="http://127.0.0.1:8001", description="intake's API")
    dispatch_url: str = Field(default="http://127.0.0.1:8002", description="dispatch's API")
    billing_url: str = Field(default="http://127.0.0.1:8003", description="billing's API")
    callback_url: str = Field(default="http://127.0.0.1:8004", description="callback's API")
    notification_url: str = Field(default="http://127.0.0.1:8005", description="notification's API")
    console_assets: str | None = Field(
        default=None,
        description="Folder with htmx.min.js (make install fetches it); pages work without it",
    )
    signatures_dir: str = Field(
        default=".hotline/console/signatures",
        description="Where the customers' signatures drawn on the technician's phone are kept "
        "(dispatch keeps a reference to each, not the picture)",
    )
    time_zone: str = Field(default="Asia/Shanghai", description="How times are shown")
