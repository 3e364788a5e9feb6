//! `/stats`: the delivery figures, a chart of successful and failed attempts per day
//! (plotters on a `<canvas>`), and the live progress of runs in progress.
//!
//! Runs in progress are found through the list of running mailings (a mailing's
//! `last_run` without `finished_at`), read again every 10 seconds; while there are any, their newest run is
//! polled every 2 seconds through `GET /mailings/{id}/runs`. When one ends, the figures
//! and the chart load again.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use herald_api_types::{
    DailyPoint, DailyStatsQuery, MailingListQuery, Run, Stats as Figures, StatsQuery, StatsScope,
    UserListQuery,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ApiErrorNotice, Empty, Loading};
use crate::components::form::on_value;
use crate::components::progress::RunProgress;
use crate::hooks::{use_load, Load};
use crate::i18n::{format, use_i18n, Lang, Texts};
use crate::services::api::{self, ApiError};
use crate::session::use_session;

const POLL_MILLIS: u32 = 2_000;
/// How often the mailing list is read again for runs that started since.
const DISCOVER_MILLIS: u32 = 10_000;
// The legend's swatches (`.swatch-success`, `.swatch-failure` in style.css) use the same
// colours: the CSP allows no inline style attributes.
const SUCCESS_COLOUR: (u8, u8, u8) = (0x2f, 0x9e, 0x5b);
const FAILURE_COLOUR: (u8, u8, u8) = (0xe0, 0x4a, 0x45);

/// Counts poll ticks (a reducer, so the interval's callback never holds a stale count).
#[derive(Default, PartialEq)]
struct Tick(u32);

impl Reducible for Tick {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Tick(self.0.wrapping_add(1)))
    }
}

/// Whose figures the page shows: the reader's, everyone's, or one user's (a manager with
/// `stats.view_all` picks; the select's values are `own`, `all` and user ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Whose {
    Own,
    All,
    User(Uuid),
}

impl Whose {
    fn parse(value: &str) -> Whose {
        match value {
            "all" => Whose::All,
            other => other.parse().map(Whose::User).unwrap_or(Whose::Own),
        }
    }

    fn value(self) -> String {
        match self {
            Whose::Own => "own".into(),
            Whose::All => "all".into(),
            Whose::User(id) => id.to_string(),
        }
    }

    /// `(scope, owner_id)` of the statistics queries.
    fn query(self) -> (Option<StatsScope>, Option<Uuid>) {
        match self {
            Whose::Own => (Some(StatsScope::Own), None),
            Whose::All => (Some(StatsScope::All), None),
            Whose::User(id) => (None, Some(id)),
        }
    }
}

/// A mailing whose newest run was unfinished when the list was read.
#[derive(Clone, Debug, PartialEq)]
struct Running {
    mailing_id: Uuid,
    /// The mailing's name.
    name: String,
    run: Run,
}

/// Pages of running mailings read at most (a run in progress keeps its mailing `running`).
const RUNNING_PAGES: i64 = 5;

async fn find_running(_version: u32) -> Result<Vec<Running>, ApiError> {
    let mut running = Vec::new();
    for page in 1..=RUNNING_PAGES {
        let listed = api::mailings(&MailingListQuery {
            status: Some("running".into()),
            page: Some(page),
            per_page: Some(100),
            ..Default::default()
        })
        .await?;
        let last = page * listed.per_page >= listed.total;
        running.extend(listed.items.into_iter().filter_map(|m| {
            let run = m.last_run.filter(|r| r.finished_at.is_none())?;
            Some((m.id, m.name, run))
        }));
        if last {
            break;
        }
    }
    if running.is_empty() {
        return Ok(Vec::new());
    }
    Ok(running
        .into_iter()
        .map(|(mailing_id, name, run)| Running {
            mailing_id,
            name,
            run,
        })
        .collect())
}

/// The newest run of each mailing in `running` (the run endpoint, polled).
async fn poll_runs(running: Rc<Vec<Running>>) -> Result<Vec<Running>, ApiError> {
    let mut fresh = Vec::with_capacity(running.len());
    for r in running.iter() {
        let run = api::latest_run(r.mailing_id).await?;
        fresh.push(Running {
            run: run.unwrap_or_else(|| r.run.clone()),
            ..r.clone()
        });
    }
    Ok(fresh)
}

#[component]
pub fn Stats() -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let session = use_session();
    let may_view_all = session.can("stats.view_all");
    let scope = use_state(|| Whose::Own);
    let days = use_state(|| 30_i64);
    // The accounts a manager may pick (the first 100, by email; needs users.view too).
    let may_pick = may_view_all && session.can("users.view");
    let me = session.user().map(|u| u.id);
    let people = use_load(may_pick, |may| async move {
        if !may {
            return Ok(Vec::new());
        }
        let mut users = api::users(&UserListQuery {
            per_page: Some(100),
            ..Default::default()
        })
        .await?
        .items;
        users.sort_by(|a, b| a.email.cmp(&b.email));
        Ok(users)
    });
    // Bumped when a run ends: the figures, the chart and the running list load again.
    let version = use_state(|| 0_u32);

    let stats = use_load((*scope, *version), |(whose, _)| async move {
        let (scope, owner_id) = whose.query();
        api::stats(&StatsQuery { scope, owner_id }).await
    });
    let daily = use_load((*scope, *days, *version), |(whose, days, _)| async move {
        let (scope, owner_id) = whose.query();
        api::daily_stats(&DailyStatsQuery {
            days: Some(days),
            scope,
            owner_id,
        })
        .await
    });
    // Runs started after the page opened are picked up by looking again now and then.
    let discover = use_reducer(Tick::default);
    let running = use_load((*version, discover.0), |(version, _)| find_running(version));
    {
        let discover = discover.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(DISCOVER_MILLIS, move || discover.dispatch(()));
            move || drop(interval)
        });
    }

    // Live progress: poll the newest run of each running mailing while there are any.
    let tick = use_reducer(Tick::default);
    let known = running.data().filter(|r| !r.is_empty());
    let live = use_load((known.clone(), tick.0), |(known, _)| async move {
        match known {
            Some(known) => poll_runs(known).await.map(Some),
            None => Ok(None),
        }
    });
    {
        let tick = tick.clone();
        use_effect_with(known.is_some(), move |polling| {
            let interval = polling.then(|| Interval::new(POLL_MILLIS, move || tick.dispatch(())));
            move || drop(interval)
        });
    }
    // (runs shown, of which unfinished), once the live view has loaded.
    let shown = live.data().map(|l| match &*l {
        Some(l) => (
            l.len(),
            l.iter().filter(|r| r.run.finished_at.is_none()).count(),
        ),
        None => (0, 0),
    });
    {
        // A run ended (its poll says so, or it left the mailing list between two polls):
        // everything loads again, and the finished run leaves the list.
        let version = version.clone();
        let seen = use_mut_ref(|| None::<usize>);
        use_effect_with(shown, move |shown| {
            if let Some((rows, unfinished)) = *shown {
                let before = seen.borrow_mut().replace(unfinished);
                let ended = before.is_some_and(|before| unfinished < before)
                    || (rows > 0 && unfinished == 0);
                if ended {
                    seen.borrow_mut().take();
                    version.set(*version + 1);
                }
            }
        });
    }

    let on_scope = {
        let scope = scope.clone();
        on_value(Callback::from(move |v: String| scope.set(Whose::parse(&v))))
    };
    let on_days = {
        let days = days.clone();
        on_value(Callback::from(move |v: String| {
            days.set(v.parse().unwrap_or(30))
        }))
    };

    let figures = match stats.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={stats.reload_callback()} />
        },
        Load::Ready(s) => view_figures(lang, s),
    };
    let chart = match daily.state() {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={daily.reload_callback()} />
        },
        Load::Ready(points) => html! { <DailyChart points={points.clone()} /> },
    };
    let live_runs = match (running.state(), live.data()) {
        (Load::Failed(error), _) => html! {
            <ApiErrorNotice error={error.clone()} on_retry={running.reload_callback()} />
        },
        (Load::Loading, _) => html! { <Loading /> },
        (Load::Ready(r), _) if r.is_empty() => html! { <Empty message={t.stats_no_runs} /> },
        (Load::Ready(r), fresh) => {
            let rows = fresh
                .and_then(|f| (*f).clone())
                .unwrap_or_else(|| (**r).clone());
            html! {
                <div class="live-runs">
                    { for rows.iter().map(view_running) }
                </div>
            }
        }
    };
    let days_option = |n: i64| {
        html! {
            <option value={n.to_string()} selected={*days == n}>{ (t.stats_days)(n) }</option>
        }
    };

    html! {
        <div class="page">
            <div class="page-head">
                <h1>{ t.stats_title }</h1>
                if may_view_all {
                    <div class="field field-inline">
                        <label for="stats-scope">{ t.stats_scope }</label>
                        <select id="stats-scope" onchange={on_scope}>
                            <option value="own" selected={*scope == Whose::Own}>{ t.stats_scope_own }</option>
                            <option value="all" selected={*scope == Whose::All}>{ t.stats_scope_all }</option>
                            if let Some(users) = people.data().filter(|u| !u.is_empty()) {
                                <optgroup label={t.stats_scope_user}>
                                    { for users.iter().filter(|u| Some(u.id) != me).map(|u| {
                                        let value = Whose::User(u.id);
                                        html! {
                                            <option value={value.value()} selected={*scope == value}>{ u.email.clone() }</option>
                                        }
                                    }) }
                                </optgroup>
                            }
                        </select>
                    </div>
                }
            </div>
            <section aria-labelledby="figures-title">
                <h2 id="figures-title" class="visually-hidden">{ t.stats_figures }</h2>
                { figures }
            </section>
            <section aria-labelledby="chart-title">
                <div class="section-head">
                    <h2 id="chart-title">{ t.stats_chart_title }</h2>
                    <div class="field field-inline">
                        <label for="stats-days">{ t.stats_period }</label>
                        <select id="stats-days" onchange={on_days}>
                            { days_option(7) }
                            { days_option(30) }
                            { days_option(90) }
                        </select>
                    </div>
                </div>
                <div class="card chart-card">{ chart }</div>
            </section>
            <section aria-labelledby="live-title">
                <h2 id="live-title">{ t.stats_live_title }</h2>
                { live_runs }
            </section>
        </div>
    }
}

fn view_figures(lang: Lang, s: &Figures) -> Html {
    let t = lang.texts();
    let stat = |id: &'static str, label: &'static str, value: i64| {
        html! {
            <div class="stat">
                <dt>{ label }</dt>
                <dd id={id}>{ format::number(lang, value) }</dd>
            </div>
        }
    };
    html! {
        <dl class="stats stats-small" id="stats-figures">
            { stat("stat-mailings-total", t.stat_mailings_total, s.mailings_total) }
            { stat("stat-mailings-active", t.stat_mailings_active, s.mailings_active) }
            { stat("stat-mailings-finished", t.stat_mailings_finished, s.mailings_finished) }
            { stat("stat-unique-recipients", t.stat_unique_recipients, s.unique_recipients) }
            { stat("stat-recipients-delivered", t.stat_recipients_delivered, s.recipients_delivered) }
            { stat("stat-recipients-failed", t.stat_recipients_failed, s.recipients_failed) }
            <div class="stat">
                <dt>{ t.stat_delivery_rate }</dt>
                <dd id="stat-delivery-rate">
                    { s.delivery_rate.map(|r| format::percent(lang, r)).unwrap_or_else(|| "—".into()) }
                </dd>
            </div>
            { stat("stat-attempts-success", t.stat_attempts_success, s.attempts_success) }
            { stat("stat-attempts-failure", t.stat_attempts_failure, s.attempts_failure) }
            { stat("stat-messages-delivered", t.stat_messages_delivered, s.messages_delivered) }
        </dl>
    }
}

fn view_running(r: &Running) -> Html {
    let id = r.mailing_id;
    html! {
        <RunProgress key={r.run.id.to_string()} run={r.run.clone()} class="live-run"
            head={html! { <Link<Route> to={Route::MailingDetail { id }}>{ r.name.clone() }</Link<Route>> }} />
    }
}

#[derive(Properties, PartialEq)]
struct DailyChartProps {
    points: Rc<Vec<DailyPoint>>,
}

/// Successes and failures per day as grouped bars, with an HTML legend and the same
/// numbers as a table for screen readers.
#[component]
fn DailyChart(props: &DailyChartProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let lang = i18n.lang;
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with((props.points.clone(), lang), move |(points, lang)| {
            if let Some(canvas) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                // A failure to draw leaves the canvas blank; the table below has the data.
                let _ = chart::draw(&canvas, points, *lang);
            }
        });
    }
    let points = &props.points;
    let success: i64 = points.iter().map(|p| p.success).sum();
    let failure: i64 = points.iter().map(|p| p.failure).sum();
    let summary = (t.stats_chart_summary)(points.len() as i64, success, failure);
    html! {
        <>
            <ul class="legend">
                <li><span class="swatch swatch-success"></span>{ t.attempt_success }</li>
                <li><span class="swatch swatch-failure"></span>{ t.attempt_failure }</li>
            </ul>
            <canvas id="stats-chart" class="chart" ref={canvas} role="img" aria-label={summary.clone()}></canvas>
            if success + failure == 0 {
                <p class="muted chart-note">{ t.stats_chart_empty }</p>
            }
            <details class="chart-table">
                <summary>{ t.stats_as_table }</summary>
                { table(t, lang, points) }
            </details>
        </>
    }
}

fn table(t: &Texts, lang: Lang, points: &[DailyPoint]) -> Html {
    html! {
        <div class="table-wrap">
            <table class="table table-compact">
                <thead><tr>
                    <th scope="col">{ t.col_day }</th>
                    <th scope="col" class="num">{ t.attempt_success }</th>
                    <th scope="col" class="num">{ t.attempt_failure }</th>
                </tr></thead>
                <tbody>
                    { for points.iter().rev().map(|p| html! {
                        <tr key={p.date.to_string()}>
                            <td>{ format::day_month(lang, &p.date) }</td>
                            <td class="num">{ format::number(lang, p.success) }</td>
                            <td class="num">{ format::number(lang, p.failure) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// Drawing with plotters on the canvas backend.
mod chart {
    use herald_api_types::DailyPoint;
    use plotters::prelude::*;
    use plotters_canvas::CanvasBackend;
    use wasm_bindgen::JsValue;
    use web_sys::HtmlCanvasElement;

    use super::{FAILURE_COLOUR, SUCCESS_COLOUR};
    use crate::i18n::{format, Lang};

    const CSS_HEIGHT: f64 = 280.0;

    /// A colour custom property of the page (`--text`, …) as RGB, so the chart follows
    /// the light or dark scheme.
    fn css_colour(canvas: &HtmlCanvasElement, name: &str, fallback: RGBColor) -> RGBColor {
        let value = web_sys::window()
            .and_then(|w| w.get_computed_style(canvas).ok().flatten())
            .and_then(|style| style.get_property_value(name).ok())
            .unwrap_or_default();
        let hex = value.trim().trim_start_matches('#');
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        match (hex.len(), byte(0), byte(2), byte(4)) {
            (6, Some(r), Some(g), Some(b)) => RGBColor(r, g, b),
            _ => fallback,
        }
    }

    pub fn draw(
        canvas: &HtmlCanvasElement,
        points: &[DailyPoint],
        lang: Lang,
    ) -> Result<(), JsValue> {
        let err = |e: &dyn std::fmt::Display| JsValue::from_str(&e.to_string());
        // Sharp on high-density screens: the bitmap is `devicePixelRatio` times the CSS size.
        let ratio = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        let css_width = f64::from(canvas.client_width().max(280));
        canvas.set_width((css_width * ratio) as u32);
        canvas.set_height((CSS_HEIGHT * ratio) as u32);
        let px = |n: f64| (n * ratio).round() as u32;

        let text = css_colour(canvas, "--muted", RGBColor(0x5d, 0x64, 0x70));
        let grid = css_colour(canvas, "--border", RGBColor(0xdd, 0xe1, 0xe6));
        let (sr, sg, sb) = SUCCESS_COLOUR;
        let (fr, fg, fb) = FAILURE_COLOUR;
        let success = RGBColor(sr, sg, sb);
        let failure = RGBColor(fr, fg, fb);

        let backend = CanvasBackend::with_canvas_object(canvas.clone())
            .ok_or_else(|| JsValue::from_str("no 2D context"))?;
        let root = backend.into_drawing_area();
        root.fill(&TRANSPARENT).map_err(|e| err(&e))?;

        let n = points.len().max(1);
        let top = points
            .iter()
            .map(|p| p.success.max(p.failure))
            .max()
            .unwrap_or(0)
            .max(4);
        let top = top + (top / 10).max(1);
        let font = ("sans-serif", px(12.0)).into_font().color(&text);
        let mut chart = ChartBuilder::on(&root)
            .margin(px(8.0))
            .x_label_area_size(px(28.0))
            .y_label_area_size(px(44.0))
            .build_cartesian_2d(-0.5_f64..(n as f64 - 0.5), 0_i64..top)
            .map_err(|e| err(&e))?;
        let labels = (css_width / 70.0).max(2.0) as usize;
        let step = n.div_ceil(labels).max(1);
        let x_label = |x: &f64| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            let i = i as usize;
            match points.get(i) {
                Some(p) if i % step == (n - 1) % step => format::day_month(lang, &p.date),
                _ => String::new(),
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .y_labels(6)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|y| format::number(lang, *y))
            .label_style(font)
            .axis_style(grid)
            .bold_line_style(grid.mix(0.8))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(|e| err(&e))?;
        let width = 0.38;
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.success > 0)
                    .map(|(i, p)| {
                        let x = i as f64;
                        Rectangle::new([(x - width, 0), (x, p.success)], success.filled())
                    }),
            )
            .map_err(|e| err(&e))?;
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.failure > 0)
                    .map(|(i, p)| {
                        let x = i as f64;
                        Rectangle::new([(x, 0), (x + width, p.failure)], failure.filled())
                    }),
            )
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
        Ok(())
    }
}
