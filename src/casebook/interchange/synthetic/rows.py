"""The rows one chunk of the city writes, as plain tuples per table.

Each table's column order is declared once here; the simulation appends
tuples in that order and the driver hands them to
:func:`casebook.interchange.bulk.insert_rows`. Tables are listed in an order
that satisfies every foreign key, so SQLite (which enforces them) accepts each
chunk as it is written.
"""

from __future__ import annotations

#: Table -> columns, in an order every foreign key is satisfied by.
LAYOUT: dict[str, tuple[str, ...]] = {
    "ssd_person": (
        "pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_gender",
        "pers_ethnicity", "pers_dob", "pers_upn_unknown", "pers_send_flag",
        "pers_nationality", "pers_legacy_id", "cb_person_type",
    ),
    "ssd_family": ("fami_table_id", "fami_family_id", "fami_person_id"),
    "person_relationship": (
        "id", "person_id", "related_person_id", "relationship", "start_date", "end_date",
    ),
    "ssd_address": (
        "addr_table_id", "addr_address_json", "addr_person_id", "addr_address_type",
        "addr_address_start_date", "addr_address_end_date", "addr_address_postcode",
    ),
    "ssd_disability": ("disa_table_id", "disa_person_id", "disa_disability_code"),
    "ssd_immigration_status": (
        "immi_immigration_status_id", "immi_person_id", "immi_immigration_status",
        "immi_immigration_status_start_date", "immi_immigration_status_end_date",
    ),
    "ssd_send": ("send_table_id", "send_upn", "send_uln", "send_upn_unknown", "send_person_id"),
    "ssd_contacts": (
        "cont_contact_id", "cont_person_id", "cont_contact_date", "cont_contact_source_code",
        "cont_contact_source_desc", "cont_contact_outcome_json", "cb_contact_who",
        "cb_concerns", "cb_decision", "cb_decision_date", "cb_decision_reason",
    ),
    "contact_person": ("id", "contact_id", "person_id", "role_in_contact"),
    "ssd_early_help_episodes": (
        "earl_episode_id", "earl_person_id", "earl_episode_start_date", "earl_episode_end_date",
        "earl_episode_reason", "earl_episode_end_reason", "earl_episode_organisation",
        "earl_episode_worker_id",
    ),
    "cb_early_help_assessment": ("id", "person_id", "episode_id", "assessment_date", "summary"),
    "cb_early_help_plan": (
        "id", "person_id", "episode_id", "plan_date", "team_around_family", "outcomes",
    ),
    "cb_outcome_star": (
        "id", "person_id", "episode_id", "star_date", "reading", "scores_json", "total",
    ),
    "ssd_cin_episodes": (
        "cine_referral_id", "cine_person_id", "cine_referral_date", "cine_cin_primary_need_code",
        "cine_referral_source_code", "cine_referral_source_desc", "cine_referral_outcome_json",
        "cine_referral_nfa", "cine_close_reason", "cine_close_date", "cine_referral_team",
        "cine_referral_worker_id",
    ),
    "ssd_cin_assessments": (
        "cina_assessment_id", "cina_person_id", "cina_referral_id", "cina_assessment_start_date",
        "cina_assessment_child_seen", "cina_assessment_auth_date",
        "cina_assessment_outcome_json", "cina_assessment_outcome_nfa", "cina_assessment_team",
        "cina_assessment_worker_id", "cb_child_seen_date", "cb_completed_on",
        "cb_authorisation_status", "cb_authorised_by", "cb_authorised_on",
    ),
    "ssd_assessment_factors": (
        "cinf_table_id", "cinf_assessment_id", "cinf_assessment_factors_json",
    ),
    "ssd_cin_plans": (
        "cinp_cin_plan_id", "cinp_referral_id", "cinp_person_id", "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date", "cinp_cin_plan_team", "cinp_cin_plan_worker_id",
        "cb_authorisation_status", "cb_authorised_by", "cb_authorised_on",
    ),
    "ssd_cin_visits": (
        "cinv_cin_visit_id", "cinv_person_id", "cinv_cin_visit_date", "cinv_cin_visit_seen",
        "cinv_cin_visit_seen_alone", "cinv_cin_visit_bedroom",
    ),
    "strategy_discussion": (
        "id", "person_id", "referral_id", "discussion_date", "outcome_s47", "worker_id",
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id", "s47e_referral_id", "s47e_person_id", "s47e_s47_start_date",
        "s47e_s47_end_date", "s47e_s47_nfa", "s47e_s47_outcome_json",
        "s47e_s47_completed_by_worker_id", "s47e_s47_completed_by_team",
        "cb_strategy_discussion_id", "cb_icpc_not_required",
    ),
    "ssd_initial_cp_conference": (
        "icpc_icpc_id", "icpc_icpc_meeting_id", "icpc_s47_enquiry_id", "icpc_person_id",
        "icpc_cp_plan_id", "icpc_referral_id", "icpc_icpc_transfer_in", "icpc_icpc_target_date",
        "icpc_icpc_date", "icpc_icpc_outcome_cp_flag", "icpc_icpc_outcome_json",
        "icpc_icpc_team", "icpc_icpc_worker_id",
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id", "cppl_referral_id", "cppl_icpc_id", "cppl_person_id",
        "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", "cppl_cp_plan_initial_category",
        "cppl_cp_plan_ola", "cppl_cp_plan_latest_category", "cb_authorisation_status",
        "cb_authorised_by", "cb_authorised_on",
    ),
    "ssd_cp_reviews": (
        "cppr_cp_review_id", "cppr_person_id", "cppr_cp_plan_id", "cppr_cp_review_due",
        "cppr_cp_review_date", "cppr_cp_review_meeting_id", "cppr_cp_review_outcome_continue_cp",
        "cppr_cp_review_quorate", "cppr_cp_review_participation",
    ),
    "ssd_cp_visits": (
        "cppv_cp_visit_id", "cppv_person_id", "cppv_cp_plan_id", "cppv_cp_visit_date",
        "cppv_cp_visit_seen", "cppv_cp_visit_seen_alone", "cppv_cp_visit_bedroom",
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date",
        "clae_cla_episode_start_reason", "clae_cla_primary_need_code",
        "clae_cla_episode_ceased_date", "clae_cla_episode_ceased_reason", "clae_cla_id",
        "clae_referral_id", "clae_cla_placement_id", "clae_entered_care_date",
        "clae_cla_last_iro_contact_date",
    ),
    "ssd_legal_status": (
        "lega_legal_status_id", "lega_person_id", "lega_legal_status",
        "lega_legal_status_start_date", "lega_legal_status_end_date",
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_id", "clap_cla_placement_start_date", "clap_cla_placement_type",
        "clap_cla_placement_urn", "clap_cla_placement_distance", "clap_cla_id",
        "clap_cla_placement_provider", "clap_cla_placement_postcode",
        "clap_cla_placement_end_date", "clap_cla_placement_change_reason", "clap_person_id",
    ),
    "ssd_cla_care_plan": (
        "lacp_table_id", "lacp_person_id", "lacp_cla_care_plan_start_date",
        "lacp_cla_care_plan_end_date", "lacp_cla_care_plan_json",
    ),
    "ssd_cla_reviews": (
        "clar_cla_review_id", "clar_cla_id", "clar_cla_review_due_date", "clar_cla_review_date",
        "clar_cla_review_cancelled", "clar_cla_review_participation",
    ),
    "ssd_cla_visits": (
        "clav_cla_visit_id", "clav_cla_id", "clav_person_id", "clav_cla_visit_date",
        "clav_cla_visit_seen", "clav_cla_visit_seen_alone",
    ),
    "ssd_cla_health": (
        "clah_health_check_id", "clah_person_id", "clah_health_check_type",
        "clah_health_check_date", "clah_health_check_status",
    ),
    "education_plan": ("id", "person_id", "pep_date", "school_urn", "notes"),
    "ssd_sdq_scores": (
        "csdq_table_id", "csdq_person_id", "csdq_sdq_completed_date", "csdq_sdq_reason",
        "csdq_sdq_score",
    ),
    "ssd_missing": (
        "miss_table_id", "miss_person_id", "miss_missing_episode_start_date",
        "miss_missing_episode_type", "miss_missing_episode_end_date", "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted", "cb_rhi_offered_date", "cb_rhi_done_date",
    ),
    "exploitation_screening": (
        "id", "person_id", "screening_date", "exploitation_type", "risk_level", "mace_date",
        "worker_id",
    ),
    "cb_mace_meeting": ("id", "person_id", "screening_id", "meeting_date", "risk_level", "actions"),
    "ssd_permanence": (
        "perm_table_id", "perm_person_id", "perm_cla_id", "perm_adm_decision_date",
        "perm_ffa_cp_decision_date", "perm_placement_order_date",
        "perm_placed_for_adoption_date", "perm_matched_date", "perm_adopted_by_carer_flag",
        "perm_placed_ffa_cp_date", "perm_decision_reversed_date",
        "perm_placed_foster_carer_date", "perm_part_of_sibling_group",
        "perm_siblings_placed_together", "perm_siblings_placed_apart",
        "perm_placement_provider_urn", "perm_decision_reversed_reason",
        "perm_permanence_order_date", "perm_permanence_order_type", "perm_adoption_worker_id",
        "perm_adopter_sex", "perm_adopter_legal_status", "perm_number_of_adopters",
    ),
    "ssd_care_leavers": (
        "clea_table_id", "clea_person_id", "clea_care_leaver_eligibility",
        "clea_care_leaver_in_touch", "clea_care_leaver_latest_contact",
        "clea_care_leaver_accommodation", "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity", "clea_pathway_plan_review_date",
        "clea_care_leaver_personal_advisor", "clea_care_leaver_allocated_team",
        "clea_care_leaver_worker_id",
    ),
    "ssd_involvements": (
        "invo_involvements_id", "invo_professional_id", "invo_professional_role_id",
        "invo_professional_team", "invo_involvement_start_date", "invo_involvement_end_date",
        "invo_worker_change_reason", "invo_person_id", "invo_referral_id",
    ),
}  # fmt: skip

#: Written once, before any chunk: the teams and the people in them.
WORKFORCE_LAYOUT: dict[str, tuple[str, ...]] = {
    "ssd_department": (
        "dept_team_id", "dept_team_name", "dept_team_parent_id", "dept_team_parent_name",
        "cb_front_door",
    ),
    "ssd_professionals": (
        "prof_professional_id", "prof_staff_id", "prof_professional_name",
        "prof_social_worker_registration_no", "prof_professional_job_title",
        "prof_professional_caseload", "prof_professional_department",
        "prof_full_time_equivalency", "prof_agency_worker_flag",
    ),
}  # fmt: skip


class Batch:
    """One chunk's rows, and the identifiers handed out within it.

    Identifiers embed the chunk number, so chunks never collide and each one
    can be generated knowing nothing of the others.
    """

    __slots__ = ("chunk", "rows", "_counters")

    def __init__(self, chunk: int) -> None:
        self.chunk = chunk
        self.rows: dict[str, list[tuple]] = {name: [] for name in LAYOUT}
        self._counters: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        """The next identifier for ``prefix`` in this chunk, e.g. ``REF0003000017``."""
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{self.chunk:04d}{n:06d}"

    def person_id(self) -> str:
        """Numeric person identifiers, as case management systems export them."""
        n = self._counters.get("", 0) + 1
        self._counters[""] = n
        return str((self.chunk + 1) * 100_000 + n)

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items() if rows}
