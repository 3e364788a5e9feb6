//! Whose rows a list shows, and whose a row is. A manager (with a `*.view_all`
//! permission) may list everyone's rows beside their own; the others' are read-only
//! (no edit controls here, and the API refuses changes anyway).

use std::collections::HashMap;

use herald_api_types::UserListQuery;
use uuid::Uuid;
use yew::prelude::*;

use crate::components::form::on_value;
use crate::i18n::{use_i18n, Texts};
use crate::services::api;

/// Emails of the owners `ids`, from the user list (needs `users.view`; empty without it).
pub async fn owners_for(ids: Vec<Uuid>) -> HashMap<Uuid, String> {
    let mut owners = HashMap::new();
    let mut page = 1;
    while ids.iter().any(|id| !owners.contains_key(id)) && page <= 5 {
        let Ok(users) = api::users(&UserListQuery {
            page: Some(page),
            per_page: Some(100),
            ..Default::default()
        })
        .await
        else {
            break;
        };
        let last = users.page * users.per_page >= users.total;
        owners.extend(users.items.into_iter().map(|u| (u.id, u.email)));
        if last {
            break;
        }
        page += 1;
    }
    owners
}

/// "you", the owner's email when known, or the start of their id.
pub fn owner_label(
    t: &Texts,
    me: Option<Uuid>,
    owner: Uuid,
    owners: &HashMap<Uuid, String>,
) -> String {
    if me == Some(owner) {
        t.user_you.to_owned()
    } else {
        owners
            .get(&owner)
            .cloned()
            .unwrap_or_else(|| owner.to_string()[..8].to_owned())
    }
}

#[derive(Properties, PartialEq)]
pub struct ScopeSelectProps {
    /// Everyone's rows (true) or only the caller's.
    pub all: bool,
    pub on_change: Callback<bool>,
}

/// "Show: Mine / Everyone's", for callers who may list everyone's rows.
#[component]
pub fn ScopeSelect(props: &ScopeSelectProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let onchange = {
        let on_change = props.on_change.clone();
        on_value(Callback::from(move |v: String| on_change.emit(v == "all")))
    };
    html! {
        <div class="field field-inline">
            <label for="scope">{ t.scope_label }</label>
            <select id="scope" {onchange}>
                <option value="mine" selected={!props.all}>{ t.scope_mine }</option>
                <option value="all" selected={props.all}>{ t.scope_all }</option>
            </select>
        </div>
    }
}
