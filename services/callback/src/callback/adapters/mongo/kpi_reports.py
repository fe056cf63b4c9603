"""Sites' monthly KPI reports, prepared, reviewed and approved, in the callback service's database."""

from __future__ import annotations

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from callback.domain.kpis import Kpi, KpiReport, KpiReportStatus, SignOff

KPI_REPORTS = "kpi_reports"


def _sign_off(s: SignOff | None) -> Document | None:
    return None if s is None else {"by": s.by, "at": s.at, "note": s.note}


def _from_sign_off(d: Document | None) -> SignOff | None:
    return None if d is None else SignOff(d["by"], d["at"], d.get("note"))


class MongoKpiReports(AggregateRepository[KpiReport]):
    collection_name = KPI_REPORTS

    def identity(self, aggregate: KpiReport) -> str:
        return f"{aggregate.site_id}:{aggregate.month}"

    def to_document(self, aggregate: KpiReport) -> Document:
        return {
            "site_id": aggregate.site_id,
            "month": aggregate.month,
            "kpis": [
                {
                    "name": k.name,
                    "numerator": k.numerator,
                    "denominator": k.denominator,
                    "target": k.target,
                }
                for k in aggregate.kpis
            ],
            "status": aggregate.status.value,
            "prepared": _sign_off(aggregate.prepared),
            "reviewed": _sign_off(aggregate.reviewed),
            "approved": _sign_off(aggregate.approved),
            "sent_back": _sign_off(aggregate.sent_back),
        }

    def from_document(self, document: Document) -> KpiReport:
        prepared = _from_sign_off(document["prepared"])
        assert prepared is not None
        return KpiReport(
            site_id=document["site_id"],
            month=document["month"],
            kpis=[
                Kpi(k["name"], k["numerator"], k["denominator"], k.get("target"))
                for k in document["kpis"]
            ],
            prepared=prepared,
            status=KpiReportStatus(document["status"]),
            reviewed=_from_sign_off(document.get("reviewed")),
            approved=_from_sign_off(document.get("approved")),
            sent_back=_from_sign_off(document.get("sent_back")),
        )
