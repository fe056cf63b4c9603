"""Price lists of the three demo sites (特约服务项目价格表)."""

from __future__ import annotations

from decimal import Decimal

from billing.domain.price_list import PriceItem, PriceList

_BASE = (
    ("RP-TAP", "更换水龙头", "次", "80.00"),
    ("RP-DRAIN", "疏通下水管道", "次", "60.00"),
    ("RP-SOCKET", "更换插座面板", "个", "30.00"),
    ("RP-LOCK", "更换门锁锁芯", "个", "120.00"),
    ("HK-NEWHOME", "家庭开荒清洁", "㎡", "6.00"),
    ("HK-GLASS", "玻璃清洁", "㎡", "5.00"),
    ("HK-CARPET", "地毯清洗", "㎡", "12.00"),
    ("HK-SOFA", "真皮/布艺沙发清洁保养", "套", "150.00"),
    ("HK-WAX", "地板打蜡保洁", "㎡", "8.00"),
    ("HK-STONE", "石材地面结晶", "㎡", "25.00"),
)


def _price_list(
    site_id: str, surcharge: Decimal, excluded: frozenset[str] = frozenset()
) -> PriceList:
    return PriceList(
        site_id,
        {
            code: PriceItem(
                code, name, unit, (Decimal(price) * surcharge).quantize(Decimal("0.01"))
            )
            for code, name, unit, price in _BASE
            if code not in excluded
        },
    )


DEMO_PRICE_LISTS = (
    _price_list("dmg", Decimal("1.00")),
    _price_list("qjc", Decimal("1.10")),
    _price_list("gxi", Decimal("1.20"), frozenset({"HK-NEWHOME", "HK-SOFA"})),
)
