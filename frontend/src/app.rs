//! The route table and the top-level component.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::layout::Layout;
use crate::pages::{
    home::Home, login::Login, not_found::NotFound, register::Register,
    reset_password::ResetPassword, verify_email::VerifyEmail,
};

/// Every client-side route. The backend answers `index.html` for any path outside
/// `/api`, `/health`, ..., so each of these works on a full page load too; the emails
/// Herald sends link to `/verify-email?token=…` and `/reset-password?token=…`.
#[derive(Clone, Debug, PartialEq, Eq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    #[at("/register")]
    Register,
    #[at("/verify-email")]
    VerifyEmail,
    #[at("/reset-password")]
    ResetPassword,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Login => html! { <Login /> },
        Route::Register => html! { <Register /> },
        Route::VerifyEmail => html! { <VerifyEmail /> },
        Route::ResetPassword => html! { <ResetPassword /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <Layout>
                <Switch<Route> render={switch} />
            </Layout>
        </BrowserRouter>
    }
}
