// The shared schema of both backends: portable column types only.

diesel::table! {
    merchants (id) {
        id -> BigInt,
        name -> Text,
        credit_code -> Text,
        email -> Text,
        shop_url -> Text,
        categories -> Text,
        qualification -> Nullable<Text>,
        credit_points -> Integer,
        supervision -> Text,
        created_at -> Timestamp,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        reference -> Text,
        token -> Text,
        merchant_id -> BigInt,
        order_ref -> Text,
        category -> Text,
        desired_resolution -> Text,
        amount_fen -> Nullable<BigInt>,
        description -> Text,
        consumer_name -> Text,
        consumer_phone -> Nullable<Text>,
        consumer_email -> Nullable<Text>,
        lang -> Text,
        state -> Text,
        submitted_at -> Timestamp,
        response_due_at -> Timestamp,
        resolution_due_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        response_breached_at -> Nullable<Timestamp>,
        proposed_at -> Nullable<Timestamp>,
        resolution_met_at -> Nullable<Timestamp>,
        resolution_breached_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        escalation_reason -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        proposal_resolution -> Nullable<Text>,
        proposal_amount_fen -> Nullable<BigInt>,
        next_due_at -> Nullable<Timestamp>,
        rejected_at -> Nullable<Timestamp>,
        version -> BigInt,
        phone_verified_at -> Nullable<Timestamp>,
        proposal_reached_at -> Nullable<Timestamp>,
        proposal_reached_by -> Nullable<Text>,
        product_id -> Nullable<BigInt>,
        live_session_id -> Nullable<BigInt>,
        room_id -> Nullable<BigInt>,
        host_id -> Nullable<BigInt>,
        risk_score -> Integer,
        risk_matches -> Nullable<Text>,
        risk_state -> Nullable<Text>,
        risk_note -> Nullable<Text>,
        risk_decided_by -> Nullable<BigInt>,
        risk_decided_at -> Nullable<Timestamp>,
        merchant_viewed_at -> Nullable<Timestamp>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    complaint_events (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        kind -> Text,
        visibility -> Text,
        body -> Nullable<Text>,
        data -> Nullable<Text>,
        actor_id -> Nullable<BigInt>,
        merchant_id -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        dedupe_key -> Text,
        complaint_id -> Nullable<BigInt>,
        recipient -> Text,
        lang -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        claimed_until -> Nullable<Timestamp>,
        channel -> Text,
    }
}

diesel::table! {
    job_marks (name) {
        name -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        merchant_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        account -> Text,
        address -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    complaint_claims (complaint_id) {
        complaint_id -> BigInt,
        user_id -> BigInt,
        claimed_at -> Timestamp,
    }
}

diesel::table! {
    merchant_flags (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        state -> Text,
        reasons -> Text,
        raised_at -> Timestamp,
        last_tripped_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        note -> Nullable<Text>,
        counted_at -> Nullable<Timestamp>,
        subject -> Text,
        subject_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    merchant_actions (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        kind -> Text,
        points -> Nullable<Integer>,
        reason -> Text,
        taken_at -> Timestamp,
        taken_by -> BigInt,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<BigInt>,
        end_reason -> Nullable<Text>,
        reversed -> Bool,
        target -> Text,
        target_id -> Nullable<BigInt>,
        violation -> Nullable<Text>,
        level -> Nullable<Text>,
        mitigation -> Nullable<Text>,
        ends_at -> Nullable<Timestamp>,
        accrued_points -> Nullable<Integer>,
        threshold_points -> Nullable<Integer>,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        action_id -> BigInt,
        merchant_id -> BigInt,
        started_at -> Timestamp,
        started_by -> BigInt,
        statement -> Nullable<Text>,
        materials -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decision -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    ratings (complaint_id) {
        complaint_id -> BigInt,
        merchant_id -> BigInt,
        score -> Integer,
        comment -> Nullable<Text>,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    evidence (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        kind -> Text,
        sha256 -> Text,
        thumb_sha256 -> Nullable<Text>,
        bytes -> BigInt,
        name -> Text,
        added_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    staff_audit (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        actor -> Text,
        kind -> Text,
        address -> Text,
        subject -> Text,
        detail -> Text,
    }
}

diesel::joinable!(complaints -> merchants (merchant_id));
diesel::joinable!(merchant_flags -> merchants (merchant_id));
diesel::joinable!(merchant_actions -> merchants (merchant_id));
diesel::joinable!(appeals -> merchant_actions (action_id));
diesel::joinable!(appeals -> merchants (merchant_id));
diesel::joinable!(ratings -> complaints (complaint_id));
diesel::joinable!(complaint_claims -> complaints (complaint_id));
diesel::joinable!(complaint_claims -> users (user_id));
diesel::joinable!(users -> merchants (merchant_id));
diesel::joinable!(complaint_events -> users (actor_id));
diesel::joinable!(complaint_events -> complaints (complaint_id));
diesel::joinable!(outbox -> complaints (complaint_id));
diesel::joinable!(evidence -> complaints (complaint_id));
diesel::allow_tables_to_appear_in_same_query!(
    merchants,
    complaints,
    complaint_events,
    outbox,
    users,
    login_failures,
    complaint_claims,
    merchant_flags,
    merchant_actions,
    appeals,
    ratings,
    evidence,
    staff_audit,
    live_rooms,
    hosts,
    products,
    live_sessions,
    session_products
);

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        address -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    sign_in_addresses (user_id, address) {
        user_id -> BigInt,
        address -> Text,
        last_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users);

diesel::table! {
    two_factor (user_id) {
        user_id -> BigInt,
        sealed_secret -> Text,
        last_step -> BigInt,
        round -> BigInt,
        round_failures -> Integer,
        window_failures -> Integer,
        window_start -> Timestamp,
        enrolled_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    phone_codes (id) {
        id -> BigInt,
        phone -> Text,
        purpose -> Text,
        code_hash -> Text,
        address -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        attempts -> Integer,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(phone_codes, complaints);

// Live commerce itself: rooms, hosts, products, sessions
// (migration 2026-12-03-000001_live_commerce).
diesel::table! {
    live_rooms (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        platform -> Text,
        name -> Text,
        room_ref -> Text,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hosts (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        display_name -> Text,
        real_name -> Text,
        kind -> Text,
        agency -> Nullable<Text>,
        medical_staff -> Bool,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        name -> Text,
        category -> Text,
        claims -> Text,
        licence -> Nullable<Text>,
        review -> Text,
        review_reason -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<BigInt>,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    live_sessions (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        room_id -> BigInt,
        host_id -> BigInt,
        started_at -> Timestamp,
        ended_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    session_products (session_id, product_id) {
        session_id -> BigInt,
        product_id -> BigInt,
    }
}

diesel::joinable!(live_rooms -> merchants (merchant_id));
diesel::joinable!(hosts -> merchants (merchant_id));
diesel::joinable!(products -> merchants (merchant_id));
diesel::joinable!(live_sessions -> merchants (merchant_id));
diesel::joinable!(live_sessions -> live_rooms (room_id));
diesel::joinable!(live_sessions -> hosts (host_id));
diesel::joinable!(session_products -> live_sessions (session_id));
diesel::joinable!(session_products -> products (product_id));

diesel::table! {
    risk_rules (id) {
        id -> BigInt,
        kind -> Text,
        label -> Text,
        pattern -> Text,
        threshold_fen -> Nullable<BigInt>,
        category -> Nullable<Text>,
        weight -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    risk_rules_version (id) {
        id -> BigInt,
        version -> BigInt,
    }
}

// Machine discovery: incidents and their complaints
// (migration 2026-12-04-000002_incidents).
diesel::table! {
    incidents (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        state -> Text,
        opened_at -> Timestamp,
        last_at -> Timestamp,
        complaint_count -> Integer,
        notified_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        collective_at -> Nullable<Timestamp>,
        collective_by -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        ruling -> Nullable<Text>,
        closed_by -> Nullable<BigInt>,
        dismissed_reason -> Nullable<Text>,
    }
}

diesel::table! {
    incident_complaints (incident_id, complaint_id) {
        incident_id -> BigInt,
        complaint_id -> BigInt,
        added_at -> Timestamp,
        added_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(incidents -> merchants (merchant_id));
diesel::joinable!(incident_complaints -> incidents (incident_id));
diesel::joinable!(incident_complaints -> complaints (complaint_id));
diesel::allow_tables_to_appear_in_same_query!(incidents, incident_complaints);
diesel::allow_tables_to_appear_in_same_query!(incidents, complaints);
diesel::allow_tables_to_appear_in_same_query!(incidents, merchants);
diesel::allow_tables_to_appear_in_same_query!(incident_complaints, complaints);
diesel::allow_tables_to_appear_in_same_query!(incident_complaints, merchants);

// Platform inspections (巡查), their evidence and the measures they led to
// (migration 2026-12-05-000003_inspections).
diesel::table! {
    inspections (id) {
        id -> BigInt,
        supervisor_id -> BigInt,
        merchant_id -> BigInt,
        room_id -> BigInt,
        live_session_id -> Nullable<BigInt>,
        inspected_at -> Timestamp,
        found -> Text,
        verdict -> Text,
        incident_id -> Nullable<BigInt>,
        opened_incident -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_evidence (id) {
        id -> BigInt,
        inspection_id -> BigInt,
        kind -> Text,
        sha256 -> Text,
        thumb_sha256 -> Nullable<Text>,
        bytes -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_actions (inspection_id, action_id) {
        inspection_id -> BigInt,
        action_id -> BigInt,
    }
}

diesel::joinable!(inspections -> users (supervisor_id));
diesel::joinable!(inspections -> merchants (merchant_id));
diesel::joinable!(inspections -> live_rooms (room_id));
diesel::joinable!(inspection_evidence -> inspections (inspection_id));
diesel::joinable!(inspection_actions -> inspections (inspection_id));
diesel::joinable!(inspection_actions -> merchant_actions (action_id));
diesel::allow_tables_to_appear_in_same_query!(inspections, users);
diesel::allow_tables_to_appear_in_same_query!(inspections, merchants);
diesel::allow_tables_to_appear_in_same_query!(inspections, live_rooms);
diesel::allow_tables_to_appear_in_same_query!(inspections, inspection_evidence);
diesel::allow_tables_to_appear_in_same_query!(inspections, inspection_actions);
diesel::allow_tables_to_appear_in_same_query!(inspection_actions, merchant_actions);

// User reports (举报) and their places in incidents
// (migration 2026-12-05-000002_reports).
diesel::table! {
    reports (id) {
        id -> BigInt,
        reference -> Text,
        merchant_id -> BigInt,
        room_id -> BigInt,
        live_session_id -> Nullable<BigInt>,
        host_id -> Nullable<BigInt>,
        seen_at -> Timestamp,
        description -> Text,
        phone -> Nullable<Text>,
        lang -> Text,
        screenshot_kind -> Nullable<Text>,
        screenshot_sha256 -> Nullable<Text>,
        screenshot_thumb_sha256 -> Nullable<Text>,
        screenshot_bytes -> Nullable<BigInt>,
        risk_score -> Integer,
        risk_matches -> Nullable<Text>,
        risk_state -> Nullable<Text>,
        state -> Text,
        note -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    incident_reports (incident_id, report_id) {
        incident_id -> BigInt,
        report_id -> BigInt,
        added_at -> Timestamp,
    }
}

diesel::joinable!(reports -> merchants (merchant_id));
diesel::joinable!(reports -> live_rooms (room_id));
diesel::joinable!(reports -> live_sessions (live_session_id));
diesel::joinable!(reports -> hosts (host_id));
diesel::joinable!(incident_reports -> incidents (incident_id));
diesel::joinable!(incident_reports -> reports (report_id));
diesel::allow_tables_to_appear_in_same_query!(reports, merchants);
diesel::allow_tables_to_appear_in_same_query!(reports, live_rooms);
diesel::allow_tables_to_appear_in_same_query!(reports, live_sessions);
diesel::allow_tables_to_appear_in_same_query!(reports, hosts);
diesel::allow_tables_to_appear_in_same_query!(reports, incidents);
diesel::allow_tables_to_appear_in_same_query!(reports, incident_reports);
diesel::allow_tables_to_appear_in_same_query!(incident_reports, incidents);

// Relief given at resolutions and rulings, and its follow-up
// (migration 2026-12-06-000001_relief).
diesel::table! {
    reliefs (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        merchant_id -> BigInt,
        kind -> Text,
        amount_fen -> Nullable<BigInt>,
        compensation_fen -> Nullable<BigInt>,
        source -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<BigInt>,
        ask_at -> Nullable<Timestamp>,
        asked_at -> Nullable<Timestamp>,
        received -> Nullable<Bool>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(reliefs -> complaints (complaint_id));
diesel::allow_tables_to_appear_in_same_query!(reliefs, complaints);
// The deposit (保证金): what each category requires, the ledger, and the
// automatic restrictions for a deposit left short
// (migration 2026-12-06-000002_deposits).
diesel::table! {
    deposit_requirements (category) {
        category -> Text,
        required_fen -> BigInt,
        changed_at -> Nullable<Timestamp>,
        changed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    deposit_entries (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        kind -> Text,
        amount_fen -> BigInt,
        note -> Text,
        complaint_id -> Nullable<BigInt>,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
        top_up_due -> Nullable<Timestamp>,
        swept_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    deposit_restrictions (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        action_id -> BigInt,
        entry_id -> BigInt,
        lifted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(deposit_entries -> merchants (merchant_id));
diesel::joinable!(deposit_entries -> users (recorded_by));
diesel::joinable!(deposit_entries -> complaints (complaint_id));
diesel::joinable!(deposit_restrictions -> merchant_actions (action_id));
diesel::joinable!(deposit_restrictions -> deposit_entries (entry_id));
diesel::allow_tables_to_appear_in_same_query!(deposit_requirements, users);
diesel::allow_tables_to_appear_in_same_query!(deposit_entries, merchants);
diesel::allow_tables_to_appear_in_same_query!(deposit_entries, users);
diesel::allow_tables_to_appear_in_same_query!(deposit_entries, complaints);
diesel::allow_tables_to_appear_in_same_query!(deposit_restrictions, merchant_actions);
diesel::allow_tables_to_appear_in_same_query!(deposit_restrictions, deposit_entries);

// 2026-12-06-000003_violations

diesel::table! {
    violation_schedule (id) {
        id -> BigInt,
        violation -> Text,
        level -> Text,
        points -> Integer,
        measure -> Text,
        days -> Nullable<Integer>,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    violation_thresholds (id) {
        id -> BigInt,
        points -> Integer,
        measure -> Text,
        days -> Nullable<Integer>,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    violation_triggers (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        threshold_id -> BigInt,
        threshold_points -> Integer,
        total_points -> Integer,
        crossed_by -> BigInt,
        action_id -> Nullable<BigInt>,
        crossed_at -> Timestamp,
    }
}

// 2026-12-07-000013_reply_templates

diesel::table! {
    reply_templates (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        title -> Text,
        body -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
// 2026-12-07-000012_merchant_list

diesel::table! {
    merchant_figures (merchant_id) {
        merchant_id -> BigInt,
        name -> Text,
        name_key -> Text,
        received_30 -> BigInt,
        received_90 -> BigInt,
        received_365 -> BigInt,
        response_decided -> BigInt,
        responded -> BigInt,
        responded_on_time -> BigInt,
        resolution_decided -> BigInt,
        resolution_met -> BigInt,
        rating_sum -> BigInt,
        rating_count -> BigInt,
        response_known -> Bool,
        response_key -> BigInt,
        resolution_known -> Bool,
        resolution_key -> BigInt,
        satisfaction_known -> Bool,
        satisfaction_key -> BigInt,
        stale -> Bool,
        refreshed_at -> Timestamp,
    }
}

diesel::table! {
    job_positions (name) {
        name -> Text,
        position -> BigInt,
    }
}

diesel::joinable!(merchant_figures -> merchants (merchant_id));
diesel::allow_tables_to_appear_in_same_query!(merchant_figures, merchants);

// 2026-12-08-000015_webhooks

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        merchant_id -> BigInt,
        url -> Text,
        events -> Text,
        secret_sealed -> Text,
        active -> Bool,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> Text,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, webhook_endpoints);
// 2026-12-08-000014_api_keys

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        merchant_id -> Nullable<BigInt>,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<BigInt>,
    }
}

// 2026-12-08-000016_api_idempotency

diesel::table! {
    api_idempotency (id) {
        id -> BigInt,
        api_key_id -> BigInt,
        idem_key -> Text,
        body_sha256 -> Text,
        complaint_id -> BigInt,
        created_at -> Timestamp,
    }
}

// 2026-12-09-000017_public_register

diesel::table! {
    register_entries (complaint_id) {
        complaint_id -> BigInt,
        merchant_id -> BigInt,
        consent -> Bool,
        consent_at -> Timestamp,
        submitted_at -> Timestamp,
        publish_at -> Timestamp,
        category -> Text,
        product_category -> Nullable<Text>,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<BigInt>,
        hidden_reason -> Nullable<Text>,
        response -> Nullable<Text>,
        response_at -> Nullable<Timestamp>,
        indexed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    register_terms (term, complaint_id) {
        term -> Text,
        complaint_id -> BigInt,
    }
}

diesel::joinable!(register_entries -> complaints (complaint_id));
diesel::joinable!(register_entries -> merchants (merchant_id));
diesel::allow_tables_to_appear_in_same_query!(register_entries, complaints);
diesel::allow_tables_to_appear_in_same_query!(register_entries, merchants);
diesel::allow_tables_to_appear_in_same_query!(register_entries, products);
diesel::allow_tables_to_appear_in_same_query!(register_entries, register_terms);
diesel::allow_tables_to_appear_in_same_query!(register_terms, complaints);
diesel::allow_tables_to_appear_in_same_query!(register_entries, users);
