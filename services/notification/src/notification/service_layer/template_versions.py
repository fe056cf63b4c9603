"""Notification's use cases for template versions: write a draft, approve it (four eyes),
reject it; each one write of the template's document."""

from __future__ import annotations

from typing import Any

from notification.domain.commands import (
    ApproveTemplateVersion,
    RejectTemplateVersion,
    WriteTemplateVersion,
)
from notification.domain.messages import SIGNATURE
from notification.domain.template_versions import TemplateHistory, TemplateKey, TemplateVersion
from notification.service_layer.unit_of_work import NotificationUnitOfWork


async def _history(key: TemplateKey, uow: NotificationUnitOfWork) -> TemplateHistory:
    history = await uow.templates.get(str(key))
    if history is None:
        history = TemplateHistory(key)
        uow.templates.add(history)  # two first drafts at once: one clashes and is retried
    return history


async def write_template_version(
    command: WriteTemplateVersion, uow: NotificationUnitOfWork
) -> tuple[TemplateHistory, TemplateVersion]:
    """A new draft, checked against the type's example data (``TemplateProblem``: 422)."""
    history = await _history(command.key, uow)
    draft = history.write(command.text, command.written_by, uow.clock(), SIGNATURE)
    await uow.commit()
    return history, draft


async def approve_template_version(
    command: ApproveTemplateVersion, uow: NotificationUnitOfWork
) -> tuple[TemplateHistory, TemplateVersion]:
    """The draft becomes what residents are sent; the one before it retires."""
    history = await _history(command.key, uow)
    version = history.approve(command.number, command.approved_by, uow.clock())
    await uow.commit()
    uow.templates.changed()
    return history, version


async def reject_template_version(
    command: RejectTemplateVersion, uow: NotificationUnitOfWork
) -> tuple[TemplateHistory, TemplateVersion]:
    history = await _history(command.key, uow)
    version = history.reject(command.number, command.rejected_by, command.reason, uow.clock())
    await uow.commit()
    uow.templates.changed()
    return history, version


TEMPLATE_HANDLERS: dict[type[Any], Any] = {
    WriteTemplateVersion: write_template_version,
    ApproveTemplateVersion: approve_template_version,
    RejectTemplateVersion: reject_template_version,
}
