"""Price lists of the three demo sites (特约服务项目价格表): the ten housekeeping items of the
hotline manual (TAX-07) and common repairs, each list in effect since 1 January 2026 on a filed
rate approval (BIL-04)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.domain.price_list import ItemKind, PriceItem, PriceList, PriceListVersion

IN_EFFECT_SINCE = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))

_BASE = (
    # code, name (zh), name (en), unit, unit price
    ("RP-TAP", "更换水龙头", "Tap replacement", "次", "80.00"),
    ("RP-DRAIN", "疏通下水管道", "Drain unblocking", "次", "60.00"),
    ("RP-SOCKET", "更换插座面板", "Socket panel replacement", "个", "30.00"),
    ("RP-LOCK", "更换门锁锁芯", "Lock cylinder replacement", "个", "120.00"),
    ("RP-LAMP", "更换灯具", "Light fitting replacement", "个", "40.00"),
    ("RP-TOILET", "马桶维修", "Toilet repair", "次", "70.00"),
    ("HK-NEWHOME", "家庭开荒清洁", "New-home deep clean", "㎡", "6.00"),
    ("HK-OFFICE", "写字间开荒清洁", "Office deep clean", "㎡", "5.50"),
    ("HK-CARPET", "地毯清洗", "Carpet cleaning", "㎡", "12.00"),
    ("HK-CARPETCARE", "地毯保养", "Carpet care", "㎡", "8.00"),
    ("HK-WAX", "地板打蜡保洁", "Floor waxing", "㎡", "8.00"),
    ("HK-SOFA", "真皮/布艺沙发清洁保养", "Leather or fabric sofa care", "套", "150.00"),
    ("HK-FURNITURE", "家具保养", "Furniture care", "件", "50.00"),
    ("HK-GLASS", "玻璃清洁", "Glass cleaning", "㎡", "5.00"),
    ("HK-OFFICECARE", "写字间托管保洁", "Contract office cleaning", "㎡·月", "3.00"),
    ("HK-STONE", "石材地面结晶", "Stone-floor crystallisation", "㎡", "25.00"),
)


def _price_list(
    site_id: str, surcharge: Decimal, approval_ref: str, excluded: frozenset[str] = frozenset()
) -> PriceList:
    items = {
        code: PriceItem(
            code,
            name,
            unit,
            (Decimal(price) * surcharge).quantize(Decimal("0.01")),
            name_en=name_en,
            kind=ItemKind.SPECIAL_PAID,
        )
        for code, name, name_en, unit, price in _BASE
        if code not in excluded
    }
    version = PriceListVersion(
        number=1,
        effective_from=IN_EFFECT_SINCE,
        items=items,
        approval_ref=approval_ref,
        recorded_at=IN_EFFECT_SINCE,
        recorded_by="demo data",
    )
    return PriceList(site_id, [version])


DEMO_PRICE_LISTS = (
    _price_list("dmg", Decimal("1.00"), "西物价备〔2025〕118号"),
    _price_list("qjc", Decimal("1.10"), "西物价备〔2025〕121号"),
    _price_list(
        "gxi", Decimal("1.20"), "西物价备〔2025〕126号", frozenset({"HK-NEWHOME", "HK-SOFA"})
    ),
)
