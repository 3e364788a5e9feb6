//! The mailing page's "Bounces and complaints": what happened after sending, each tied
//! to the delivery it answers (GET /mailings/{id}/events).

use herald_api_types::{DeliveryEvent, EventListQuery};
use uuid::Uuid;
use yew::prelude::*;

use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::pagination::Pagination;
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n, Texts};
use crate::services::api;

fn kind_label(t: &Texts, e: &DeliveryEvent) -> (&'static str, &'static str) {
    match (e.kind.as_str(), e.bounce_kind.as_deref()) {
        ("bounce", Some("hard")) => ("badge-failure", t.event_hard_bounce),
        ("bounce", _) => ("badge-waiting", t.event_soft_bounce),
        ("complaint", _) => ("badge-failure", t.event_complaint),
        _ => ("badge-soft", "?"),
    }
}

#[derive(Properties, PartialEq)]
pub struct MailingEventsProps {
    pub id: Uuid,
}

#[component]
pub fn MailingEvents(props: &MailingEventsProps) -> Html {
    let i18n = use_i18n();
    let (t, lang) = (i18n.t(), i18n.lang);
    let page = use_state(|| 1_i64);
    let events = use_load((props.id, *page), |(id, page)| async move {
        api::mailing_events(
            id,
            &EventListQuery {
                page: Some(page),
                per_page: Some(20),
                ..Default::default()
            },
        )
        .await
    });
    let body = match events.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <ApiErrorNotice error={error.clone()} on_retry={events.reload_callback()} /> }
        }
        Load::Ready(data) if data.items.is_empty() => html! { <Empty message={t.events_empty} /> },
        Load::Ready(data) => {
            let on_page = {
                let page = page.clone();
                Callback::from(move |p| page.set(p))
            };
            html! {
                <>
                    <div class="table-wrap">
                        <table class="table" id="events-table">
                            <thead><tr>
                                <th scope="col">{ t.col_time }</th>
                                <th scope="col">{ t.col_email }</th>
                                <th scope="col">{ t.col_status }</th>
                                <th scope="col">{ t.col_reply }</th>
                            </tr></thead>
                            <tbody>
                                { for data.items.iter().map(|e| {
                                    let (class, label) = kind_label(t, e);
                                    html! {
                                        <tr key={e.id.to_string()}>
                                            <td data-label={t.col_time} class="nowrap">{ format::datetime(lang, &e.at) }</td>
                                            <td data-label={t.col_email}>{ &e.email }</td>
                                            <td data-label={t.col_status}><span class={classes!("badge", class)}>{ label }</span></td>
                                            <td data-label={t.col_reply} class="reply"><code>{ &e.detail }</code></td>
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    </div>
                    <Pagination page={data.page} per_page={data.per_page} total={data.total} {on_page} />
                </>
            }
        }
    };
    html! {
        <section aria-labelledby="events-title">
            <h2 id="events-title">{ t.events_title }</h2>
            <p class="hint">{ t.events_lead }</p>
            { body }
        </section>
    }
}
