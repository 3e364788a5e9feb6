//! A run's progress: a bar and its sent / failed / pending counts, for the mailing page
//! and the statistics page.

use herald_api_types::{Run, RunState};
use yew::prelude::*;

use crate::i18n::{format, use_i18n};

#[derive(Properties, PartialEq)]
pub struct RunProgressProps {
    pub run: Run,
    /// What the card is about (a title, or the mailing's subject as a link).
    pub head: Html,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
}

#[component]
pub fn RunProgress(props: &RunProgressProps) -> Html {
    let i18n = use_i18n();
    let (t, lang) = (i18n.t(), i18n.lang);
    let run = &props.run;
    let done = run.sent + run.failed;
    let total = done + run.pending;
    html! {
        <section class={classes!("card", "progress-card", props.class.clone())}
            id={props.id.clone()} aria-live="polite">
            <div class="progress-head">
                // Turning only while something is being sent (not paused or waiting).
                if run.finished_at.is_none() && matches!(run.state, RunState::Running | RunState::Queued) {
                    <span class="spinner" aria-hidden="true"></span>
                }
                { props.head.clone() }
                <span class="muted">{ (t.progress)(done, total) }</span>
            </div>
            <progress max={total.max(1).to_string()} value={done.to_string()}></progress>
            <p class="muted progress-counts">
                { format!("{}: {} · {}: {} · {}: {}",
                    t.col_sent, format::number(lang, run.sent),
                    t.col_failed, format::number(lang, run.failed),
                    t.col_pending, format::number(lang, run.pending)) }
            </p>
        </section>
    }
}
