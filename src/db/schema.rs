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

diesel::joinable!(agencies -> jurisdictions (jurisdiction_id));
diesel::joinable!(divisions -> agencies (agency_id));
diesel::joinable!(categories -> agencies (default_agency_id));
diesel::joinable!(official_accounts -> agencies (agency_id));
diesel::joinable!(users -> jurisdictions (jurisdiction_id));

diesel::allow_tables_to_appear_in_same_query!(
    jurisdictions,
    agencies,
    divisions,
    categories,
    regions,
    official_accounts,
    users,
);
