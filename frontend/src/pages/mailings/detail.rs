//! `/mailings/{id}`: the facts, the actions (send now, test, retry failed,
//! disable/enable), the live progress of a running run, the runs, and the delivery log.
//!
//! While the newest run is unfinished (`last_run.finished_at` is null) the page polls
//! every 2 seconds.

use herald_api_types::{Attempt, AttemptListQuery, ClientListQuery, PageQuery, Run, RunState};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use super::recipients_label;
use crate::app::Route;
use crate::components::badges::{periodicity_label, AttemptStatus, EnabledBadge, MailingStatus};
use crate::components::confirm::{ConfirmAction, ConfirmDelete};
use crate::components::feedback::{ApiErrorNotice, Empty, Loading, Notice};
use crate::components::form::Field;
use crate::components::pagination::Pagination;
use crate::components::progress::RunProgress;
use crate::components::run_state::{RunControls, RunStateBadge};
use crate::hooks::{use_live, use_load, Load, Loader};
use crate::i18n::{format, use_i18n, Lang, Texts};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

#[derive(Properties, PartialEq)]
pub struct MailingDetailProps {
    pub id: Uuid,
}

/// The outcome of the last action button, shown above the facts.
#[derive(Clone, PartialEq)]
enum Outcome {
    Done(&'static str),
    Failed(ApiError),
}

fn trigger_label(t: &Texts, trigger: &str) -> &'static str {
    match trigger {
        "schedule" => t.trigger_schedule,
        "manual" => t.trigger_manual,
        "cli" => t.trigger_cli,
        "retry" => t.trigger_retry,
        _ => "?",
    }
}

#[component]
pub fn MailingDetail(props: &MailingDetailProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let session = use_session();
    let navigator = use_navigator();
    let id = props.id;

    let mailing = use_load(id, api::mailing);
    let subject = {
        let message_id = mailing.data().map(|m| m.message_id);
        use_load(message_id, |message_id| async move {
            match message_id {
                Some(mid) => api::message(mid).await.map(|m| Some(m.subject)),
                None => Ok(None),
            }
        })
    };
    let runs_page = use_state(|| 1_i64);
    let runs = use_load((id, *runs_page), |(id, page)| async move {
        api::runs(
            id,
            &PageQuery {
                page: Some(page),
                per_page: Some(10),
            },
        )
        .await
    });
    let attempt_filter = use_state(|| None::<&'static str>);
    let attempts_page = use_state(|| 1_i64);
    let attempts = use_load(
        (id, *attempt_filter, *attempts_page),
        |(id, status, page)| async move {
            api::attempts(
                id,
                &AttemptListQuery {
                    status: status.map(str::to_owned),
                    page: Some(page),
                    per_page: Some(20),
                    ..Default::default()
                },
            )
            .await
        },
    );

    // Live progress: poll while the newest run is unfinished, as the mailing or the run
    // list last told (they are fetched side by side, so either may be the fresher).
    // `None` until the mailing is loaded; then its newest run, if any, and whether it ended.
    let last_run = mailing
        .data()
        .map(|m| m.last_run.as_ref().map(|r| (r.id, r.finished_at.is_some())));
    let running = last_run.flatten().is_some_and(|(_, finished)| !finished)
        || runs
            .data()
            .is_some_and(|page| page.items.iter().any(|r| r.finished_at.is_none()));
    {
        // When the newest run changes or ends, the lists load once more, so the last
        // poll's rows are never the final word.
        let (runs, attempts) = (runs.clone(), attempts.clone());
        let seen = use_mut_ref(|| None::<Option<(Uuid, bool)>>);
        use_effect_with(last_run, move |last_run| {
            if let Some(current) = *last_run {
                let before = seen.borrow_mut().replace(current);
                if before.is_some_and(|before| before != current) {
                    runs.reload();
                    attempts.reload();
                }
            }
        });
    }
    // Follows a run in progress, and notices a scheduled one that starts while the page
    // is open (no next run is sent while disabled).
    let next_run = mailing
        .data()
        .and_then(|m| m.enabled.then_some(m.next_run_at).flatten());
    use_live(running, next_run, {
        let (mailing, runs, attempts) = (mailing.clone(), runs.clone(), attempts.clone());
        Callback::from(move |()| {
            mailing.reload();
            runs.reload();
            attempts.reload();
        })
    });

    let outcome = use_state(|| None::<Outcome>);
    let busy = use_state(|| None::<&'static str>);
    // Runs an action; afterwards reloads everything so the new run shows.
    // "Retry failed" leaves permanent refusals (5xx) alone unless this is ticked.
    let include_permanent = use_state(|| false);
    let act = {
        let include_permanent = include_permanent.clone();
        let (outcome, busy, mailing, runs, attempts) = (
            outcome.clone(),
            busy.clone(),
            mailing.clone(),
            runs.clone(),
            attempts.clone(),
        );
        move |name: &'static str| {
            let (outcome, busy, mailing, runs, attempts) = (
                outcome.clone(),
                busy.clone(),
                mailing.clone(),
                runs.clone(),
                attempts.clone(),
            );
            let include_permanent = include_permanent.clone();
            Callback::from(move |()| {
                busy.set(Some(name));
                outcome.set(None);
                let permanent = *include_permanent;
                let (outcome, busy, mailing, runs, attempts) = (
                    outcome.clone(),
                    busy.clone(),
                    mailing.clone(),
                    runs.clone(),
                    attempts.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match name {
                        "send" => api::send_mailing(id).await.map(|_| t.run_started),
                        "retry" => api::retry_failed(id, permanent)
                            .await
                            .map(|_| t.run_started),
                        "test" => api::test_mailing(id).await.map(|()| t.test_sent),
                        "disable" | "enable" => api::set_mailing_enabled(id, name == "enable")
                            .await
                            .map(|m| {
                                mailing.set(m);
                                ""
                            }),
                        _ => Ok(""),
                    };
                    busy.set(None);
                    match result {
                        Ok("") => {}
                        Ok(message) => outcome.set(Some(Outcome::Done(message))),
                        Err(e) => outcome.set(Some(Outcome::Failed(e))),
                    }
                    if matches!(name, "send" | "retry") {
                        mailing.reload();
                        runs.reload();
                        attempts.reload();
                    }
                });
            })
        }
    };
    // Disabling asks for an optional reason first (the owner sees it).
    let asking_reason = use_state(|| false);
    let reason = use_state(String::new);
    let on_disable = {
        let (outcome, busy, mailing, asking_reason, reason) = (
            outcome.clone(),
            busy.clone(),
            mailing.clone(),
            asking_reason.clone(),
            reason.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(Some("disable"));
            outcome.set(None);
            let (outcome, busy, mailing, asking_reason, reason) = (
                outcome.clone(),
                busy.clone(),
                mailing.clone(),
                asking_reason.clone(),
                reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::disable_mailing(id, &reason).await;
                busy.set(None);
                match result {
                    Ok(m) => {
                        mailing.set(m);
                        asking_reason.set(false);
                        reason.set(String::new());
                    }
                    Err(e) => outcome.set(Some(Outcome::Failed(e))),
                }
            });
        })
    };
    // Pause, resume or cancel the run in progress.
    let run_busy = use_state(|| None::<&'static str>);
    let on_run_action = {
        let (outcome, run_busy, mailing, runs) = (
            outcome.clone(),
            run_busy.clone(),
            mailing.clone(),
            runs.clone(),
        );
        let run_id = mailing
            .data()
            .and_then(|m| m.last_run.as_ref().map(|r| r.id));
        Callback::from(move |action: &'static str| {
            let Some(run_id) = run_id else { return };
            run_busy.set(Some(action));
            outcome.set(None);
            let (outcome, run_busy, mailing, runs) = (
                outcome.clone(),
                run_busy.clone(),
                mailing.clone(),
                runs.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::control_run(run_id, action).await;
                run_busy.set(None);
                if let Err(e) = result {
                    outcome.set(Some(Outcome::Failed(e)));
                }
                mailing.reload();
                runs.reload();
            });
        })
    };
    let delete_error = use_state(|| None::<ApiError>);
    let on_delete = {
        let (navigator, delete_error) = (navigator.clone(), delete_error.clone());
        Callback::from(move |()| {
            let (navigator, delete_error) = (navigator.clone(), delete_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_mailing(id).await {
                    Ok(()) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Mailings);
                        }
                    }
                    Err(e) => delete_error.set(Some(e)),
                }
            });
        })
    };

    let m = match mailing.state() {
        Load::Loading => return html! { <div class="page"><Loading /></div> },
        Load::Failed(error) => {
            return html! {
                <div class="page">
                    <p class="breadcrumb"><Link<Route> to={Route::Mailings}>{ format!("← {}", t.mailings_title) }</Link<Route>></p>
                    <ApiErrorNotice error={error.clone()} on_retry={mailing.reload_callback()} />
                </div>
            }
        }
        Load::Ready(m) => m.clone(),
    };

    let is_owner = session.user().is_some_and(|u| u.id == m.owner_id);
    let may_toggle = is_owner || session.can("mailings.disable");
    let finished = m.status == "finished";
    // The page is titled with the mailing's own name; its message is one of the facts.
    let title = m.name.clone();
    let subject_text = subject
        .data()
        .and_then(|s| (*s).clone())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| t.no_subject.to_owned());
    // Times in the mailing's own zone; the reader's own clock beside them when it differs.
    let browser_zone = format::time_zone();
    let zone = m.time_zone.clone();
    let zoned = |d: &chrono::DateTime<chrono::Utc>| format::datetime_in(lang, d, &zone);
    let zoned_fact = |d: &chrono::DateTime<chrono::Utc>| {
        html! { <>
            { zoned(d) }
            if !browser_zone.is_empty() && browser_zone != zone {
                <span class="muted zone-local">{ (t.your_time)(&format::datetime(lang, d)) }</span>
            }
        </> }
    };
    let window_text = m.send_window.as_ref().map_or_else(
        || t.any_time.to_owned(),
        |w| {
            let days: Vec<&str> = w
                .days
                .iter()
                .map(|d| t.weekdays_short[d.index() as usize])
                .collect();
            format!("{} · {}–{}", days.join(", "), w.from, w.to)
        },
    );
    let late_text = match m.late_policy.max_late_secs {
        Some(secs) if !m.late_policy.catch_up => (t.late_skip)((secs / 60).max(1)),
        _ => t.late_catch_up.to_owned(),
    };
    let button = |name: &'static str, label: &'static str, class: &'static str, disabled: bool| {
        let working = *busy == Some(name);
        let run = act(name);
        html! {
            <button type="button" id={format!("action-{name}")} class={classes!("button", class)}
                disabled={disabled || busy.is_some()} onclick={Callback::from(move |_: MouseEvent| run.emit(()))}
                aria-busy={working.then_some("true")}>
                { if working { t.working } else { label } }
            </button>
        }
    };

    html! {
        <div class="page">
            <p class="breadcrumb"><Link<Route> to={Route::Mailings}>{ format!("← {}", t.mailings_title) }</Link<Route>></p>
            <div class="page-head">
                <h1 id="mailing-title">{ title.clone() }</h1>
                <div class="badges">
                    <MailingStatus status={m.status.clone()} />
                    <EnabledBadge enabled={m.enabled} />
                </div>
            </div>
            if !is_owner {
                <Notice kind="info"><p>{ t.read_only_note }</p></Notice>
            }
            if !m.enabled {
                <Notice kind="warn">
                    <p id="disabled-note">{ t.mailing_disabled_note }</p>
                    if let Some(at) = &m.disabled_at {
                        <p id="disabled-by">{
                            if m.disabled_by == Some(m.owner_id) {
                                (t.disabled_by_owner)(&format::datetime(lang, at))
                            } else if m.disabled_by.is_some() {
                                (t.disabled_by_manager)(&format::datetime(lang, at))
                            } else {
                                (t.disabled_since)(&format::datetime(lang, at))
                            }
                        }</p>
                    }
                    if let Some(why) = &m.disabled_reason {
                        <p id="disabled-reason"><strong>{ t.disabled_reason }</strong>{ " " }{ why.clone() }</p>
                    }
                </Notice>
            }
            <div class="action-bar" role="toolbar" aria-label={t.actions}>
                // Sending cannot be taken back: both ask first, saying to how many.
                if is_owner {
                    <ConfirmAction id="action-send" label={t.send_now} small=false class={classes!()}
                        question={(t.send_confirm)(m.recipients_count)} yes={t.send_yes}
                        busy={*busy == Some("send")} disabled={!m.enabled || finished || busy.is_some()}
                        on_confirm={act("send")} />
                    { button("test", t.send_test, "button-secondary", false) }
                    <ConfirmAction id="action-retry" label={t.retry_failed} small=false
                        question={if *include_permanent { t.retry_confirm_all } else { t.retry_confirm }}
                        yes={t.retry_yes}
                        busy={*busy == Some("retry")} disabled={!m.enabled || busy.is_some()}
                        on_confirm={act("retry")} />
                    <label class="check-inline" for="retry-permanent">
                        <input type="checkbox" id="retry-permanent" checked={*include_permanent}
                            onchange={{ let p = include_permanent.clone(); Callback::from(move |_: Event| p.set(!*p)) }} />
                        { " " }{ t.retry_include_permanent }
                    </label>
                }
                // A finished mailing has nothing left to disable.
                if may_toggle {
                    if m.enabled && !finished {
                        <button type="button" id="action-disable" class="button button-secondary"
                            disabled={busy.is_some() || *asking_reason}
                            onclick={{ let a = asking_reason.clone(); Callback::from(move |_: MouseEvent| a.set(true)) }}>
                            { t.disable }
                        </button>
                    } else if !m.enabled {
                        { button("enable", t.enable, "button-secondary", false) }
                    }
                }
                if is_owner {
                    <span class="spacer"></span>
                    <Link<Route> to={Route::MailingEdit { id }} classes="button button-secondary">
                        { t.edit }
                    </Link<Route>>
                    <ConfirmDelete on_confirm={on_delete} what={title.clone()} />
                }
            </div>
            if *asking_reason && m.enabled {
                <section class="card disable-form" aria-labelledby="disable-title">
                    <h2 id="disable-title">{ t.disable_title }</h2>
                    <Field id="disable-reason" label={t.disable_reason_label} value={(*reason).clone()} rows={3}
                        optional=true focus=true hint={AttrValue::Static(t.disable_reason_hint)}
                        oninput={{ let r = reason.clone(); Callback::from(move |v| r.set(v)) }} />
                    <div class="form-actions">
                        <button type="button" id="disable-confirm" class="button button-danger"
                            disabled={busy.is_some()} onclick={on_disable}
                            aria-busy={(*busy == Some("disable")).then_some("true")}>
                            { if *busy == Some("disable") { t.working } else { t.disable } }
                        </button>
                        <button type="button" id="disable-cancel" class="button button-secondary"
                            onclick={{ let a = asking_reason.clone(); Callback::from(move |_: MouseEvent| a.set(false)) }}>
                            { t.cancel }
                        </button>
                    </div>
                </section>
            }
            { match &*outcome {
                Some(Outcome::Done(message)) => html! { <Notice><p id="action-done">{ *message }</p></Notice> },
                Some(Outcome::Failed(error)) => html! { <ApiErrorNotice error={error.clone()} /> },
                None => html! {},
            } }
            if let Some(error) = &*delete_error { <ApiErrorNotice error={error.clone()} /> }

            if let Some(run) = m.last_run.as_ref().filter(|r| r.finished_at.is_none()) {
                <RunProgress run={run.clone()} id="run-progress"
                    head={html! { <>
                        if matches!(run.state, RunState::Running | RunState::Queued) {
                            <strong>{ t.progress_title }</strong>{ " " }
                        }
                        <RunStateBadge run={run.clone()} />
                    </> }} />
                if let Some(until) = &run.waiting_until {
                    <p class="muted" id="run-waiting-until">{ (t.waiting_until)(&zoned(until)) }</p>
                }
                if may_toggle {
                    <RunControls run={run.clone()} on_action={on_run_action.clone()} busy={*run_busy} />
                }
            }

            <section class="card">
                <dl class="facts facts-grid">
                    <div><dt>{ t.col_message }</dt><dd>
                        if is_owner {
                            <Link<Route> to={Route::MessageEdit { id: m.message_id }} classes="fact-message">{ subject_text.clone() }</Link<Route>>
                        } else {
                            <span class="fact-message">{ subject_text.clone() }</span>
                        }
                    </dd></div>
                    <div><dt>{ t.col_recipients }</dt><dd id="fact-recipients">{ recipients_label(lang, &m) }</dd></div>
                    <div><dt>{ t.col_schedule }</dt><dd>{ periodicity_label(t, &m.periodicity) }</dd></div>
                    <div><dt>{ t.fact_time_zone }</dt><dd id="fact-zone">{ zone.clone() }</dd></div>
                    <div><dt>{ t.fact_start }</dt><dd id="fact-start">{ zoned_fact(&m.start_at) }</dd></div>
                    <div><dt>{ t.fact_end }</dt><dd>
                        { m.end_at.as_ref().map_or_else(|| html! { t.no_end }, &zoned_fact) }
                    </dd></div>
                    <div><dt>{ t.fact_next_run }</dt><dd id="fact-next-run">
                        { match (&m.next_run_at, m.enabled) {
                            (_, false) => html! { t.no_run_while_disabled },
                            (Some(d), true) => zoned_fact(d),
                            (None, true) => html! { t.none_scheduled },
                        } }
                    </dd></div>
                    <div><dt>{ t.fact_send_window }</dt><dd id="fact-window">{ window_text }</dd></div>
                    <div><dt>{ t.fact_late_policy }</dt><dd id="fact-late">{ late_text }</dd></div>
                    <div><dt>{ t.fact_created }</dt><dd>{ format::datetime(lang, &m.created_at) }</dd></div>
                </dl>
                if !m.all_clients {
                    <RecipientsPanel {id} />
                }
            </section>

            <section aria-labelledby="runs-title">
                <h2 id="runs-title">{ t.runs_title }</h2>
                { runs_table(lang, &runs, &runs_page) }
            </section>

            <super::events::MailingEvents {id} />

            <section aria-labelledby="attempts-title">
                <div class="section-head">
                    <h2 id="attempts-title">{ t.attempts_title }</h2>
                    { attempt_filter_buttons(t, &attempt_filter, &attempts_page) }
                </div>
                { attempts_table(lang, &attempts, &attempts_page) }
            </section>
        </div>
    }
}

fn runs_table(
    lang: Lang,
    runs: &Loader<herald_api_types::Page<Run>>,
    page: &UseStateHandle<i64>,
) -> Html {
    let t = lang.texts();
    match runs.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={runs.reload_callback()} />
        },
        Load::Ready(data) if data.items.is_empty() => html! { <Empty message={t.runs_empty} /> },
        Load::Ready(data) => {
            let on_page = {
                let page = page.clone();
                Callback::from(move |p| page.set(p))
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="runs-table">
                            <thead><tr>
                                <th scope="col">{ t.col_started }</th>
                                <th scope="col">{ t.col_trigger }</th>
                                <th scope="col">{ t.col_state }</th>
                                <th scope="col">{ t.col_finished }</th>
                                <th scope="col" class="num">{ t.col_recipients }</th>
                                <th scope="col" class="num">{ t.col_sent }</th>
                                <th scope="col" class="num">{ t.col_failed }</th>
                                <th scope="col" class="num">{ t.col_pending }</th>
                            </tr></thead>
                            <tbody>
                                { for data.items.iter().map(|r| html! {
                                    <tr key={r.id.to_string()}>
                                        <td data-label={t.col_started} class="nowrap">{ format::datetime(lang, &r.started_at) }</td>
                                        <td data-label={t.col_trigger}>{ trigger_label(t, &r.trigger) }</td>
                                        <td data-label={t.col_state}>
                                            <RunStateBadge run={r.clone()} />
                                            if r.cancelled > 0 {
                                                <span class="muted">{ format!(" {}: {}", t.col_cancelled, format::number(lang, r.cancelled)) }</span>
                                            }
                                        </td>
                                        <td data-label={t.col_finished} class="nowrap">
                                            { match &r.finished_at {
                                                Some(d) => html! { format::datetime(lang, d) },
                                                None => html! { <span class="muted">{ t.in_progress }</span> },
                                            } }
                                        </td>
                                        <td data-label={t.col_recipients} class="num run-recipients">{ format::number(lang, r.recipients) }</td>
                                        <td data-label={t.col_sent} class="num">{ format::number(lang, r.sent) }</td>
                                        <td data-label={t.col_failed} class={classes!("num", (r.failed > 0).then_some("text-error"))}>
                                            { format::number(lang, r.failed) }
                                        </td>
                                        <td data-label={t.col_pending} class="num">{ format::number(lang, r.pending) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    <Pagination page={data.page} per_page={data.per_page} total={data.total} {on_page} />
                </>
            }
        }
    }
}

fn attempt_filter_buttons(
    t: &'static Texts,
    filter: &UseStateHandle<Option<&'static str>>,
    page: &UseStateHandle<i64>,
) -> Html {
    let button = |value: Option<&'static str>, label: &'static str| {
        let (filter, page) = (filter.clone(), page.clone());
        let active = *filter == value;
        html! {
            <button type="button" id={format!("attempts-{}", value.unwrap_or("all"))}
                class={classes!("seg", active.then_some("active"))}
                aria-pressed={if active { "true" } else { "false" }}
                onclick={Callback::from(move |_: MouseEvent| { filter.set(value); page.set(1); })}>
                { label }
            </button>
        }
    };
    html! {
        <div class="segmented" role="group" aria-label={t.filter_status}>
            { button(None, t.filter_any) }
            { button(Some("success"), t.attempt_success) }
            { button(Some("failure"), t.attempt_failure) }
        </div>
    }
}

fn attempts_table(
    lang: Lang,
    attempts: &Loader<herald_api_types::Page<Attempt>>,
    page: &UseStateHandle<i64>,
) -> Html {
    let t = lang.texts();
    match attempts.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={attempts.reload_callback()} />
        },
        Load::Ready(data) if data.items.is_empty() => {
            html! { <Empty message={t.attempts_empty} /> }
        }
        Load::Ready(data) => {
            let on_page = {
                let page = page.clone();
                Callback::from(move |p| page.set(p))
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="attempts-table">
                            <thead><tr>
                                <th scope="col">{ t.col_time }</th>
                                <th scope="col">{ t.col_email }</th>
                                <th scope="col">{ t.col_status }</th>
                                <th scope="col">{ t.col_reply }</th>
                            </tr></thead>
                            <tbody>
                                { for data.items.iter().map(|a| html! {
                                    <tr key={a.id.to_string()} class={classes!("attempt", format!("attempt-{}", a.status))}>
                                        <td data-label={t.col_time} class="nowrap"
                                            title={format::datetime_precise(lang, &a.attempted_at)}>{ format::datetime(lang, &a.attempted_at) }</td>
                                        <td data-label={t.col_email}>{ &a.email }</td>
                                        <td data-label={t.col_status}><AttemptStatus status={a.status.clone()} /></td>
                                        <td data-label={t.col_reply} class="reply">{
                                            match (t.delivery_text)(&a.server_response) {
                                                Some(said) => html! { <span title={a.server_response.clone()}>{ said }</span> },
                                                None => html! { <code>{ &a.server_response }</code> },
                                            }
                                        }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    <Pagination page={data.page} per_page={data.per_page} total={data.total} {on_page} />
                </>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct RecipientsPanelProps {
    id: Uuid,
}

/// The mailing's explicit recipients, loaded when the panel is opened.
#[component]
fn RecipientsPanel(props: &RecipientsPanelProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let open = use_state(|| false);
    let page = use_state(|| 1_i64);
    let list = use_load((props.id, *open, *page), |(id, open, page)| async move {
        if !open {
            return Ok(None);
        }
        api::mailing_recipients(
            id,
            &ClientListQuery {
                page: Some(page),
                per_page: Some(10),
                ..Default::default()
            },
        )
        .await
        .map(Some)
    });
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: Option<web_sys::HtmlElement> = e.target_dyn_into();
            let is_open = details
                .map(|d| d.get_attribute("open").is_some())
                .unwrap_or(false);
            open.set(is_open);
        })
    };
    let body = match list.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <ApiErrorNotice error={error.clone()} on_retry={list.reload_callback()} /> }
        }
        Load::Ready(data) => match &**data {
            None => html! {},
            Some(data) => {
                let on_page = {
                    let page = page.clone();
                    Callback::from(move |p| page.set(p))
                };
                html! {
                    <>
                        <ul class="plain-list">
                            { for data.items.iter().map(|c| html! {
                                <li key={c.id.to_string()}>
                                    { &c.email }
                                    if !c.full_name.is_empty() { <span class="muted">{ format!(" — {}", c.full_name) }</span> }
                                    if c.unsubscribed { { " " }<span class="badge badge-disabled">{ t.unsubscribed }</span> }
                                </li>
                            }) }
                        </ul>
                        <Pagination page={data.page} per_page={data.per_page} total={data.total} {on_page} />
                    </>
                }
            }
        },
    };
    html! {
        <details class="recipients-panel" ontoggle={on_toggle}>
            <summary>{ t.recipients_of_mailing }</summary>
            { body }
        </details>
    }
}
