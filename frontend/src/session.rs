//! Who is signed in: a context the whole app reads.
//!
//! On start, a stored access token is checked with `GET /me` (renewed through the
//! server's HttpOnly refresh cookie when it has expired; no refresh token is stored here). Pages behind sign-in are
//! wrapped in [`RequireAuth`]. When `services::api` loses the session (the refresh token
//! is refused: expired, revoked, or the account was blocked) the state becomes
//! `SignedOut { expired: true }`, `RequireAuth` sends the reader to the sign-in page and
//! that page says why.

use std::rc::Rc;

use herald_api_types::User;
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::i18n::use_i18n;
use crate::services::api::{self, tokens, ApiError};

#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// A stored session is being checked.
    Checking,
    /// Nobody is signed in; `expired` when a session was just lost (not signed out by hand).
    SignedOut {
        expired: bool,
    },
    SignedIn(Rc<User>),
    /// The stored session could not be checked (the server did not answer).
    Unreachable(ApiError),
}

pub enum SessionAction {
    Checking,
    SignedIn(User),
    SignedOut { expired: bool },
    Unreachable(ApiError),
}

impl Reducible for SessionState {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        Rc::new(match action {
            SessionAction::Checking => SessionState::Checking,
            SessionAction::SignedIn(user) => SessionState::SignedIn(Rc::new(user)),
            SessionAction::SignedOut { expired } => SessionState::SignedOut { expired },
            SessionAction::Unreachable(e) => SessionState::Unreachable(e),
        })
    }
}

/// The session context.
#[derive(Clone, PartialEq)]
pub struct Session(UseReducerHandle<SessionState>);

impl Session {
    pub fn state(&self) -> &SessionState {
        &self.0
    }

    pub fn user(&self) -> Option<Rc<User>> {
        match &*self.0 {
            SessionState::SignedIn(user) => Some(user.clone()),
            _ => None,
        }
    }

    /// Whether the signed-in user's role grants `permission` (e.g. `mailings.disable`).
    /// Only decides what to show: the API enforces every permission itself.
    pub fn can(&self, permission: &str) -> bool {
        self.user()
            .is_some_and(|u| u.permissions.iter().any(|p| p == permission))
    }

    /// After sign-in or a profile change.
    pub fn signed_in(&self, user: User) {
        self.0.dispatch(SessionAction::SignedIn(user));
    }

    /// Signs out on the server and here.
    pub fn sign_out(&self) {
        let handle = self.0.clone();
        wasm_bindgen_futures::spawn_local(async move {
            api::logout().await;
            handle.dispatch(SessionAction::SignedOut { expired: false });
        });
    }

    /// Checks the stored session again (`GET /me`).
    pub fn check(&self) {
        check(self.0.clone());
    }
}

fn check(handle: UseReducerHandle<SessionState>) {
    if !tokens::present() {
        handle.dispatch(SessionAction::SignedOut { expired: false });
        return;
    }
    handle.dispatch(SessionAction::Checking);
    wasm_bindgen_futures::spawn_local(async move {
        match api::me().await {
            Ok(user) => handle.dispatch(SessionAction::SignedIn(user)),
            // 401 after a refused refresh: `api` has already cleared the tokens.
            Err(e) if matches!(e.status(), Some(401 | 403)) => {
                tokens::clear();
                handle.dispatch(SessionAction::SignedOut { expired: false });
            }
            Err(e) => handle.dispatch(SessionAction::Unreachable(e)),
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn SessionProvider(props: &SessionProviderProps) -> Html {
    let state = use_reducer(|| {
        if tokens::present() {
            SessionState::Checking
        } else {
            SessionState::SignedOut { expired: false }
        }
    });
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let lost = state.clone();
            api::set_signed_out_handler(Callback::from(move |()| {
                lost.dispatch(SessionAction::SignedOut { expired: true });
            }));
            check(state);
        });
    }
    html! {
        <ContextProvider<Session> context={Session(state)}>
            { props.children.clone() }
        </ContextProvider<Session>>
    }
}

#[hook]
pub fn use_session() -> Session {
    use_context::<Session>().expect("SessionProvider wraps the app")
}

/// `?next=/mailings/…`: where to go after signing in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NextQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl NextQuery {
    /// Only a path on this site (no `//host`), so the link cannot send anyone elsewhere.
    pub fn safe_next(&self) -> Option<&str> {
        self.next
            .as_deref()
            .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
    }
}

#[derive(Properties, PartialEq)]
pub struct RequireAuthProps {
    #[prop_or_default]
    pub children: Html,
}

/// Shows its children to a signed-in user; sends anyone else to the sign-in page
/// (coming back here afterwards).
#[component]
pub fn RequireAuth(props: &RequireAuthProps) -> Html {
    let session = use_session();
    let i18n = use_i18n();
    let navigator = use_navigator();
    let location = use_location();
    let signed_out = matches!(session.state(), SessionState::SignedOut { .. });
    use_effect_with(signed_out, move |signed_out| {
        if *signed_out {
            if let (Some(navigator), Some(location)) = (navigator, location) {
                let next = format!("{}{}", location.path(), location.query_str());
                let _ =
                    navigator.replace_with_query(&Route::Login, &NextQuery { next: Some(next) });
            }
        }
    });
    match session.state() {
        SessionState::SignedIn(_) => props.children.clone(),
        SessionState::Checking | SessionState::SignedOut { .. } => html! { <Loading /> },
        SessionState::Unreachable(e) => {
            let on_retry = {
                let session = session.clone();
                Callback::from(move |()| session.check())
            };
            html! { <ErrorNotice message={e.message(i18n.t())} {on_retry} /> }
        }
    }
}
