//! `/recipients/import`: upload or paste a CSV file; show what was added, updated and
//! skipped, and every rejected line with its reason.

use herald_api_types::ImportReport;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, ErrorNotice, Notice};
use crate::components::form::{on_submit, Field, Submit};
use crate::i18n::{format, use_i18n};
use crate::services::api::{self, ApiError};
use crate::services::files;

#[component]
pub fn RecipientImport() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let file = use_state(|| None::<(String, String)>);
    let pasted = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let nothing = use_state(|| false);
    let report = use_state(|| None::<ImportReport>);

    let on_file = {
        let (file, error) = (file.clone(), error.clone());
        Callback::from(move |e: Event| {
            let chosen = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|list| list.get(0));
            let (file, _error) = (file.clone(), error.clone());
            match chosen {
                Some(chosen) => wasm_bindgen_futures::spawn_local(async move {
                    let name = chosen.name();
                    match files::read_text(&chosen).await {
                        Ok(text) => file.set(Some((name, text))),
                        Err(_) => file.set(None),
                    }
                }),
                None => file.set(None),
            }
        })
    };

    let submit = {
        let (file, pasted, busy, error, nothing, report) = (
            file.clone(),
            pasted.clone(),
            busy.clone(),
            error.clone(),
            nothing.clone(),
            report.clone(),
        );
        Callback::from(move |()| {
            let csv = match &*file {
                Some((_, text)) => text.clone(),
                None => (*pasted).clone(),
            };
            if csv.trim().is_empty() {
                nothing.set(true);
                return;
            }
            nothing.set(false);
            busy.set(true);
            error.set(None);
            report.set(None);
            let (busy, error, report) = (busy.clone(), error.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::import_clients(csv).await;
                busy.set(false);
                match result {
                    Ok(r) => {
                        report.set(Some(r));
                        // The report is above the form: bring it into view.
                        if let Some(window) = web_sys::window() {
                            window.scroll_to_with_x_and_y(0.0, 0.0);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let report_view = report.as_ref().map(|r| {
        let n = |v: i64| format::number(i18n.lang, v);
        html! {
            <section class="import-report" id="import-report" aria-live="polite">
                <h2>{ t.import_done }</h2>
                <dl class="stats stats-small">
                    <div class="stat"><dt>{ t.import_created }</dt><dd id="import-created">{ n(r.created) }</dd></div>
                    <div class="stat"><dt>{ t.import_updated }</dt><dd id="import-updated">{ n(r.updated) }</dd></div>
                    <div class="stat"><dt>{ t.import_skipped }</dt><dd id="import-skipped">{ n(r.skipped) }</dd></div>
                </dl>
                if r.errors.is_empty() {
                    <Notice><p>{ t.import_all_ok }</p></Notice>
                } else {
                    <h3 class="text-error">{ (t.import_errors)(r.errors.len() as i64) }</h3>
                    <div class="table-wrap">
                        <table class="table" id="import-errors">
                            <thead><tr>
                                <th scope="col" class="num">{ t.col_line }</th>
                                <th scope="col">{ t.col_problem }</th>
                                <th scope="col">{ t.col_value }</th>
                            </tr></thead>
                            <tbody>
                                { for r.errors.iter().map(|e| html! {
                                    <tr key={e.line.to_string()}>
                                        <td class="num" data-label={t.col_line}>{ e.line }</td>
                                        <td data-label={t.col_problem}>
                                            { (t.server_text)(&e.message).unwrap_or_else(|| e.message.clone()) }
                                        </td>
                                        <td class="value-cell" data-label={t.col_value}>{ e.value.clone().unwrap_or_default() }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
                if !r.duplicates.is_empty() {
                    <h3>{ (t.import_duplicates)(r.duplicates.len() as i64) }</h3>
                    <p class="hint">{ t.import_duplicates_lead }</p>
                    <div class="table-wrap">
                        <table class="table" id="import-duplicates">
                            <thead><tr>
                                <th scope="col" class="num">{ t.col_line }</th>
                                <th scope="col">{ t.col_email }</th>
                                <th scope="col" class="num">{ t.col_first_line }</th>
                            </tr></thead>
                            <tbody>
                                { for r.duplicates.iter().map(|d| html! {
                                    <tr key={d.line.to_string()}>
                                        <td class="num" data-label={t.col_line}>{ d.line }</td>
                                        <td class="value-cell" data-label={t.col_email}>{ d.email.clone() }</td>
                                        <td class="num" data-label={t.col_first_line}>{ d.first_line }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
                <p class="form-actions">
                    <Link<Route> to={Route::Recipients} classes="button import-view-recipients">
                        { t.import_view_recipients }
                    </Link<Route>>
                </p>
            </section>
        }
    });

    html! {
        <div class="page narrow-page">
            <p class="breadcrumb"><Link<Route> to={Route::Recipients}>{ format!("← {}", t.recipients_title) }</Link<Route>></p>
            <h1>{ t.import_title }</h1>
            { report_view.unwrap_or_default() }
            <section class="card">
                <p>{ t.import_lead }</p>
                <pre class="sample">{ "email,full_name,comment\nann@example.com,Ann Lee,VIP\nbob@example.com,Bob," }</pre>
                if let Some(error) = &*error { <ApiErrorNotice error={error.clone()} /> }
                if *nothing { <ErrorNotice message={t.import_nothing} /> }
                <form class="form" onsubmit={on_submit(submit)}>
                    <div class="field">
                        <label for="csv-file">{ t.import_file }</label>
                        <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" onchange={on_file} />
                        if let Some((name, text)) = &*file {
                            <p class="hint">{ format!("{name} — {} B", format::number(i18n.lang, text.len() as i64)) }</p>
                        }
                    </div>
                    <Field id="csv-text" label={t.import_paste} value={(*pasted).clone()} rows={6}
                        oninput={Callback::from({ let s = pasted.clone(); move |v| s.set(v) })}
                        disabled={file.is_some()} class={classes!("mono")} />
                    <div class="form-actions">
                        <Submit label={t.import_submit} busy_label={t.import_busy} busy={*busy} />
                    </div>
                </form>
            </section>
        </div>
    }
}
