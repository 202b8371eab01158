"""What each column of the record means for validation, declared once.

The record services (one change at a time) and the SSD importer (a whole
extract at a time) both check input against these tables, so a row the web
form refuses is also refused in a file, with the same message.
"""

from __future__ import annotations

#: Columns whose values must come from a code list (``code_value.list_name``).
CODED_COLUMNS: dict[str, str] = {
    "pers_sex": "sex",
    "pers_gender": "gender",
    "pers_ethnicity": "ethnicity",
    "pers_upn_unknown": "upn_unknown",
    "addr_address_type": "address_type",
    "disa_disability_code": "disability",
    "lega_legal_status": "legal_status",
    "immi_immigration_status": "immigration_status",
    "cont_contact_source_code": "referral_source",
    "cb_decision": "contact_decision",
    "earl_episode_end_reason": "early_help_end_reason",
    "cine_cin_primary_need_code": "primary_need",
    "cine_referral_source_code": "referral_source",
    "cine_close_reason": "cin_closure_reason",
    "cppl_cp_plan_initial_category": "cp_category",
    "cppl_cp_plan_latest_category": "cp_category",
    "clae_cla_episode_start_reason": "reason_new_episode",
    "clae_cla_primary_need_code": "primary_need",
    "clae_cla_episode_ceased_reason": "reason_episode_ceased",
    "clap_cla_placement_type": "placement_type",
    "clap_cla_placement_provider": "placement_provider",
    "clap_cla_placement_change_reason": "placement_change_reason",
    "clar_cla_review_participation": "review_participation",
    "clah_health_check_type": "health_check_type",
    "clah_health_check_status": "health_check_status",
    "csdq_sdq_reason": "sdq_reason",
    "miss_missing_episode_type": "missing_type",
    "clea_care_leaver_eligibility": "care_leaver_eligibility",
    "clea_care_leaver_in_touch": "care_leaver_in_touch",
    "clea_care_leaver_activity": "care_leaver_activity",
    "clea_care_leaver_accommodation": "care_leaver_accommodation",
    "invo_worker_change_reason": "worker_change_reason",
    "risk_level": "exploitation_risk",
    "exploitation_type": "exploitation_type",
    "relationship": "relationship",
}

#: (start, end) column pairs: the end may not come before the start.
DATE_RANGES: list[tuple[str, str]] = [
    ("pers_dob", "pers_death_date"),
    ("addr_address_start_date", "addr_address_end_date"),
    ("lega_legal_status_start_date", "lega_legal_status_end_date"),
    ("immi_immigration_status_start_date", "immi_immigration_status_end_date"),
    ("link_valid_from_date", "link_valid_to_date"),
    ("invo_involvement_start_date", "invo_involvement_end_date"),
    ("earl_episode_start_date", "earl_episode_end_date"),
    ("cine_referral_date", "cine_close_date"),
    ("cina_assessment_start_date", "cina_assessment_auth_date"),
    ("cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    ("s47e_s47_start_date", "s47e_s47_end_date"),
    ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    ("lacp_cla_care_plan_start_date", "lacp_cla_care_plan_end_date"),
    ("miss_missing_episode_start_date", "miss_missing_episode_end_date"),
    ("ehcn_named_plan_start_date", "ehcn_named_plan_ceased_date"),
    ("start_date", "end_date"),
]

#: Flags hold Y or N (or nothing).
FLAG_VALUES = frozenset({"Y", "N"})

#: Earliest date the record accepts anywhere: older dates are typing mistakes.
EARLIEST_DATE_YEAR = 1900
