"""What the console says, in zh-CN (first) and English.

Kept as one Python table rather than gettext catalogues: the console has a few dozen strings, a
reviewer sees both languages side by side, and nothing needs compiling. The request catalogue's
labels (boards and their items) are here until intake publishes the catalogue as data (the intake
issue); a code without a label is shown as the code.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

TEXT: Mapping[str, tuple[str, str]] = {
    "app": ("物业客服热线 · 工作台", "Hotline console"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "role": ("角色", "Role"),
    "sites": ("项目", "Sites"),
    "all_sites": ("全部项目", "All sites"),
    "your_name": ("姓名", "Your name"),
    "token": ("身份令牌（来自公司统一登录）", "Bearer token (from the company's sign-in)"),
    "dev_sign_in_note": (
        "开发环境：选择角色和项目即可登录。",
        "Development: choose a role and sites to sign in.",
    ),
    "register": ("登记来电", "Register a call"),
    "requests": ("服务请求", "Requests"),
    "site": ("项目", "Site"),
    "building": ("栋", "Building"),
    "room": ("房号", "Room"),
    "resident_name": ("业户姓名", "Resident's name"),
    "phone": ("电话", "Phone"),
    "email": ("电子邮箱（可选）", "E-mail (optional)"),
    "kind": ("板块", "Board"),
    "category": ("类别", "Category"),
    "description": ("内容", "What the resident asked for"),
    "appointment": ("预约时间（可选）", "Appointment (optional)"),
    "submit_register": ("登记", "Register"),
    "registered": ("已登记，编号", "Registered as"),
    "number": ("编号", "Number"),
    "registered_at": ("登记时间", "Registered"),
    "unit": ("房屋", "Unit"),
    "resident": ("业户", "Resident"),
    "status": ("状态", "Status"),
    "any": ("全部", "Any"),
    "from": ("从", "From"),
    "to": ("至", "To"),
    "filter": ("筛选", "Filter"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "of": ("共", "of"),
    "none_found": ("没有符合条件的请求。", "No requests match."),
    "signed_out": ("已退出。", "Signed out."),
    "session_ended": ("登录已失效，请重新登录。", "Your session has ended; please sign in again."),
    "not_for_role": ("您的角色不能使用此页面。", "Your role cannot use this page."),
    "check_fields": ("请检查标出的内容。", "Please check the marked fields."),
    "language": ("English", "中文"),
    "accepted": ("已受理", "accepted"),
    "declined": ("不予受理", "declined"),
    "redirected": ("已指引", "redirected"),
    "caller": ("来电人", "The caller"),
    "caller_unknown": ("该号码不在业户档案中。", "This number is not in the directory."),
    "recent_requests": ("近期请求", "Recent requests"),
    "request": ("服务请求", "Request"),
    "answers": ("统一答复语", "Standard answers"),
    "approvals": ("答复语审批", "Approvals"),
    "owed": ("待答复", "Answers owed"),
    "answer_search": (
        "查找统一答复语（输入来电人的话）",
        "Find a standard answer (the caller's words)",
    ),
    "give_answer": ("按此答复", "Give this answer"),
    "no_answers": ("没有找到已审批的答复语。", "No approved answer found."),
    "promise": ("承诺回复", "Promise a reply"),
    "tier": ("回复时限", "Reply within"),
    "reply": ("记录答复", "Record a reply"),
    "reply_text": ("答复内容", "What the resident was told"),
    "progress_only": ("仅告知进展", "Progress only"),
    "replies": ("答复记录", "Replies"),
    "promises": ("回复承诺", "Promises"),
    "due": ("到期", "Due"),
    "kept": ("已兑现", "Kept"),
    "breached": ("已超时", "Late"),
    "first_answer_due": ("首次答复期限", "First answer due"),
    "timeline": ("处理进度", "Timeline"),
    "document_no": ("文件编号", "Document"),
    "revision": ("版次", "Revision"),
    "question": ("问题", "Question"),
    "answer": ("答复", "Answer"),
    "topic": ("类别", "Topic"),
    "approved_by": ("批准人", "Approved by"),
    "drafted_by": ("起草人", "Drafted by"),
    "draft_answer": ("起草答复语", "Draft a standard answer"),
    "drafted": ("已提交审批，文件编号", "Sent for approval as"),
    "approve": ("批准", "Approve"),
    "approved": ("已批准", "Approved"),
    "in_use": ("在用", "in use"),
    "draft": ("待审批", "draft"),
    "withdrawn": ("已废止", "withdrawn"),
    "current_text": ("现行版本", "In use now"),
    "nothing_to_approve": ("没有待审批的答复语。", "Nothing awaits approval."),
    "nothing_owed": ("没有待答复的请求。", "No answer is owed."),
    "owed_what": ("待答复事项", "Owed"),
    "first_answer": ("首次答复", "First answer"),
    "words": ("关键词（来电人的话）", "Words (the caller's)"),
    "words_find_in_use": (
        "按关键词查找只列出在用的答复语，最匹配的在前。",
        "Searching by words lists answers in use only, the best match first.",
    ),
    "awaiting_approval": ("待审批", "Awaiting approval"),
    "due_for_revision": ("需修订", "Due for revision"),
    "no_answers_listed": ("没有符合条件的答复语。", "No standard answers match."),
    "standard_answer_doc": ("统一答复语", "Standard answer"),
    "not_approved_yet": ("尚未批准，暂不可答复来电人。", "Not approved yet: not given to callers."),
    "redraft": ("修订答复语", "Redraft"),
    "send_for_approval": ("提交审批", "Send for approval"),
    "withdraw": ("废止", "Withdraw"),
    "withdraw_note": (
        "废止后不再用于答复来电人，记录保留。",
        "Once withdrawn it is no longer given to callers; the record is kept.",
    ),
    "10_minutes": ("10分钟内", "within 10 minutes"),
    "20_minutes": ("20分钟内", "within 20 minutes"),
    "30_minutes": ("30分钟内", "within 30 minutes"),
    "1_working_day": ("1个工作日内", "within 1 working day"),
    "2_working_days": ("2个工作日内", "within 2 working days"),
    "3_working_days": ("3个工作日内", "within 3 working days"),
    "standard_answer": ("统一答复", "standard answer"),
    "progress": ("进展", "progress"),
    "incidents": ("突发事件", "Incidents"),
    "report": ("月度报表", "Monthly report"),
    "declare": ("发布事件", "Declare"),
    "title": ("标题", "Title"),
    "script": ("来电答复口径", "What callers are told"),
    "buildings": ("涉及楼栋（逗号分隔，可空）", "Buildings (comma-separated, optional)"),
    "calls": ("来电", "calls"),
    "open": ("进行中", "open"),
    "closed": ("已结束", "closed"),
    "no_incidents": ("没有进行中的事件。", "No incident is open."),
    "month": ("月份", "Month"),
    "show": ("查看", "Show"),
    "registered_count": ("登记", "Registered"),
    "accepted_count": ("受理", "Accepted"),
    "declined_count": ("不受理", "Declined"),
    "redirected_count": ("指引", "Redirected"),
    "promises_kept": ("按时回复", "Replies on time"),
    "first_overdue": ("首次答复超时", "First answers late"),
    "water_outage": ("停水", "Water outage"),
    "power_outage": ("停电", "Power outage"),
    "gas_outage": ("停气", "Gas outage"),
    "lift_out_of_service": ("电梯停用", "Lift out of service"),
    "lift_entrapment": ("困梯", "Lift entrapment"),
    "fire_alarm": ("火警", "Fire alarm"),
    "typhoon": ("台风", "Typhoon"),
    "public_security": ("治安事件", "Public security"),
    "other": ("其他", "Other"),
    # -- complaints and their clocks (CMP-04..CMP-21) --
    "complaints": ("投诉", "Complaints"),
    "complaint": ("投诉", "Complaint"),
    "complaints_open": ("处理中", "Open"),
    "complaints_resolved": ("已解决", "Resolved"),
    "complaints_all": ("全部", "All"),
    "no_complaints": ("没有符合条件的投诉。", "No complaints match."),
    "resolved": ("已解决", "resolved"),
    "needs_attention": ("需跟进", "needs attention"),
    "clocks": ("时限", "Clocks"),
    "clock_reply": ("答复时限（2小时）", "Reply due (2 hours)"),
    "clock_register": ("登记表完成（当日）", "Register due (same day)"),
    "clock_escalation": ("逐级上报", "Escalation"),
    "clock_resolution": ("处理时限（一般24小时）", "Resolution target (24 hours)"),
    "clock_stopped": ("已停止", "stopped"),
    "done_reply": ("已答复", "Answered"),
    "done_register": ("已完成", "Completed"),
    "done_resolution": ("已解决", "Resolved"),
    "escalated": ("已升级", "escalated"),
    "level_duty_staff": ("值班员", "Duty staff"),
    "level_supervisor": ("客服主管", "Supervisor"),
    "level_higher_manager": ("上级经理", "Higher manager"),
    "target_with_supervisor": (
        "升至主管后显示",
        "shown once with the supervisor",
    ),
    "resolution_target_note": (
        "处理时限为升至上级经理的时间（一般24小时）；投诉升至客服主管后才显示。",
        "The resolution target is when the complaint would reach the higher manager (generally "
        "24 hours); it is shown once the complaint is with the supervisor.",
    ),
    "first_responsible": ("首问责任人", "First-contact owner"),
    "second_complaint": ("二次投诉，原投诉", "Second complaint, of"),
    "complaint_register": ("客户投诉登记表", "Complaint register"),
    "assessment": ("评估", "Assessment"),
    "not_assessed": ("尚未评估。", "Not assessed yet."),
    "assess": ("评估投诉", "Assess"),
    "validity": ("有效性", "Valid or not"),
    "valid": ("有效投诉", "valid"),
    "invalid": ("无效投诉", "invalid"),
    "grade": ("等级", "Grade"),
    "grade_minor": ("轻微", "minor"),
    "grade_general": ("一般", "general"),
    "grade_serious": ("严重", "serious"),
    "grade_major": ("重大", "major"),
    "reason": ("理由", "Reason"),
    "sent_to": ("派发部门（有效投诉必填）", "Sent to (a valid complaint must be)"),
    "no_department": ("不派发", "Not sent"),
    "department": ("部门", "Department"),
    "department_maintenance": ("工程维修部", "Maintenance"),
    "department_housekeeping": ("环境保洁部", "Housekeeping"),
    "department_marketing": ("市场部", "Marketing"),
    "department_quality_control": ("质量控制部", "Quality control"),
    "department_planning_finance": ("计划财务部", "Planning and finance"),
    "department_customer_service": ("客户服务中心", "Customer service"),
    "department_security": ("安全护卫部", "Security"),
    "handling_plan": ("处理方案", "Handling plan"),
    "attach_plan": ("提交处理方案", "Attach the handling plan"),
    "resolution": ("处理结果", "Resolution"),
    "resolve": ("处理完毕", "Resolve"),
    "outcome": ("处理结果", "Outcome"),
    "resident_satisfied": ("业户是否满意", "Resident satisfied?"),
    "satisfied_unknown": ("未知", "Not known"),
    "satisfied_yes": ("满意", "satisfied"),
    "satisfied_no": ("不满意", "not satisfied"),
    "representative": ("代表性案例", "representative case"),
    "mark_representative": ("标记为代表性案例", "Mark as a representative case"),
    "unmark_representative": ("取消代表性案例", "No longer a representative case"),
    "done_form_assessment": ("已评估。", "Assessed."),
    "done_form_plan": ("处理方案已提交。", "Handling plan attached."),
    "done_form_resolution": ("已处理完毕，时限停止。", "Resolved: its clocks stopped."),
    "done_form_representative": ("已更新代表性案例标记。", "Representative case mark changed."),
    "not_a_complaint": ("该请求不是投诉。", "This request is not a complaint."),
}

ROLES: Mapping[str, tuple[str, str]] = {
    "agent": ("坐席客服专员", "Hotline agent"),
    "supervisor": ("呼叫中心主管", "Call-centre supervisor"),
    "duty_staff": ("前台值班员", "Duty staff"),
    "steward": ("物业管家", "Steward"),
    "technician": ("维修人员", "Technician"),
    "finance": ("财务", "Finance"),
    "administrator": ("综合管理员", "Administrator"),
    "site_manager": ("管理处经理", "Site manager"),
    "director": ("物业服务中心经理", "Director"),
    "quality_head": ("质量控制部部长", "Quality-control head"),
    "admin": ("系统管理员", "Platform admin"),
    "site_system": ("项目系统", "Site system"),
}

KINDS: Mapping[str, tuple[str, str]] = {
    "consultation": ("咨询", "Consultation"),
    "repair": ("报修", "Repair"),
    "complaint": ("投诉", "Complaint"),
    "callback": ("回访", "Callback"),
    "value_added": ("社区增值服务", "Value-added service"),
    "housekeeping": ("家政保洁", "Housekeeping"),
    "information": ("信息收集", "Information"),
}

CATEGORIES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "consultation": {
        "property_service": ("物业服务", "Property service"),
        "project": ("项目情况", "Projects"),
        "community_event": ("社区活动", "Community events"),
        "call_transfer": ("转接电话", "Call transfer"),
        "convenience": ("便民信息", "Convenience information"),
        "other": ("其他", "Other"),
    },
    "repair": {
        "common_area": ("公共区域", "Common area"),
        "own_unit": ("自用部位", "The unit's own parts"),
        "other_paid": ("其他有偿维修", "Other paid repair"),
    },
    "complaint": {
        "service_quality": ("服务质量", "Service quality"),
        "construction_quality": ("工程质量", "Construction quality"),
        "renovation_quality": ("装修质量", "Renovation quality"),
        "repair": ("维修", "Repair"),
        "historical_issue": ("历史遗留问题", "Historical issue"),
        "facilities": ("设施设备", "Facilities"),
        "environment": ("环境", "Environment"),
        "other": ("其他", "Other"),
    },
    "housekeeping": {
        "new_home_clean": ("家庭开荒", "New-home deep clean"),
        "office_deep_clean": ("写字间开荒", "Office deep clean"),
        "carpet_cleaning": ("地毯清洗", "Carpet cleaning"),
        "carpet_care": ("地毯保养", "Carpet care"),
        "floor_waxing": ("地板打蜡", "Floor waxing"),
        "sofa_care": ("沙发保养", "Sofa care"),
        "furniture_care": ("家具保养", "Furniture care"),
        "glass_cleaning": ("玻璃清洗", "Glass cleaning"),
        "office_contract_cleaning": ("写字间托管保洁", "Office contract cleaning"),
        "stone_crystallisation": ("石材结晶", "Stone crystallisation"),
    },
}


def pick(language: str, pair: tuple[str, str]) -> str:
    return pair[1] if language == "en" else pair[0]


def translator(language: str) -> dict[str, object]:
    """What templates use: ``t("key")``, ``role_label``, ``kind_label``, ``category_label``."""

    def t(key: str) -> str:
        return pick(language, TEXT[key]) if key in TEXT else key

    def role_label(role: str) -> str:
        return pick(language, ROLES[role]) if role in ROLES else role

    def kind_label(kind: str) -> str:
        return pick(language, KINDS[kind]) if kind in KINDS else kind

    def category_label(kind: str, category: str) -> str:
        label = CATEGORIES.get(kind, {}).get(category)
        return pick(language, label) if label else category

    return {
        "t": t,
        "role_label": role_label,
        "kind_label": kind_label,
        "category_label": category_label,
        "language": language,
    }


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's choice, else the browser's first language we speak, else Chinese."""
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    return DEFAULT_LANGUAGE
