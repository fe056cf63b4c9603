"""Who uses the platform (domain.md, "Who uses it"): the roles tokens carry and the directory
records for each member of staff. Plain data, so a domain may name them without the web
machinery of ``hotline_libs.auth``."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """Who the user is (domain.md, "Who uses it"); a company's own titles map onto these through
    ``HOTLINE_ROLE_ALIASES``."""

    AGENT = "agent"
    """坐席客服专员: registers calls, owns the complaints they first take, makes callbacks."""
    SUPERVISOR = "supervisor"
    """呼叫中心主管: runs the call centre and its quality control."""
    DUTY_STAFF = "duty_staff"
    """前台值班员 / 客户服务管理员 at a site's service centre or control room."""
    STEWARD = "steward"
    """物业管家: looks after an area of a site, resolves its complaints."""
    TECHNICIAN = "technician"
    """服务人员 / 维修部: does the work on a work order."""
    FINANCE = "finance"
    """管理处财务人员: prices, charges, receipts, bank collection."""
    ADMINISTRATOR = "administrator"
    """综合管理员: compiles records, may make callbacks in the service centre's place."""
    SITE_MANAGER = "site_manager"
    """管理处经理 / 客服中心负责人: rosters, checks and escalations of one site."""
    DIRECTOR = "director"
    """物业服务中心经理 / 主管领导: approves standard answers, reads reports and the audit trail."""
    QUALITY_HEAD = "quality_head"
    """质量控制部部长: spot checks and quality reports."""
    ADMIN = "admin"
    """Runs the platform: sites, users, the audit trail."""
    SITE_SYSTEM = "site_system"
    """A site's own system, feeding requests by machine."""


HOTLINE_ROLES = frozenset(
    {Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.QUALITY_HEAD, Role.ADMIN}
)
"""Roles of the central hotline and the company, whose tokens may cover every site (``*``);
the others work at named sites."""
