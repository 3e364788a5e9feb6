//! "Saved" after an edit that leaves the page (a message, a mailing, a recipient): the
//! form calls [`set`] before it navigates, and [`FlashRegion`] (in the layout, on every
//! page) shows the text on the page that follows, until the next navigation.
//!
//! The region is always in the document, empty when there is nothing to say, with
//! `role="status"`: screen readers announce text put into a live region that already
//! exists, not one inserted together with its text.

use std::cell::RefCell;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::i18n::{use_i18n, Texts};

/// A text in the reader's language, chosen when shown (a switch of language follows).
pub type FlashText = fn(&'static Texts) -> String;

thread_local! {
    static PENDING: RefCell<Option<FlashText>> = const { RefCell::new(None) };
}

/// Shows `text` on the next page (call before navigating).
pub fn set(text: FlashText) {
    PENDING.with(|p| *p.borrow_mut() = Some(text));
}

fn take() -> Option<FlashText> {
    PENDING.with(|p| p.borrow_mut().take())
}

/// The live region that shows the pending text after a navigation.
#[component]
pub fn FlashRegion() -> Html {
    let i18n = use_i18n();
    let location = use_location().map(|l| (l.path().to_owned(), l.query_str().to_owned()));
    let shown = use_state(|| None::<FlashText>);
    {
        let shown = shown.clone();
        use_effect_with(location, move |_| {
            // A new page: the pending text, or nothing (the old one has been read).
            shown.set(take());
        });
    }
    let dismiss = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(None))
    };
    html! {
        <div class={classes!("flash", shown.is_some().then_some("flash-shown"))}
            id="flash" role="status" aria-live="polite">
            if let Some(text) = *shown {
                <div class="notice notice-ok flash-notice">
                    <p>{ text(i18n.t()) }</p>
                    <button type="button" class="button button-ghost button-small flash-close"
                        aria-label={i18n.t().flash_dismiss} onclick={dismiss}>{ "×" }</button>
                </div>
            }
        </div>
    }
}
