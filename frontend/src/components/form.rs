//! Labelled inputs with their hint and error text, wired for keyboards and screen
//! readers (`label for`, `aria-invalid`, `aria-describedby`).

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::use_i18n;

/// The value of the input, textarea or select that fired `event`.
pub fn event_value(event: &Event) -> String {
    let Some(target) = event.target() else {
        return String::new();
    };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}

/// `Callback<String>` from an `oninput`/`onchange` of an input, textarea or select.
pub fn on_value(setter: Callback<String>) -> Callback<Event> {
    Callback::from(move |e: Event| setter.emit(event_value(&e)))
}

pub fn on_input_value(setter: Callback<String>) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| setter.emit(event_value(&e)))
}

/// Moves the keyboard focus to the first input marked invalid, once the page has
/// re-rendered with the errors.
pub fn focus_first_invalid() {
    gloo_timers::callback::Timeout::new(0, || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-invalid='true']").ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    })
    .forget();
}

#[derive(Properties, PartialEq, Clone)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// `text`, `email`, `password`, `datetime-local`, `search`…
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub required: bool,
    /// Marks the label "optional".
    #[prop_or_default]
    pub optional: bool,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// Takes the keyboard focus when first shown.
    #[prop_or_default]
    pub focus: bool,
    #[prop_or_default]
    pub disabled: bool,
    /// A `<textarea>` of this many rows instead of an `<input>`.
    #[prop_or_default]
    pub rows: Option<u32>,
    #[prop_or_default]
    pub class: Classes,
}

#[component]
pub fn Field(props: &FieldProps) -> Html {
    let i18n = use_i18n();
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.focus, move |focus| {
            if *focus {
                if let Some(element) = node.cast::<HtmlElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    let id = props.id.clone();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let mut described = Vec::new();
    if props.hint.is_some() {
        described.push(hint_id.clone());
    }
    if props.error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = props.error.as_ref().map(|_| "true");
    let oninput = on_input_value(props.oninput.clone());
    // Password fields get a Show/Hide switch: typing a long passphrase blind is how
    // people end up with a short one.
    let is_password = props.kind == "password";
    let revealed = use_state(|| false);
    let kind = if is_password && *revealed {
        AttrValue::Static("text")
    } else {
        props.kind.clone()
    };
    let control = match props.rows {
        Some(rows) => html! {
            <textarea
                id={id.clone()}
                ref={node}
                rows={rows.to_string()}
                value={props.value.clone()}
                {oninput}
                required={props.required}
                disabled={props.disabled}
                placeholder={props.placeholder.clone()}
                aria-invalid={invalid}
                aria-describedby={described}
            />
        },
        None => html! {
            <input
                id={id.clone()}
                ref={node}
                type={kind}
                value={props.value.clone()}
                {oninput}
                required={props.required}
                disabled={props.disabled}
                autocomplete={props.autocomplete.clone()}
                placeholder={props.placeholder.clone()}
                aria-invalid={invalid}
                aria-describedby={described}
            />
        },
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"), props.class.clone())}>
            <label for={id.clone()}>
                { props.label.clone() }
                if props.optional {
                    <span class="label-note">{ format!(" ({})", i18n.t().optional) }</span>
                }
            </label>
            if is_password {
                <div class="password-box">
                    { control }
                    <button type="button" class="button button-ghost button-small reveal"
                        id={format!("{id}-reveal")} aria-controls={id.clone()}
                        aria-pressed={if *revealed { "true" } else { "false" }}
                        onclick={{ let r = revealed.clone(); Callback::from(move |_: MouseEvent| r.set(!*r)) }}>
                        { if *revealed { i18n.t().password_hide } else { i18n.t().password_show } }
                    </button>
                </div>
            } else {
                { control }
            }
            if let Some(hint) = &props.hint {
                <p class="hint" id={hint_id}>{ hint.clone() }</p>
            }
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id}>{ error.clone() }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SubmitProps {
    pub label: AttrValue,
    pub busy_label: AttrValue,
    pub busy: bool,
    #[prop_or_default]
    pub disabled: bool,
}

/// The submit button of a form: Enter in any input submits; while busy it says so and
/// ignores further clicks.
#[component]
pub fn Submit(props: &SubmitProps) -> Html {
    html! {
        <button type="submit" class="button" disabled={props.busy || props.disabled}
            aria-busy={props.busy.then_some("true")}>
            { if props.busy { props.busy_label.clone() } else { props.label.clone() } }
        </button>
    }
}

/// A `submit` handler that stops the browser's own form submission.
pub fn on_submit(action: Callback<()>) -> Callback<SubmitEvent> {
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        action.emit(());
    })
}
