"""Special educational needs: EHC needs requests, assessments and plans (SSD's SEND tables)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow


class Send(RecordRow, Base):
    __tablename__ = "ssd_send"

    send_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    send_upn: Mapped[str | None] = mapped_column(String)
    send_uln: Mapped[str | None] = mapped_column(String)
    send_upn_unknown: Mapped[str | None] = mapped_column(String)
    send_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )


class EhcpRequest(RecordRow, Base):
    __tablename__ = "ssd_ehcp_requests"

    ehcr_ehcp_request_id: Mapped[str] = mapped_column(String, primary_key=True)
    ehcr_send_table_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_send.send_table_id"), index=True
    )
    ehcr_ehcp_req_date: Mapped[date | None] = mapped_column(Date)
    ehcr_ehcp_req_outcome_date: Mapped[date | None] = mapped_column(Date)
    ehcr_ehcp_req_outcome: Mapped[str | None] = mapped_column(String)


class EhcpAssessment(RecordRow, Base):
    __tablename__ = "ssd_ehcp_assessment"

    ehca_ehcp_assessment_id: Mapped[str] = mapped_column(String, primary_key=True)
    ehca_ehcp_request_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_ehcp_requests.ehcr_ehcp_request_id"), index=True
    )
    ehca_ehcp_assessment_outcome_date: Mapped[date | None] = mapped_column(Date)
    ehca_ehcp_assessment_outcome: Mapped[str | None] = mapped_column(String)
    ehca_ehcp_assessment_exceptions: Mapped[str | None] = mapped_column(String)


class EhcpNamedPlan(RecordRow, Base):
    __tablename__ = "ssd_ehcp_named_plan"

    ehcn_named_plan_id: Mapped[str] = mapped_column(String, primary_key=True)
    ehcn_ehcp_asmt_id: Mapped[str | None] = mapped_column(String)
    ehcn_named_plan_start_date: Mapped[date | None] = mapped_column(Date)
    ehcn_named_plan_ceased_date: Mapped[date | None] = mapped_column(Date)
    ehcn_named_plan_ceased_reason: Mapped[str | None] = mapped_column(String)


class EhcpActivePlan(RecordRow, Base):
    __tablename__ = "ssd_ehcp_active_plans"

    ehcp_active_ehcp_id: Mapped[str] = mapped_column(String, primary_key=True)
    ehcp_ehcp_request_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_ehcp_requests.ehcr_ehcp_request_id"), index=True
    )
    ehcp_active_ehcp_last_review_date: Mapped[date | None] = mapped_column(Date)


class SenNeed(RecordRow, Base):
    __tablename__ = "ssd_sen_need"

    senn_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    senn_active_ehcp_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_ehcp_active_plans.ehcp_active_ehcp_id"), index=True
    )
    senn_active_ehcp_need_type: Mapped[str | None] = mapped_column(String)
    senn_active_ehcp_need_rank: Mapped[str | None] = mapped_column(Flag)
