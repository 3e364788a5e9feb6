//! Russian and English texts, the language switch, and locale-aware formatting.
//!
//! Every visible text is a field of [`Texts`]; `en.rs` and `ru.rs` each fill the whole
//! struct, so a text missing in one language is a compile error. Texts with values are
//! `fn` fields (Russian plurals need the number). The chosen language lives in a context
//! ([`use_i18n`]) and in `localStorage` (`herald.lang`); without a stored choice the
//! browser's language decides.

pub mod delivery_log;
mod en;
pub mod format;
pub mod problems;
mod ru;

use yew::prelude::*;

const STORAGE_KEY: &str = "herald.lang";

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// BCP 47 tag, for `lang=` and `Intl`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// The language's own name, shown in the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::Ru => &ru::TEXTS,
        }
    }

    fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code.starts_with("ru") {
            Some(Lang::Ru)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The stored choice, else the browser's preferred language, else English.
    pub fn initial() -> Lang {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|code| Lang::from_code(&code));
        stored
            .or_else(|| {
                window
                    .and_then(|w| w.navigator().language())
                    .and_then(|code| Lang::from_code(&code))
            })
            .unwrap_or(Lang::En)
    }

    fn remember(self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, self.code());
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", self.code());
        }
    }
}

/// The language context: the current language and a way to change it.
#[derive(Clone, PartialEq)]
pub struct I18n {
    pub lang: Lang,
    set_lang: Callback<Lang>,
}

impl I18n {
    pub fn t(&self) -> &'static Texts {
        self.lang.texts()
    }

    pub fn set_lang(&self, lang: Lang) {
        self.set_lang.emit(lang);
    }
}

#[derive(Properties, PartialEq)]
pub struct I18nProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Provides [`I18n`] to everything inside it.
#[component]
pub fn I18nProvider(props: &I18nProviderProps) -> Html {
    let lang = use_state_eq(|| {
        let lang = Lang::initial();
        lang.remember();
        lang
    });
    let set_lang = {
        let lang = lang.clone();
        Callback::from(move |new: Lang| {
            new.remember();
            lang.set(new);
        })
    };
    let context = I18n {
        lang: *lang,
        set_lang,
    };
    html! {
        <ContextProvider<I18n> {context}>
            { props.children.clone() }
        </ContextProvider<I18n>>
    }
}

/// The current language and its texts.
#[hook]
pub fn use_i18n() -> I18n {
    use_context::<I18n>().expect("I18nProvider wraps the app")
}

/// `text` as a sentence: a capital first letter and a full stop (or `?`, `!`) at the end.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().collect();
    out.push_str(chars.as_str());
    if !out.ends_with(['.', '?', '!', '…']) {
        out.push('.');
    }
    out
}

/// Russian plural forms: `one` for 1, 21, 31…; `few` for 2–4, 22–24…; `many` otherwise.
pub fn plural_ru(n: i64, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    let n = n.unsigned_abs();
    match (n % 10, n % 100) {
        (1, m) if m != 11 => one,
        (2..=4, m) if !(12..=14).contains(&m) => few,
        _ => many,
    }
}

/// Every text of the interface, in one language.
pub struct Texts {
    // --- common ---------------------------------------------------------------------
    pub footer: &'static str,
    pub loading: &'static str,
    pub try_again: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub cancel: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub delete_confirm: &'static str,
    pub delete_yes: &'static str,
    pub back: &'static str,
    pub actions: &'static str,
    pub optional: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub page_of: fn(i64, i64) -> String,
    pub rows_total: fn(i64) -> String,
    pub pagination: &'static str,
    pub language: &'static str,
    pub password_show: &'static str,
    pub password_hide: &'static str,

    // --- errors -----------------------------------------------------------------------
    pub err_network: &'static str,
    pub err_server: &'static str,
    pub err_unauthorized: &'static str,
    pub err_forbidden: &'static str,
    pub err_not_found: &'static str,
    pub err_validation: &'static str,
    pub err_conflict: &'static str,
    pub err_rate_limited: &'static str,
    pub err_too_large: &'static str,
    pub err_bad_request: &'static str,
    pub err_decode: &'static str,
    /// Translations of messages the server writes in English (field errors, details);
    /// `None` keeps the server's text.
    pub server_text: fn(&str) -> Option<String>,

    // --- navigation -----------------------------------------------------------------
    pub nav_main: &'static str,
    pub nav_menu: &'static str,
    pub nav_mailings: &'static str,
    pub nav_messages: &'static str,
    pub nav_recipients: &'static str,
    pub nav_stats: &'static str,
    pub nav_blog: &'static str,
    pub nav_users: &'static str,
    pub nav_roles: &'static str,
    pub nav_posts: &'static str,
    pub nav_profile: &'static str,
    pub nav_sign_in: &'static str,
    pub nav_register: &'static str,
    pub nav_sign_out: &'static str,

    // --- home -------------------------------------------------------------------------
    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub home_figures: &'static str,
    pub home_loading: &'static str,
    pub home_mailings: &'static str,
    pub home_active: &'static str,
    pub home_recipients: &'static str,
    pub home_blog: &'static str,
    pub home_get_started: &'static str,
    pub home_open_mailings: &'static str,

    // --- accounts -----------------------------------------------------------------------
    pub field_email: &'static str,
    pub field_password: &'static str,
    pub field_full_name: &'static str,
    pub field_current_password: &'static str,
    pub field_new_password: &'static str,
    pub field_repeat_password: &'static str,
    pub password_hint: &'static str,
    pub passwords_differ: &'static str,
    pub go_sign_in: &'static str,

    pub login_title: &'static str,
    pub login_submit: &'static str,
    pub login_busy: &'static str,
    pub login_no_account: &'static str,
    pub login_register_link: &'static str,
    pub login_forgot: &'static str,
    pub login_wrong: &'static str,
    pub login_unverified: &'static str,
    pub login_blocked: &'static str,
    pub login_session_ended: &'static str,
    pub resend_link: &'static str,
    pub resend_done: &'static str,

    pub register_title: &'static str,
    pub register_submit: &'static str,
    pub register_busy: &'static str,
    pub register_have_account: &'static str,
    pub register_done_title: &'static str,
    pub register_done: fn(&str) -> String,

    pub verify_title: &'static str,
    pub verify_busy: &'static str,
    pub verify_ok: &'static str,
    pub verify_bad: &'static str,
    pub verify_no_token: &'static str,
    pub verify_new_link: &'static str,

    pub reset_title: &'static str,
    pub reset_request_lead: &'static str,
    pub reset_request_submit: &'static str,
    pub reset_request_done: &'static str,
    pub reset_new_lead: &'static str,
    pub reset_submit: &'static str,
    pub reset_done: &'static str,
    pub reset_bad_token: &'static str,

    pub profile_title: &'static str,
    pub profile_account: &'static str,
    pub profile_role: &'static str,
    /// A role's name for people (`content_manager` -> "Content manager").
    pub role_name: fn(&str) -> String,
    pub profile_member_since: &'static str,
    pub profile_name_section: &'static str,
    pub profile_password_section: &'static str,
    pub profile_change_password: &'static str,
    pub profile_password_changed: &'static str,

    // --- recipients -----------------------------------------------------------------------
    pub recipients_title: &'static str,
    pub recipients_new: &'static str,
    pub recipients_import: &'static str,
    pub recipients_export: &'static str,
    pub recipients_exporting: &'static str,
    pub recipients_search: &'static str,
    pub recipients_empty: &'static str,
    pub recipients_no_match: &'static str,
    pub recipient_new_title: &'static str,
    pub recipient_edit_title: &'static str,
    pub field_comment: &'static str,
    pub col_email: &'static str,
    pub col_name: &'static str,
    pub col_comment: &'static str,
    pub col_status: &'static str,
    pub subscribed: &'static str,
    pub unsubscribed: &'static str,

    pub import_title: &'static str,
    pub import_lead: &'static str,
    pub import_file: &'static str,
    pub import_paste: &'static str,
    pub import_submit: &'static str,
    pub import_busy: &'static str,
    pub import_nothing: &'static str,
    pub import_done: &'static str,
    pub import_created: &'static str,
    pub import_updated: &'static str,
    pub import_skipped: &'static str,
    pub import_errors: fn(i64) -> String,
    pub import_all_ok: &'static str,
    pub col_line: &'static str,
    pub col_problem: &'static str,
    pub col_value: &'static str,
    pub col_first_line: &'static str,
    pub import_duplicates: fn(i64) -> String,
    pub import_duplicates_lead: &'static str,
    pub import_view_recipients: &'static str,

    // --- messages ---------------------------------------------------------------------------
    pub messages_title: &'static str,
    pub messages_new: &'static str,
    pub messages_empty: &'static str,
    pub message_new_title: &'static str,
    pub message_edit_title: &'static str,
    pub col_subject: &'static str,
    pub col_updated: &'static str,
    pub field_subject: &'static str,
    pub field_body: &'static str,
    pub field_html: &'static str,
    /// The checkbox that adds an HTML version (distinct from the text area's label).
    pub field_html_on: &'static str,
    pub field_html_hint: &'static str,
    pub placeholders_hint: &'static str,
    pub preview_title: &'static str,
    pub preview_for: &'static str,
    pub preview_sample: &'static str,
    pub preview_sample_name: &'static str,
    pub preview_text: &'static str,
    pub preview_html: &'static str,
    pub no_subject: &'static str,

    // --- mailings ---------------------------------------------------------------------------
    pub mailings_title: &'static str,
    pub mailings_new: &'static str,
    pub mailings_empty: &'static str,
    pub mailings_no_match: &'static str,
    pub filter_status: &'static str,
    pub filter_enabled: &'static str,
    pub filter_any: &'static str,
    pub status_created: &'static str,
    pub status_running: &'static str,
    pub status_finished: &'static str,
    pub enabled: &'static str,
    pub disabled: &'static str,
    pub col_message: &'static str,
    pub col_recipients: &'static str,
    pub col_schedule: &'static str,
    pub col_next_run: &'static str,
    pub col_last_run: &'static str,
    pub once: &'static str,
    pub daily: &'static str,
    pub weekly: &'static str,
    pub monthly: &'static str,
    pub all_recipients: &'static str,
    pub message_missing: &'static str,

    pub mailing_new_title: &'static str,
    pub mailing_edit_title: &'static str,
    pub field_message: &'static str,
    pub choose_message: &'static str,
    pub no_messages_yet: &'static str,
    pub write_message_first: &'static str,
    pub field_recipients: &'static str,
    pub recipients_all_option: &'static str,
    pub recipients_chosen_option: &'static str,
    pub selected_count: fn(i64) -> String,
    pub select_page: &'static str,
    pub clear_selection: &'static str,
    pub select_all_matching: fn(i64) -> String,
    pub loading_current: fn(i64, i64) -> String,
    pub no_recipients_yet: &'static str,
    pub add_recipients_first: &'static str,
    pub field_start: &'static str,
    pub field_start_hint: &'static str,
    pub field_end: &'static str,
    pub field_end_hint: &'static str,
    pub field_periodicity: &'static str,
    // --- time zones, send windows, control of runs (issue 17) ---
    pub field_time_zone: &'static str,
    pub field_time_zone_hint: &'static str,
    pub times_in_zone: fn(&str) -> String,
    pub use_browser_zone: fn(&str) -> String,
    pub send_window_toggle: &'static str,
    pub send_window_hint: &'static str,
    pub send_window_days: &'static str,
    pub send_window_from: &'static str,
    pub send_window_to: &'static str,
    pub weekdays_short: [&'static str; 7],
    pub late_toggle: &'static str,
    pub late_max_minutes: &'static str,
    pub late_hint: &'static str,
    pub err_window_days: &'static str,
    pub err_window_hours: &'static str,
    pub err_late_minutes: &'static str,
    pub fact_time_zone: &'static str,
    pub fact_send_window: &'static str,
    pub fact_late_policy: &'static str,
    pub any_time: &'static str,
    pub late_catch_up: &'static str,
    pub late_skip: fn(i64) -> String,
    pub your_time: fn(&str) -> String,
    pub col_state: &'static str,
    pub col_cancelled: &'static str,
    pub run_queued: &'static str,
    pub run_running: &'static str,
    pub run_paused: &'static str,
    pub run_waiting: &'static str,
    pub run_cancelled: &'static str,
    pub run_finished: &'static str,
    pub run_skipped: &'static str,
    pub waiting_until: fn(&str) -> String,
    pub reason_late: &'static str,
    pub reason_owner_blocked: &'static str,
    pub reason_by_user: &'static str,
    pub pause_run: &'static str,
    pub resume_run: &'static str,
    pub cancel_run: &'static str,
    pub cancel_run_confirm: fn(i64) -> String,
    pub cancel_run_yes: &'static str,
    pub profile_zone_hint: &'static str,
    // --- suppression list (issue 16) ---
    pub events_title: &'static str,
    pub events_lead: &'static str,
    pub events_empty: &'static str,
    pub event_hard_bounce: &'static str,
    pub event_soft_bounce: &'static str,
    pub event_complaint: &'static str,
    pub suppressions_title: &'static str,
    pub suppressions_lead: &'static str,
    pub suppressions_link: &'static str,
    pub suppressions_empty: &'static str,
    pub suppression_add: &'static str,
    pub suppression_add_button: &'static str,
    pub suppression_added: fn(&str) -> String,
    pub suppression_note: &'static str,
    pub suppression_reason: &'static str,
    pub suppression_any_reason: &'static str,
    pub suppression_added_at: &'static str,
    pub suppression_import: &'static str,
    pub suppression_import_lead: &'static str,
    pub suppression_import_report: fn(i64, i64) -> String,
    pub reason_unsubscribed: &'static str,
    pub reason_hard_bounce: &'static str,
    pub reason_soft_bounce: &'static str,
    pub reason_complaint: &'static str,
    pub reason_manual: &'static str,
    pub attempt_skipped: &'static str,
    pub err_choose_message: &'static str,
    pub err_choose_recipients: &'static str,
    pub err_date: &'static str,
    pub err_end_before_start: &'static str,

    pub send_now: &'static str,
    pub send_test: &'static str,
    pub retry_failed: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub working: &'static str,
    pub run_started: &'static str,
    pub test_sent: &'static str,
    pub mailing_disabled_note: &'static str,
    pub register_taken_help: &'static str,
    pub role_confirm: fn(&str, &str) -> String,
    pub unknown_placeholder: fn(&str, Option<&str>) -> String,
    pub field_mailing_name: &'static str,
    pub field_mailing_name_hint: &'static str,
    pub err_mailing_name: &'static str,
    pub send_confirm: fn(i64) -> String,
    pub send_yes: &'static str,
    pub retry_confirm: &'static str,
    pub retry_confirm_all: &'static str,
    pub retry_include_permanent: &'static str,
    pub retry_yes: &'static str,
    pub save_and_send: &'static str,
    pub disabled_by_owner: fn(&str) -> String,
    pub disabled_by_manager: fn(&str) -> String,
    pub disabled_since: fn(&str) -> String,
    pub disabled_reason: &'static str,
    pub disable_title: &'static str,
    pub disable_reason_label: &'static str,
    pub disable_reason_hint: &'static str,
    pub no_run_while_disabled: &'static str,
    pub read_only_note: &'static str,
    pub fact_next_run: &'static str,
    pub fact_start: &'static str,
    pub fact_end: &'static str,
    pub fact_created: &'static str,
    pub none_scheduled: &'static str,
    pub no_end: &'static str,
    pub progress: fn(i64, i64) -> String,
    pub progress_title: &'static str,
    pub runs_title: &'static str,
    pub runs_empty: &'static str,
    pub col_trigger: &'static str,
    pub col_started: &'static str,
    pub col_finished: &'static str,
    pub col_sent: &'static str,
    pub col_failed: &'static str,
    pub col_pending: &'static str,
    pub trigger_schedule: &'static str,
    pub trigger_manual: &'static str,
    pub trigger_cli: &'static str,
    pub trigger_retry: &'static str,
    pub in_progress: &'static str,
    pub attempts_title: &'static str,
    pub attempts_empty: &'static str,
    pub attempt_success: &'static str,
    pub attempt_failure: &'static str,
    pub col_time: &'static str,
    pub col_reply: &'static str,
    pub recipients_of_mailing: &'static str,

    // --- statistics ----------------------------------------------------------------------
    pub stats_title: &'static str,
    pub stats_scope: &'static str,
    pub stats_scope_own: &'static str,
    pub stats_scope_all: &'static str,
    pub stats_figures: &'static str,
    pub stat_mailings_total: &'static str,
    pub stat_mailings_active: &'static str,
    pub stat_mailings_finished: &'static str,
    pub stat_unique_recipients: &'static str,
    pub stat_attempts_success: &'static str,
    pub stat_attempts_failure: &'static str,
    pub stat_messages_delivered: &'static str,
    pub stats_chart_title: &'static str,
    pub stats_period: &'static str,
    pub stats_days: fn(i64) -> String,
    pub stats_chart_summary: fn(i64, i64, i64) -> String,
    pub stats_chart_empty: &'static str,
    pub stats_as_table: &'static str,
    pub col_day: &'static str,
    pub stats_live_title: &'static str,
    pub stats_no_runs: &'static str,

    // --- blog ----------------------------------------------------------------------------
    pub blog_title: &'static str,
    pub blog_lead: &'static str,
    pub blog_empty: &'static str,
    pub blog_read_more: &'static str,
    pub views: fn(i64) -> String,
    pub post_draft: &'static str,
    pub post_published: &'static str,

    // --- blog administration -------------------------------------------------------------
    pub posts_title: &'static str,
    pub posts_new: &'static str,
    pub posts_empty: &'static str,
    pub col_title: &'static str,
    pub col_published: &'static str,
    pub col_views: &'static str,
    pub publish: &'static str,
    pub unpublish: &'static str,
    pub post_new_title: &'static str,
    pub post_edit_title: &'static str,
    pub field_title: &'static str,
    pub field_post_body: &'static str,
    pub field_post_body_hint: &'static str,
    pub field_image: &'static str,
    pub image_hint: &'static str,
    pub image_upload: &'static str,
    pub image_uploading: &'static str,
    pub image_uploaded: &'static str,
    pub image_choose: &'static str,
    pub image_save_first: &'static str,
    pub post_view: &'static str,
    pub post_status: &'static str,
    pub post_draft_note: &'static str,

    // --- users ---------------------------------------------------------------------------
    pub users_title: &'static str,
    pub users_search: &'static str,
    pub users_empty: &'static str,
    pub filter_accounts: &'static str,
    pub user_active: &'static str,
    pub user_blocked: &'static str,
    pub user_unverified: &'static str,
    pub user_you: &'static str,
    pub scope_label: &'static str,
    pub scope_mine: &'static str,
    pub scope_all: &'static str,
    pub recipient_read_only_note: &'static str,
    pub message_read_only_note: &'static str,
    pub col_role: &'static str,
    pub col_joined: &'static str,
    pub block: &'static str,
    pub unblock: &'static str,
    pub block_confirm: fn(&str) -> String,
    pub unblock_confirm: fn(&str) -> String,
    pub confirm_yes: &'static str,
    pub confirm_no: &'static str,
    pub role_for: fn(&str) -> String,
    pub role_changed: fn(&str) -> String,

    // --- roles ---------------------------------------------------------------------------
    pub roles_title: &'static str,
    pub roles_new: &'static str,
    pub roles_empty: &'static str,
    pub role_new_title: &'static str,
    pub role_edit_title: fn(&str) -> String,
    pub field_role_name: &'static str,
    pub role_name_hint: &'static str,
    pub field_permissions: &'static str,
    pub role_builtin: &'static str,
    pub role_builtin_note: &'static str,
    pub role_create: &'static str,
    pub role_created: &'static str,
    pub role_saved: &'static str,
    pub col_permissions: &'static str,
    pub col_users: &'static str,
    pub no_permissions: &'static str,

    // --- mailings of every user ----------------------------------------------------------
    pub col_owner: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,

    // --- issue 14, webapp-rest: invitations, people in statistics, sorting, "Saved",
    //     error codes, words (kept together to ease merging) -----------------------------
    pub invite_open: &'static str,
    pub invite_title: &'static str,
    pub invite_lead: &'static str,
    pub invite_submit: &'static str,
    pub invite_sent: fn(&str) -> String,
    pub accept_title: &'static str,
    pub accept_lead: &'static str,
    pub accept_submit: &'static str,
    pub accept_done: &'static str,
    pub accept_bad_token: &'static str,
    pub stats_scope_user: &'static str,
    pub stat_recipients_delivered: &'static str,
    pub stat_recipients_failed: &'static str,
    pub stat_delivery_rate: &'static str,
    pub col_created: &'static str,
    pub saved_message: &'static str,
    pub saved_mailing: &'static str,
    pub saved_recipient: &'static str,
    pub flash_dismiss: &'static str,
    pub code_email_taken: &'static str,
    pub code_invalid_credentials: &'static str,
    pub code_email_not_verified: &'static str,
    pub code_account_blocked: &'static str,
    pub code_invalid_token: &'static str,
    pub code_weak_password: &'static str,
    pub code_unknown_placeholder: &'static str,
    pub code_message_in_use: &'static str,
    pub code_recipient_exists: &'static str,
    pub code_unsupported_image: &'static str,
    pub code_image_too_large: &'static str,
    pub code_mailing_disabled: &'static str,
    pub code_mailing_finished: &'static str,
    pub code_owner_blocked: &'static str,
    pub code_nothing_to_retry: &'static str,
    pub code_no_temporary_failures: &'static str,
    pub code_template_invalid: &'static str,
    pub code_own_account: &'static str,
    pub code_role_name_taken: &'static str,
    pub code_role_builtin: &'static str,
    pub code_role_in_use: &'static str,
    pub code_unknown_role: &'static str,
    /// The delivery log's reasons (attempt replies) in this language; `None` keeps the
    /// server's text.
    pub delivery_text: fn(&str) -> Option<String>,
    /// A field's message as a sentence (from the server's predicate, e.g. `must be 1 to
    /// 200 characters`).
    pub field_sentence: fn(&str) -> String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_messages_become_sentences_in_both_languages() {
        assert_eq!(
            (Lang::En.texts().field_sentence)("must be 1 to 200 characters"),
            "It must be 1 to 200 characters."
        );
        assert_eq!(
            (Lang::En.texts().field_sentence)("is not a valid email address"),
            "It is not a valid email address."
        );
        assert_eq!(
            (Lang::Ru.texts().field_sentence)("от 1 до 200 символов"),
            "От 1 до 200 символов."
        );
        assert_eq!(sentence("Done!"), "Done!");
    }

    #[test]
    fn russian_plurals() {
        let f = |n| plural_ru(n, "строка", "строки", "строк");
        assert_eq!(f(1), "строка");
        assert_eq!(f(21), "строка");
        assert_eq!(f(3), "строки");
        assert_eq!(f(11), "строк");
        assert_eq!(f(12), "строк");
        assert_eq!(f(25), "строк");
        assert_eq!(f(0), "строк");
    }
}
