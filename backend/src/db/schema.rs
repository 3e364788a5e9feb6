// Mirrors migrations/ (kept by hand in the shape `diesel print-schema` emits).

diesel::table! {
    attempts (id) {
        id -> Uuid,
        delivery_id -> Nullable<Uuid>,
        run_id -> Uuid,
        mailing_id -> Uuid,
        owner_id -> Uuid,
        client_id -> Nullable<Uuid>,
        email -> Text,
        attempted_at -> Timestamptz,
        status -> Text,
        server_response -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Uuid,
        actor_id -> Nullable<Uuid>,
        action -> Text,
        target_user_id -> Nullable<Uuid>,
        details -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    clients (id) {
        id -> Uuid,
        owner_id -> Uuid,
        email -> Text,
        full_name -> Text,
        comment -> Text,
        unsubscribed_at -> Nullable<Timestamptz>,
        unsubscribe_token -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Uuid,
        run_id -> Uuid,
        mailing_id -> Uuid,
        client_id -> Nullable<Uuid>,
        email -> Text,
        full_name -> Text,
        status -> Text,
        tries -> Int4,
        next_attempt_at -> Timestamptz,
        leased_until -> Nullable<Timestamptz>,
        leased_by -> Nullable<Text>,
        updated_at -> Timestamptz,
        failure_kind -> Nullable<Text>,
    }
}

diesel::table! {
    engine_instances (id) {
        id -> Text,
        heartbeat_at -> Timestamptz,
    }
}

diesel::table! {
    mailing_reach (mailing_id, email_key) {
        mailing_id -> Uuid,
        email_key -> Text,
        owner_id -> Uuid,
    }
}

diesel::table! {
    mailing_recipients (mailing_id, client_id) {
        mailing_id -> Uuid,
        client_id -> Uuid,
    }
}

diesel::table! {
    mailings (id) {
        id -> Uuid,
        owner_id -> Uuid,
        message_id -> Uuid,
        all_clients -> Bool,
        start_at -> Timestamptz,
        end_at -> Nullable<Timestamptz>,
        periodicity -> Text,
        status -> Text,
        enabled -> Bool,
        next_run_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        disabled_by -> Nullable<Uuid>,
        disabled_at -> Nullable<Timestamptz>,
        disabled_reason -> Nullable<Text>,
        name -> Text,
        time_zone -> Text,
        window_days -> Nullable<Int2>,
        window_from -> Nullable<Int2>,
        window_to -> Nullable<Int2>,
        catch_up -> Bool,
        max_late_secs -> Nullable<Int4>,
    }
}

diesel::table! {
    messages (id) {
        id -> Uuid,
        owner_id -> Uuid,
        subject -> Text,
        body -> Text,
        html_body -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    posts (id) {
        id -> Uuid,
        author_id -> Uuid,
        title -> Text,
        body -> Text,
        image_path -> Nullable<Text>,
        views -> Int8,
        published_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    roles (id) {
        id -> Uuid,
        name -> Text,
        permissions -> Array<Text>,
        builtin -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    runs (id) {
        id -> Uuid,
        mailing_id -> Uuid,
        trigger -> Text,
        started_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        sent -> Int4,
        failed -> Int4,
        recipients -> Int4,
        state -> Text,
        reason -> Nullable<Text>,
        waiting_until -> Nullable<Timestamptz>,
        window_closes_at -> Nullable<Timestamptz>,
        scheduled_for -> Nullable<Timestamptz>,
        cancelled -> Int4,
    }
}

diesel::table! {
    suppressions (id) {
        id -> Uuid,
        owner_id -> Uuid,
        email -> Text,
        reason -> Text,
        note -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        token_hash -> Bytea,
        family_id -> Nullable<Uuid>,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        password_hash -> Text,
        full_name -> Text,
        role_id -> Uuid,
        email_verified_at -> Nullable<Timestamptz>,
        blocked_at -> Nullable<Timestamptz>,
        blocked_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        time_zone -> Text,
    }
}

diesel::joinable!(attempts -> runs (run_id));
diesel::joinable!(clients -> users (owner_id));
diesel::joinable!(deliveries -> runs (run_id));
diesel::joinable!(mailing_reach -> mailings (mailing_id));
diesel::joinable!(mailing_recipients -> clients (client_id));
diesel::joinable!(mailing_recipients -> mailings (mailing_id));
diesel::joinable!(mailings -> messages (message_id));
diesel::joinable!(messages -> users (owner_id));
diesel::joinable!(runs -> mailings (mailing_id));
diesel::joinable!(suppressions -> users (owner_id));
diesel::joinable!(user_tokens -> users (user_id));
diesel::joinable!(users -> roles (role_id));

diesel::allow_tables_to_appear_in_same_query!(
    attempts,
    audit_log,
    clients,
    deliveries,
    engine_instances,
    mailing_reach,
    mailing_recipients,
    mailings,
    messages,
    posts,
    roles,
    runs,
    suppressions,
    user_tokens,
    users,
);
