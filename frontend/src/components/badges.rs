//! Small coloured labels for statuses.

use yew::prelude::*;

use crate::i18n::{use_i18n, Texts};

pub fn mailing_status_label(t: &Texts, status: &str) -> &'static str {
    match status {
        "created" => t.status_created,
        "running" => t.status_running,
        "finished" => t.status_finished,
        _ => "?",
    }
}

pub fn periodicity_label(t: &Texts, periodicity: &str) -> &'static str {
    match periodicity {
        "once" => t.once,
        "daily" => t.daily,
        "weekly" => t.weekly,
        "monthly" => t.monthly,
        _ => "?",
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub status: AttrValue,
}

/// `created` / `running` / `finished`.
#[component]
pub fn MailingStatus(props: &StatusProps) -> Html {
    let i18n = use_i18n();
    html! {
        <span class={classes!("badge", format!("badge-{}", props.status))}>
            { mailing_status_label(i18n.t(), &props.status) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct EnabledProps {
    pub enabled: bool,
}

/// Shown only for disabled mailings (enabled is the normal case).
#[component]
pub fn EnabledBadge(props: &EnabledProps) -> Html {
    let i18n = use_i18n();
    if props.enabled {
        html! { <span class="badge badge-enabled">{ i18n.t().enabled }</span> }
    } else {
        html! { <span class="badge badge-disabled">{ i18n.t().disabled }</span> }
    }
}

/// `success` / `failure` of one delivery attempt.
#[component]
pub fn AttemptStatus(props: &StatusProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let (class, label) = match props.status.as_str() {
        "success" => ("badge-success", t.attempt_success),
        // Not sent: the address is on the suppression list.
        "skipped" => ("badge-skipped", t.attempt_skipped),
        _ => ("badge-failure", t.attempt_failure),
    };
    html! { <span class={classes!("badge", class)}>{ label }</span> }
}
