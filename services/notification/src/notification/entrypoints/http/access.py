"""Who may call each of notification's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import HOTLINE_DESK, OVERSIGHT, Access, allow
from hotline_libs.auth import Role

BROADCASTERS = frozenset({Role.SITE_MANAGER, Role.SUPERVISOR, Role.DUTY_STAFF})
"""Who sends a broadcast to residents (群发): the site's manager (管理处经理 / 客服中心负责人), who
answers for what the site tells its residents, and the supervisors of customer service — the
central hotline's (呼叫中心主管) and the site's service centre's (客户服务管理员, recorded as duty
staff) — who run the notices day to day. Agents, stewards and technicians do not; finance
publishes statements through billing. Oversight (director, quality head, admin) reads them."""

ACCESS: Access = {
    "list_notifications": allow(
        HOTLINE_DESK, Role.DUTY_STAFF, Role.SITE_MANAGER, OVERSIGHT, personal_data=True
    ),
    "create_broadcast": allow(BROADCASTERS),
    "cancel_broadcast": allow(BROADCASTERS),
    "list_broadcasts": allow(BROADCASTERS, OVERSIGHT),
    "get_broadcast": allow(BROADCASTERS, OVERSIGHT),
    "count_audience": allow(BROADCASTERS, OVERSIGHT),
    "broadcast_report": allow(BROADCASTERS, OVERSIGHT, personal_data=True),
}
