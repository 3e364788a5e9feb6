//! Custom hooks shared by pages.

use std::future::Future;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::services::api::ApiError;

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The `?token=…` of the current URL (percent-decoded), as put there by the links in
/// verification and password-reset emails.
#[hook]
pub fn use_query_token() -> Option<String> {
    use_location()
        .and_then(|location| location.query::<TokenQuery>().ok())
        .and_then(|query| query.token)
        .filter(|token| !token.is_empty())
}

/// Data a page loads from the API.
#[derive(Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(Rc<T>),
    Failed(ApiError),
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        match self {
            Load::Loading => Load::Loading,
            Load::Ready(v) => Load::Ready(v.clone()),
            Load::Failed(e) => Load::Failed(e.clone()),
        }
    }
}

/// Counts reloads. A reducer, not a state: a callback kept by a timer would otherwise
/// keep setting the count it saw when it was made.
#[derive(Default, PartialEq)]
struct Version(u32);

impl Reducible for Version {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Version(self.0.wrapping_add(1)))
    }
}

/// A [`Load`] with the means to load again or to replace the value.
pub struct Loader<T: 'static> {
    state: UseStateHandle<Load<T>>,
    version: UseReducerHandle<Version>,
}

impl<T: 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        Loader {
            state: self.state.clone(),
            version: self.version.clone(),
        }
    }
}

impl<T: 'static> Loader<T> {
    pub fn state(&self) -> &Load<T> {
        &self.state
    }

    pub fn data(&self) -> Option<Rc<T>> {
        match &*self.state {
            Load::Ready(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// Loads again; the current value stays on screen until the new one arrives.
    pub fn reload(&self) {
        self.version.dispatch(());
    }

    pub fn reload_callback<A>(&self) -> Callback<A> {
        let this = self.clone();
        Callback::from(move |_| this.reload())
    }

    /// Replaces the value (e.g. with the object a change returned).
    pub fn set(&self, value: T) {
        self.state.set(Load::Ready(Rc::new(value)));
    }
}

/// Runs `load(deps)` when `deps` change (and on [`Loader::reload`]). Answers that arrive
/// after a newer request was started are dropped, so fast typing in a search box cannot
/// show stale rows.
#[hook]
pub fn use_load<T, D, F, Fut>(deps: D, load: F) -> Loader<T>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Load::<T>::Loading);
    let version = use_reducer(Version::default);
    let generation = use_mut_ref(|| 0_u64);
    {
        let state = state.clone();
        use_effect_with((deps, version.0), move |(deps, _)| {
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            let deps = deps.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = load(deps).await;
                if *generation.borrow() == mine {
                    state.set(match result {
                        Ok(v) => Load::Ready(Rc::new(v)),
                        Err(e) => Load::Failed(e),
                    });
                }
            });
        });
    }
    Loader { state, version }
}

/// `value`, once it has stayed the same for `millis` (for search boxes).
#[hook]
pub fn use_debounced(value: String, millis: u32) -> String {
    let settled = use_state(|| value.clone());
    {
        let settled = settled.clone();
        use_effect_with(value, move |value| {
            let value = value.clone();
            let timeout = Timeout::new(millis, move || settled.set(value));
            move || drop(timeout)
        });
    }
    (*settled).clone()
}

/// How often a page that follows a run reloads (and how often it looks for a run that
/// is due but not started yet).
pub const LIVE_POLL_MILLIS: u32 = 2_000;

/// Keeps a page live: calls `reload` every [`LIVE_POLL_MILLIS`] while `active` (a run is
/// in progress) and, while idle, once when `wake_at` (the next scheduled run) passes, then
/// every [`LIVE_POLL_MILLIS`] until the scheduler has started that run (the reloaded page
/// then shows it running, or a later `wake_at`). So a page left open notices a scheduled
/// run that starts, without a reload.
#[hook]
pub fn use_live(
    active: bool,
    wake_at: Option<chrono::DateTime<chrono::Utc>>,
    reload: Callback<()>,
) {
    let due = !active && wake_at.is_some_and(|t| t <= crate::i18n::format::now());
    use_effect_with((active || due, wake_at), move |(polling, wake_at)| {
        let interval = polling.then(|| {
            let reload = reload.clone();
            gloo_timers::callback::Interval::new(LIVE_POLL_MILLIS, move || reload.emit(()))
        });
        let timeout = (!*polling).then_some(*wake_at).flatten().and_then(|t| {
            // Wake a moment after the due time; far-off times are left to a later visit.
            let millis = (t - crate::i18n::format::now()).num_milliseconds() + 1_500;
            let millis = u32::try_from(millis.max(0)).ok()?;
            (millis <= 24 * 3600 * 1000).then(|| Timeout::new(millis, move || reload.emit(())))
        });
        move || {
            drop(interval);
            drop(timeout);
        }
    });
}
