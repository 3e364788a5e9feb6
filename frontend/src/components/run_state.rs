//! A run's state as a badge, with why it is paused or was skipped, and the buttons that
//! pause, resume and cancel it (cancel asks first).

use herald_api_types::{Run, RunState};
use yew::prelude::*;

use crate::components::confirm::ConfirmAction;
use crate::i18n::{use_i18n, Texts};

pub fn run_state_label(t: &Texts, state: RunState) -> &'static str {
    match state {
        RunState::Queued => t.run_queued,
        RunState::Running => t.run_running,
        RunState::Paused => t.run_paused,
        RunState::Waiting => t.run_waiting,
        RunState::Cancelled => t.run_cancelled,
        RunState::Finished => t.run_finished,
        RunState::Skipped => t.run_skipped,
    }
}

pub fn run_reason_label(t: &Texts, reason: &str) -> Option<&'static str> {
    match reason {
        "late" => Some(t.reason_late),
        "owner_blocked" => Some(t.reason_owner_blocked),
        "by_user" => Some(t.reason_by_user),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct RunStateBadgeProps {
    pub run: Run,
}

/// `Paused (by hand)`, `Skipped (too late)`, `Waiting`...
#[component]
pub fn RunStateBadge(props: &RunStateBadgeProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let run = &props.run;
    let reason = run
        .reason
        .as_deref()
        .filter(|_| matches!(run.state, RunState::Paused | RunState::Skipped))
        .and_then(|r| run_reason_label(t, r));
    html! {
        <span class={classes!("badge", format!("badge-{}", run.state.as_str()), "run-state")}
            data-state={run.state.as_str()}>
            { run_state_label(t, run.state) }
            if let Some(r) = reason { { format!(" ({r})") } }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct RunControlsProps {
    pub run: Run,
    /// Called with `pause`, `resume` or `cancel`.
    pub on_action: Callback<&'static str>,
    /// The action in flight, if any.
    #[prop_or_default]
    pub busy: Option<&'static str>,
}

#[component]
pub fn RunControls(props: &RunControlsProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let run = &props.run;
    if run.state.is_over() || run.finished_at.is_some() {
        return html! {};
    }
    let busy = props.busy.is_some();
    let button = |action: &'static str, label: &'static str| {
        let on_action = props.on_action.clone();
        let working = props.busy == Some(action);
        html! {
            <button type="button" id={format!("run-{action}")} class="button button-secondary button-small"
                disabled={busy} aria-busy={working.then_some("true")}
                onclick={Callback::from(move |_: MouseEvent| on_action.emit(action))}>
                { if working { t.working } else { label } }
            </button>
        }
    };
    let on_cancel = {
        let on_action = props.on_action.clone();
        Callback::from(move |()| on_action.emit("cancel"))
    };
    html! {
        <div class="run-controls" role="group" aria-label={t.actions}>
            if run.state == RunState::Paused {
                { button("resume", t.resume_run) }
            } else {
                { button("pause", t.pause_run) }
            }
            <ConfirmAction id="run-cancel" label={t.cancel_run} small=true
                question={(t.cancel_run_confirm)(run.pending)} yes={t.cancel_run_yes}
                busy={props.busy == Some("cancel")} disabled={busy} on_confirm={on_cancel} />
        </div>
    }
}
