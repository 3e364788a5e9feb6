//! Buttons that ask first, inline (no browser dialog): any action, and delete.

use yew::prelude::*;

use crate::i18n::use_i18n;

#[derive(Properties, PartialEq)]
pub struct ConfirmDeleteProps {
    pub on_confirm: Callback<()>,
    #[prop_or_default]
    pub busy: bool,
    /// Tells screen readers what is deleted, e.g. the recipient's email.
    #[prop_or_default]
    pub what: Option<AttrValue>,
}

/// Delete, asked about first ("Delete for good?" / "Yes, delete" / "No").
#[component]
pub fn ConfirmDelete(props: &ConfirmDeleteProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let aria_label = props
        .what
        .as_ref()
        .map(|what| AttrValue::from(format!("{} {what}", t.delete)));
    html! {
        <ConfirmAction label={t.delete} question={t.delete_confirm} yes={t.delete_yes}
            on_confirm={props.on_confirm.clone()} busy={props.busy} {aria_label}
            class={classes!("button-ghost-danger")} />
    }
}

#[derive(Properties, PartialEq)]
pub struct ConfirmActionProps {
    /// The button's text.
    pub label: AttrValue,
    /// What is asked before acting, e.g. "Block ann@example.com?".
    pub question: AttrValue,
    pub on_confirm: Callback<()>,
    #[prop_or_default]
    pub busy: bool,
    /// Extra classes of the button (default: a small secondary button).
    #[prop_or(classes!("button-secondary"))]
    pub class: Classes,
    /// The "yes" answer's text (default: "Yes").
    #[prop_or_default]
    pub yes: Option<AttrValue>,
    /// The button's name for screen readers, when `label` alone is ambiguous in a list.
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
    /// The first button's id.
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// A small button (lists); false for a page's action bar.
    #[prop_or(true)]
    pub small: bool,
    /// The first button is greyed out (the action is not possible now).
    #[prop_or_default]
    pub disabled: bool,
}

/// A button whose action is asked about first, inline: the question with "Yes" (which
/// takes the focus) and "No"; Escape answers no.
#[component]
pub fn ConfirmAction(props: &ConfirmActionProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let asking = use_state(|| false);
    let yes_ref = use_node_ref();
    {
        let yes_ref = yes_ref.clone();
        use_effect_with(*asking, move |asking| {
            if *asking {
                if let Some(button) = yes_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
    if *asking {
        let yes = {
            let (on_confirm, asking) = (props.on_confirm.clone(), asking.clone());
            Callback::from(move |_: MouseEvent| {
                asking.set(false);
                on_confirm.emit(());
            })
        };
        let no = {
            let asking = asking.clone();
            Callback::from(move |_: MouseEvent| asking.set(false))
        };
        let on_key = {
            let asking = asking.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Escape" {
                    asking.set(false);
                }
            })
        };
        html! {
            <span class="confirm" role="group" aria-label={props.question.clone()} onkeydown={on_key}>
                <span class="confirm-question">{ props.question.clone() }</span>
                <button type="button" class="button button-danger button-small confirm-yes" ref={yes_ref}
                    onclick={yes}>{ props.yes.clone().unwrap_or(AttrValue::Static(t.confirm_yes)) }</button>
                <button type="button" class="button button-secondary button-small confirm-no"
                    onclick={no}>{ t.confirm_no }</button>
            </span>
        }
    } else {
        let ask = Callback::from(move |_: MouseEvent| asking.set(true));
        html! {
            <button type="button" id={props.id.clone()}
                class={classes!("button", props.small.then_some("button-small"), props.class.clone())}
                onclick={ask} disabled={props.busy || props.disabled} aria-label={props.aria_label.clone()}>
                { if props.busy { t.working } else { props.label.as_str() } }
            </button>
        }
    }
}
