"""Scrutiny: bodies, members, meetings, agendas, reports, minutes, actions, work programme.

Publications (the agenda as published) and the event log are append-only in
the database itself; approved minutes, their items and resolutions cannot be
updated or deleted either (a correction is a new version).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casebook.migrations.append_only import drop_append_only, make_append_only

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("cb_scrutiny_publication", "cb_scrutiny_event")
#: table -> SQL giving the status of the minutes a row belongs to (OLD/NEW row alias).
APPROVED_GUARDS = {
    "cb_scrutiny_minutes": "{row}.status",
    "cb_scrutiny_minute_item": (
        "(SELECT status FROM cb_scrutiny_minutes WHERE id = {row}.minutes_id)"
    ),
    "cb_scrutiny_resolution": (
        "(SELECT m.status FROM cb_scrutiny_minutes m JOIN cb_scrutiny_minute_item i "
        "ON i.minutes_id = m.id WHERE i.id = {row}.minute_item_id)"
    ),
}


def _approved_guards() -> None:
    """Approved minutes never change: refuse UPDATE/DELETE of them (and INSERT into them)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, status in APPROVED_GUARDS.items():
        verbs = [("UPDATE", "OLD", "NEW"), ("DELETE", "OLD", "OLD")]
        if table != "cb_scrutiny_minutes":
            verbs.append(("INSERT", "NEW", "NEW"))
        for verb, row, returned in verbs:
            name = f"{table}_approved_no_{verb.lower()}"
            condition = status.format(row=row) + " = 'approved'"
            if sqlite:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} FOR EACH ROW "
                    f"WHEN {condition} "
                    f"BEGIN SELECT RAISE(ABORT, 'approved minutes cannot change'); END"
                )
            else:
                op.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                    f"IF {condition} THEN RAISE EXCEPTION 'approved minutes cannot change'; "
                    f"END IF; RETURN {returned}; END $$ LANGUAGE plpgsql"
                )
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )


def _drop_approved_guards() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in APPROVED_GUARDS:
        for verb in ("update", "delete", "insert"):
            name = f"{table}_approved_no_{verb}"
            if sqlite:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade() -> None:
    op.create_table(
        "cb_scrutiny_body",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("remit", sa.Text(), nullable=True),
        sa.Column("quorum", sa.Integer(), nullable=True),
        sa.Column("online_counts_for_quorum", sa.Boolean(), nullable=False),
        sa.Column("reports_to_id", sa.String(length=32), nullable=True),
        sa.Column("escalates_to_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalates_to_id"],
            ["cb_scrutiny_body.id"],
            name=op.f("fk_cb_scrutiny_body_escalates_to_id_cb_scrutiny_body"),
        ),
        sa.ForeignKeyConstraint(
            ["reports_to_id"],
            ["cb_scrutiny_body.id"],
            name=op.f("fk_cb_scrutiny_body_reports_to_id_cb_scrutiny_body"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_body")),
        sa.UniqueConstraint("name", name=op.f("uq_cb_scrutiny_body_name")),
    )
    op.create_table(
        "cb_scrutiny_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_event")),
    )
    with op.batch_alter_table("cb_scrutiny_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cb_scrutiny_event_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_event_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cb_scrutiny_setting")),
    )
    op.create_table(
        "cb_scrutiny_meeting",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=True),
        sa.Column("venue", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["cb_scrutiny_body.id"],
            name=op.f("fk_cb_scrutiny_meeting_body_id_cb_scrutiny_body"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_meeting")),
    )
    with op.batch_alter_table("cb_scrutiny_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_meeting_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_meeting_meeting_date"), ["meeting_date"], unique=False
        )

    op.create_table(
        "cb_scrutiny_member",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("party", sa.String(length=60), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("voting", sa.Boolean(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["cb_scrutiny_body.id"],
            name=op.f("fk_cb_scrutiny_member_body_id_cb_scrutiny_body"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_member")),
    )
    with op.batch_alter_table("cb_scrutiny_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_member_body_id"), ["body_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_action",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=True),
        sa.Column("resolution_key", sa.String(length=80), nullable=True),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["cb_scrutiny_body.id"],
            name=op.f("fk_cb_scrutiny_action_body_id_cb_scrutiny_body"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_action_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_action")),
    )
    with op.batch_alter_table("cb_scrutiny_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_action_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_action_due_date"), ["due_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_action_resolution_key"), ["resolution_key"], unique=False
        )

    op.create_table(
        "cb_scrutiny_agenda_item",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("group_title", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("presenter", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("page_from", sa.Integer(), nullable=True),
        sa.Column("page_to", sa.Integer(), nullable=True),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("exempt_reason", sa.Text(), nullable=True),
        sa.Column("report_to_follow", sa.Boolean(), nullable=False),
        sa.Column("verbal_update", sa.Boolean(), nullable=False),
        sa.Column("figures_title", sa.Text(), nullable=True),
        sa.Column("figures_json", sa.Text(), nullable=True),
        sa.Column("figures_frozen_at", sa.DateTime(), nullable=True),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_agenda_item_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_agenda_item")),
    )
    with op.batch_alter_table("cb_scrutiny_agenda_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_agenda_item_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_attendance",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("substitute_for_id", sa.String(length=32), nullable=True),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_attendance_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["cb_scrutiny_member.id"],
            name=op.f("fk_cb_scrutiny_attendance_member_id_cb_scrutiny_member"),
        ),
        sa.ForeignKeyConstraint(
            ["substitute_for_id"],
            ["cb_scrutiny_member.id"],
            name=op.f("fk_cb_scrutiny_attendance_substitute_for_id_cb_scrutiny_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_attendance")),
    )
    with op.batch_alter_table("cb_scrutiny_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_attendance_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_minutes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("corrects_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("approved_at_meeting_id", sa.String(length=32), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("amendments", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_at_meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_minutes_approved_at_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["cb_scrutiny_minutes.id"],
            name=op.f("fk_cb_scrutiny_minutes_corrects_id_cb_scrutiny_minutes"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_minutes_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_minutes")),
        sa.UniqueConstraint(
            "meeting_id", "version", name=op.f("uq_cb_scrutiny_minutes_meeting_id")
        ),
    )
    with op.batch_alter_table("cb_scrutiny_minutes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_minutes_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_publication",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("published_by", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("public_json", sa.Text(), nullable=False),
        sa.Column("full_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_publication_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_publication")),
        sa.UniqueConstraint(
            "meeting_id", "version", name=op.f("uq_cb_scrutiny_publication_meeting_id")
        ),
    )
    with op.batch_alter_table("cb_scrutiny_publication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_publication_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_wp_item",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("body_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead_author", sa.Text(), nullable=True),
        sa.Column("priority", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("tests_json", sa.Text(), nullable=False),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("pre_decision", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=15), nullable=False),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["cb_scrutiny_body.id"],
            name=op.f("fk_cb_scrutiny_wp_item_body_id_cb_scrutiny_body"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_wp_item_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_wp_item")),
    )
    with op.batch_alter_table("cb_scrutiny_wp_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_wp_item_body_id"), ["body_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_declaration",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("agenda_item_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("left_room", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["cb_scrutiny_agenda_item.id"],
            name=op.f("fk_cb_scrutiny_declaration_agenda_item_id_cb_scrutiny_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["cb_scrutiny_meeting.id"],
            name=op.f("fk_cb_scrutiny_declaration_meeting_id_cb_scrutiny_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_declaration")),
    )
    with op.batch_alter_table("cb_scrutiny_declaration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_declaration_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_document",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("agenda_item_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["cb_scrutiny_agenda_item.id"],
            name=op.f("fk_cb_scrutiny_document_agenda_item_id_cb_scrutiny_agenda_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_document")),
    )
    with op.batch_alter_table("cb_scrutiny_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_document_agenda_item_id"), ["agenda_item_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_minute_item",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("minutes_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["cb_scrutiny_minutes.id"],
            name=op.f("fk_cb_scrutiny_minute_item_minutes_id_cb_scrutiny_minutes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_minute_item")),
    )
    with op.batch_alter_table("cb_scrutiny_minute_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_minute_item_minutes_id"), ["minutes_id"], unique=False
        )

    op.create_table(
        "cb_scrutiny_report",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("agenda_item_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("designation", sa.String(length=5), nullable=True),
        sa.Column("lead_cabinet_members", sa.Text(), nullable=True),
        sa.Column("key_decision", sa.Boolean(), nullable=True),
        sa.Column("forward_plan", sa.Boolean(), nullable=True),
        sa.Column("wards", sa.Text(), nullable=True),
        sa.Column("accountable_director", sa.Text(), nullable=True),
        sa.Column("originating_service", sa.Text(), nullable=True),
        sa.Column("accountable_employee", sa.Text(), nullable=True),
        sa.Column("employee_job_title", sa.Text(), nullable=True),
        sa.Column("employee_contact", sa.Text(), nullable=True),
        sa.Column("route_json", sa.Text(), nullable=False),
        sa.Column("recommendations_decision_json", sa.Text(), nullable=False),
        sa.Column("recommendations_noting_json", sa.Text(), nullable=False),
        sa.Column("implications_json", sa.Text(), nullable=False),
        sa.Column("background_papers", sa.Text(), nullable=True),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["cb_scrutiny_agenda_item.id"],
            name=op.f("fk_cb_scrutiny_report_agenda_item_id_cb_scrutiny_agenda_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_report")),
    )
    with op.batch_alter_table("cb_scrutiny_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_report_agenda_item_id"), ["agenda_item_id"], unique=True
        )

    op.create_table(
        "cb_scrutiny_resolution",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("minute_item_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["minute_item_id"],
            ["cb_scrutiny_minute_item.id"],
            name=op.f("fk_cb_scrutiny_resolution_minute_item_id_cb_scrutiny_minute_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_scrutiny_resolution")),
    )
    with op.batch_alter_table("cb_scrutiny_resolution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cb_scrutiny_resolution_key"), ["key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cb_scrutiny_resolution_minute_item_id"), ["minute_item_id"], unique=False
        )

    for table in APPEND_ONLY:
        make_append_only(table)
    _approved_guards()


def downgrade() -> None:
    _drop_approved_guards()
    for table in APPEND_ONLY:
        drop_append_only(table)
    with op.batch_alter_table("cb_scrutiny_resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_resolution_minute_item_id"))
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_resolution_key"))

    op.drop_table("cb_scrutiny_resolution")
    with op.batch_alter_table("cb_scrutiny_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_report_agenda_item_id"))

    op.drop_table("cb_scrutiny_report")
    with op.batch_alter_table("cb_scrutiny_minute_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_minute_item_minutes_id"))

    op.drop_table("cb_scrutiny_minute_item")
    with op.batch_alter_table("cb_scrutiny_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_document_agenda_item_id"))

    op.drop_table("cb_scrutiny_document")
    with op.batch_alter_table("cb_scrutiny_declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_declaration_meeting_id"))

    op.drop_table("cb_scrutiny_declaration")
    with op.batch_alter_table("cb_scrutiny_wp_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_wp_item_body_id"))

    op.drop_table("cb_scrutiny_wp_item")
    with op.batch_alter_table("cb_scrutiny_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_publication_meeting_id"))

    op.drop_table("cb_scrutiny_publication")
    with op.batch_alter_table("cb_scrutiny_minutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_minutes_meeting_id"))

    op.drop_table("cb_scrutiny_minutes")
    with op.batch_alter_table("cb_scrutiny_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_attendance_meeting_id"))

    op.drop_table("cb_scrutiny_attendance")
    with op.batch_alter_table("cb_scrutiny_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_agenda_item_meeting_id"))

    op.drop_table("cb_scrutiny_agenda_item")
    with op.batch_alter_table("cb_scrutiny_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_action_resolution_key"))
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_action_due_date"))
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_action_body_id"))

    op.drop_table("cb_scrutiny_action")
    with op.batch_alter_table("cb_scrutiny_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_member_body_id"))

    op.drop_table("cb_scrutiny_member")
    with op.batch_alter_table("cb_scrutiny_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_meeting_meeting_date"))
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_meeting_body_id"))

    op.drop_table("cb_scrutiny_meeting")
    op.drop_table("cb_scrutiny_setting")
    with op.batch_alter_table("cb_scrutiny_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_event_entity_id"))
        batch_op.drop_index(batch_op.f("ix_cb_scrutiny_event_at"))

    op.drop_table("cb_scrutiny_event")
    op.drop_table("cb_scrutiny_body")
