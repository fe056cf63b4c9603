"""What notification's use case needs: its store, and the gateways."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from hotline_libs.aggregate import Clock

from notification.domain.households import Household, Kept, Member
from notification.domain.notification import Message, Notification
from notification.domain.preferences import ContactPreference
from notification.domain.sites import SiteNotices
from notification.domain.sms_delivery import Taken
from notification.domain.staff import StaffMember
from notification.domain.template_versions import TemplateBook, TemplateHistory
from notification.domain.templates import Channel


class NotificationRepository(Protocol):
    async def get(self, notification_id: object) -> Notification | None: ...
    def add(self, notification: Notification) -> None: ...
    async def reread(self, notification_id: object) -> Notification | None:
        """The notification as stored now, in place of the copy held (after a conflict)."""
        ...

    async def holding(
        self, message_id: uuid.UUID | None = None, provider_message_id: str | None = None
    ) -> Notification | None:
        """The notification with the message, by our id or else by the provider's."""
        ...

    async def index(self, notification: Notification, messages: Sequence[Message]) -> None:
        """Note which notification each of ``messages`` belongs to, before they are sent, so
        that a provider's receipt finds it by the message's id alone (a read by key, not a
        scan of every notification); noting one twice changes nothing."""
        ...


class SiteNames(Protocol):
    """The name residents know each site by, its time zone and quiet hours."""

    async def name_of(self, site_id: str) -> str | None: ...
    async def notices_of(self, site_id: str) -> SiteNotices: ...
    async def keep(
        self, site_id: str, name: str, recorded_at: datetime, time_zone: str | None = None
    ) -> bool: ...
    async def set_quiet_hours(self, site_id: str, quiet_hours: str) -> None: ...


class Preferences(Protocol):
    """Residents' preferences by address and channel."""

    async def get(self, preference_id: object) -> ContactPreference | None: ...
    def add(self, preference: ContactPreference) -> None: ...
    async def of_addresses(
        self, addresses: Collection[tuple[Channel, str]]
    ) -> dict[str, ContactPreference]: ...


class Staff(Protocol):
    """The staff as intake last recorded each of them."""

    async def keep(self, member: StaffMember) -> bool:
        """Keep the record unless a later one of them is kept already; True when kept."""
        ...

    async def at_sites(
        self, site_ids: Collection[str], roles: Collection[str]
    ) -> list[StaffMember]:
        """Those recorded at any of ``site_ids`` with any of ``roles`` (leavers included)."""
        ...

    async def at_site_or_with_roles(
        self, site_id: str, roles: Collection[str]
    ) -> list[StaffMember]:
        """Everyone recorded at ``site_id``, and those at any site with any of ``roles``
        (leavers included)."""
        ...

    async def names(self, staff_ids: Collection[str]) -> dict[str, str]:
        """The names of those of ``staff_ids`` on record, by staff id."""
        ...


class Households(Protocol):
    """The site's units and residents as intake last recorded them."""

    async def keep(self, household: Household) -> bool: ...
    async def keep_member(self, member: Member) -> Kept:
        """Keep the record unless a later one is kept; and the record it replaced."""
        ...

    async def of_site(self, site_id: str) -> list[Household]:
        """The site's units by building and room."""
        ...

    async def members(self, resident_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Member]: ...


class Templates(Protocol):
    """The versions of each template staff wrote, and the approved texts."""

    async def get(self, key: object) -> TemplateHistory | None: ...
    def add(self, history: TemplateHistory) -> None: ...
    async def book(self) -> TemplateBook:
        """The approved version of each template that has one."""
        ...

    def changed(self) -> None:
        """A version was approved or rejected (a process keeping ``book`` reads it again)."""
        ...


class NotificationUnitOfWork(Protocol):
    notifications: NotificationRepository
    site_names: SiteNames
    staff: Staff
    households: Households
    preferences: Preferences
    templates: Templates
    clock: Clock

    async def commit(self) -> Any: ...


class Sms(Protocol):
    """Raises ``MessageRefused`` for a number it will not deliver to, ``Unavailable`` when away,
    ``SmsUndeliverable`` when no provider took it after the retries and the failover; returns
    which provider took it (None when it does not say)."""

    async def send(self, message_id: uuid.UUID, to: str, text: str) -> Taken | None: ...


class Mail(Protocol):
    """Raises ``MessageRefused`` for an address it rejects, ``Unavailable`` when away."""

    async def send(self, message_id: uuid.UUID, to: str, subject: str, body: str) -> None: ...
