//! The route table and the top-level component.

use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::layout::Layout;
use crate::i18n::I18nProvider;
use crate::pages::{
    blog::{post::BlogPost, Blog},
    home::Home,
    invite::AcceptInvite,
    login::Login,
    mailings::{detail::MailingDetail, editor::MailingEditor, Mailings},
    messages::{editor::MessageEditor, Messages},
    not_found::NotFound,
    posts::{editor::PostEditor, Posts},
    profile::Profile,
    recipients::{form::RecipientForm, import::RecipientImport, Recipients},
    register::Register,
    reset_password::ResetPassword,
    roles::Roles,
    stats::Stats,
    suppressions::Suppressions,
    users::Users,
    verify_email::VerifyEmail,
};
use crate::session::{RequireAuth, SessionProvider};

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
    #[at("/accept-invite")]
    AcceptInvite,
    #[at("/profile")]
    Profile,

    #[at("/recipients")]
    Recipients,
    #[at("/recipients/new")]
    RecipientNew,
    #[at("/recipients/suppressions")]
    Suppressions,
    #[at("/recipients/import")]
    RecipientImport,
    #[at("/recipients/:id")]
    RecipientEdit { id: Uuid },

    #[at("/messages")]
    Messages,
    #[at("/messages/new")]
    MessageNew,
    #[at("/messages/:id")]
    MessageEdit { id: Uuid },

    #[at("/mailings")]
    Mailings,
    #[at("/mailings/new")]
    MailingNew,
    #[at("/mailings/:id")]
    MailingDetail { id: Uuid },
    #[at("/mailings/:id/edit")]
    MailingEdit { id: Uuid },

    #[at("/stats")]
    Stats,
    #[at("/blog")]
    Blog,
    #[at("/blog/:id")]
    Post { id: Uuid },
    #[at("/admin/users")]
    Users,
    #[at("/admin/roles")]
    Roles,
    #[at("/admin/posts")]
    Posts,
    #[at("/admin/posts/new")]
    PostNew,
    #[at("/admin/posts/:id")]
    PostEdit { id: Uuid },

    #[not_found]
    #[at("/404")]
    NotFound,
}

fn private(page: Html) -> Html {
    html! { <RequireAuth>{ page }</RequireAuth> }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Login => html! { <Login /> },
        Route::Register => html! { <Register /> },
        Route::VerifyEmail => html! { <VerifyEmail /> },
        Route::ResetPassword => html! { <ResetPassword /> },
        Route::AcceptInvite => html! { <AcceptInvite /> },
        Route::Profile => private(html! { <Profile /> }),

        Route::Recipients => private(html! { <Recipients /> }),
        Route::RecipientNew => private(html! { <RecipientForm /> }),
        Route::RecipientImport => private(html! { <RecipientImport /> }),
        Route::Suppressions => private(html! { <Suppressions /> }),
        Route::RecipientEdit { id } => private(html! { <RecipientForm {id} /> }),

        Route::Messages => private(html! { <Messages /> }),
        Route::MessageNew => private(html! { <MessageEditor /> }),
        Route::MessageEdit { id } => private(html! { <MessageEditor {id} /> }),

        Route::Mailings => private(html! { <Mailings /> }),
        Route::MailingNew => private(html! { <MailingEditor /> }),
        Route::MailingDetail { id } => private(html! { <MailingDetail {id} /> }),
        Route::MailingEdit { id } => private(html! { <MailingEditor {id} /> }),

        Route::Stats => private(html! { <Stats /> }),
        Route::Blog => html! { <Blog /> },
        Route::Post { id } => html! { <BlogPost {id} /> },
        Route::Users => private(html! { <Users /> }),
        Route::Roles => private(html! { <Roles /> }),
        Route::Posts => private(html! { <Posts /> }),
        Route::PostNew => private(html! { <PostEditor /> }),
        Route::PostEdit { id } => private(html! { <PostEditor {id} /> }),

        Route::NotFound => html! { <NotFound /> },
    }
}

#[component]
pub fn App() -> Html {
    html! {
        <I18nProvider>
            <BrowserRouter>
                <SessionProvider>
                    <Layout>
                        <Switch<Route> render={switch} />
                    </Layout>
                </SessionProvider>
            </BrowserRouter>
        </I18nProvider>
    }
}
