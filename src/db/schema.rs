//! The tables, written by hand with portable column types only (text ids, UTC timestamps,
//! integers, text, booleans), so that one schema serves SQLite and PostgreSQL.

diesel::table! {
    jurisdictions (id) {
        id -> Text,
        code -> Text,
        short_code -> Text,
        name -> Text,
        timezone -> Text,
        created_at -> Timestamp,
        work_week -> Text,
        hold_limit_days -> Integer,
    }
}

diesel::table! {
    agencies (id) {
        id -> Text,
        jurisdiction_id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    divisions (id) {
        id -> Text,
        jurisdiction_id -> Text,
        agency_id -> Text,
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        jurisdiction_id -> Text,
        code -> Text,
        name -> Text,
        group_name -> Nullable<Text>,
        default_agency_id -> Nullable<Text>,
        keywords -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        description -> Nullable<Text>,
        questions -> Text,
    }
}

diesel::table! {
    regions (id) {
        id -> Text,
        jurisdiction_id -> Text,
        code -> Text,
        name -> Text,
        level -> Text,
        parent_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    official_accounts (id) {
        id -> Text,
        jurisdiction_id -> Text,
        platform -> Text,
        handle -> Text,
        url -> Text,
        agency_id -> Nullable<Text>,
        leadership -> Bool,
        placeholder -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        jurisdiction_id -> Text,
        username -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        agency_id -> Nullable<Text>,
        division_id -> Nullable<Text>,
        active -> Bool,
        token_version -> Integer,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_counters (jurisdiction_id, year) {
        jurisdiction_id -> Text,
        year -> Integer,
        last -> Integer,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        jurisdiction_id -> Text,
        code -> Text,
        status -> Text,
        title -> Text,
        description -> Nullable<Text>,
        category_id -> Nullable<Text>,
        region_id -> Nullable<Text>,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        address -> Nullable<Text>,
        agency_id -> Nullable<Text>,
        division_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        suggested_agency_id -> Nullable<Text>,
        platform -> Text,
        comment_url -> Nullable<Text>,
        comment_key -> Text,
        post_url -> Nullable<Text>,
        account -> Nullable<Text>,
        author -> Nullable<Text>,
        commented_at -> Nullable<Timestamp>,
        comment_text -> Text,
        anonymous -> Bool,
        confidential -> Bool,
        reply_url -> Nullable<Text>,
        resolution -> Nullable<Text>,
        filed_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        next_due_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_events (ticket_id, seq) {
        ticket_id -> Text,
        seq -> Integer,
        jurisdiction_id -> Text,
        action -> Text,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
        from_status -> Nullable<Text>,
        to_status -> Text,
        data -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        jurisdiction_id -> Text,
        uploader_id -> Text,
        sha256 -> Text,
        content_type -> Text,
        size -> BigInt,
        filename -> Nullable<Text>,
        taken_at -> Nullable<Timestamp>,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        created_at -> Timestamp,
        thumbnail_sha256 -> Nullable<Text>,
    }
}

diesel::table! {
    field_visits (id) {
        id -> Text,
        jurisdiction_id -> Text,
        ticket_id -> Text,
        visitor_id -> Text,
        visited_at -> Timestamp,
        notes -> Text,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    field_visit_attachments (visit_id, attachment_id) {
        visit_id -> Text,
        attachment_id -> Text,
        ticket_id -> Text,
        position -> Integer,
    }
}

diesel::joinable!(agencies -> jurisdictions (jurisdiction_id));
diesel::joinable!(divisions -> agencies (agency_id));
diesel::joinable!(categories -> agencies (default_agency_id));
diesel::joinable!(official_accounts -> agencies (agency_id));
diesel::joinable!(users -> jurisdictions (jurisdiction_id));
diesel::joinable!(ticket_events -> users (actor_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(field_visit_attachments -> attachments (attachment_id));

diesel::table! {
    ticket_attachments (ticket_id, attachment_id) {
        ticket_id -> Text,
        attachment_id -> Text,
        position -> Integer,
    }
}

diesel::joinable!(ticket_attachments -> attachments (attachment_id));
diesel::joinable!(ticket_attachments -> tickets (ticket_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::table! {
    holidays (id) {
        id -> Text,
        jurisdiction_id -> Text,
        date -> Date,
        kind -> Text,
        name -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sla_targets (jurisdiction_id, scope, clock) {
        jurisdiction_id -> Text,
        scope -> Text,
        clock -> Text,
        enabled -> Bool,
        target -> Integer,
        unit -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_clocks (ticket_id, clock) {
        ticket_id -> Text,
        clock -> Text,
        jurisdiction_id -> Text,
        state -> Text,
        target -> Integer,
        unit -> Text,
        started_at -> Timestamp,
        due_at -> Timestamp,
        stopped_at -> Nullable<Timestamp>,
        paused_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_holds (ticket_id) {
        ticket_id -> Text,
        jurisdiction_id -> Text,
        held_at -> Timestamp,
        held_by -> Text,
        reason -> Text,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        jurisdiction_id -> Text,
        url -> Text,
        secret -> Text,
        events -> Text,
        active -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        jurisdiction_id -> Text,
        event -> Text,
        ticket_id -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        response_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    patrol_slots (jurisdiction_id, name) {
        jurisdiction_id -> Text,
        name -> Text,
        at_time -> Text,
        window_minutes -> Integer,
    }
}

diesel::table! {
    patrols (id) {
        id -> Text,
        jurisdiction_id -> Text,
        pic_id -> Text,
        agency_id -> Text,
        slot -> Text,
        day -> Date,
        started_at -> Timestamp,
        accounts_checked -> Text,
        comments_reviewed -> Nullable<Integer>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> Text,
        jurisdiction_id -> Text,
        kind -> Text,
        url -> Text,
        account_id -> Text,
        original_url -> Nullable<Text>,
        posted_at -> Timestamp,
        title -> Nullable<Text>,
        recorded_by -> Text,
        agency_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recap_weights (jurisdiction_id) {
        jurisdiction_id -> Text,
        response -> Double,
        completion -> Double,
        clocks -> Double,
        patrols -> Double,
        activity -> Double,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    recaps (id) {
        id -> Text,
        jurisdiction_id -> Text,
        from_day -> Date,
        to_day -> Date,
        created_by -> Text,
        created_at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    recap_decisions (recap_id) {
        recap_id -> Text,
        opd_winner -> Nullable<Text>,
        kecamatan_winner -> Nullable<Text>,
        published -> Bool,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::joinable!(recap_decisions -> recaps (recap_id));

diesel::table! {
    published_photos (ticket_id, attachment_id) {
        ticket_id -> Text,
        attachment_id -> Text,
        jurisdiction_id -> Text,
        role -> Text,
        sha256 -> Text,
        preview_sha256 -> Text,
        published_by -> Text,
        published_at -> Timestamp,
    }
}

diesel::joinable!(published_photos -> tickets (ticket_id));
diesel::joinable!(published_photos -> attachments (attachment_id));

diesel::table! {
    sla_counts (jurisdiction_id, span, day, clock, state, agency_id, category_id) {
        jurisdiction_id -> Text,
        span -> Text,
        day -> Date,
        clock -> Text,
        state -> Text,
        agency_id -> Text,
        category_id -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    ticket_rollups (jurisdiction_id, metric, dim, day, key, stripe) {
        jurisdiction_id -> Text,
        metric -> Text,
        dim -> Text,
        day -> Date,
        key -> Text,
        stripe -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    rollup_state (jurisdiction_id) {
        jurisdiction_id -> Text,
        timezone -> Text,
        built_at -> Timestamp,
    }
}

diesel::table! {
    recap_facts (ticket_id, figure, detail, day) {
        jurisdiction_id -> Text,
        day -> Date,
        kind -> Text,
        subject -> Text,
        figure -> Text,
        ticket_id -> Text,
        detail -> Text,
        minutes -> Nullable<BigInt>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        jurisdiction_id -> Text,
        user_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    open311_requests (ticket_id) {
        ticket_id -> Text,
        jurisdiction_id -> Text,
        api_key_id -> Text,
        email -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        device_id -> Nullable<Text>,
        account_id -> Nullable<Text>,
        address_id -> Nullable<Text>,
        media_url -> Nullable<Text>,
        attachment_id -> Nullable<Text>,
        answers -> Text,
    }
}

diesel::joinable!(open311_requests -> api_keys (api_key_id));
diesel::joinable!(open311_requests -> tickets (ticket_id));

diesel::table! {
    audit_log (id) {
        id -> Text,
        jurisdiction_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Text>,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    ticket_places (ticket_id) {
        ticket_id -> Text,
        jurisdiction_id -> Text,
        category_id -> Text,
        cell -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    place_totals (jurisdiction_id, category_id, cell) {
        jurisdiction_id -> Text,
        category_id -> Text,
        cell -> Text,
        count -> BigInt,
        first_at -> Nullable<Timestamp>,
        last_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (scope, idem_key) {
        scope -> Text,
        idem_key -> Text,
        fingerprint -> Text,
        state -> Text,
        locked_until -> Timestamp,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    idempotency_keys,
    audit_log,
    revoked_tokens,
    jurisdictions,
    agencies,
    divisions,
    categories,
    regions,
    official_accounts,
    users,
    ticket_counters,
    tickets,
    ticket_events,
    attachments,
    field_visits,
    field_visit_attachments,
    ticket_attachments,
    holidays,
    sla_targets,
    ticket_clocks,
    ticket_holds,
    webhooks,
    webhook_deliveries,
    patrol_slots,
    patrols,
    activities,
    recap_weights,
    recaps,
    recap_decisions,
    published_photos,
    sla_counts,
    ticket_rollups,
    rollup_state,
    recap_facts,
    ticket_places,
    place_totals,
    api_keys,
    open311_requests,
);
