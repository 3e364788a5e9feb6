//! Page links under a list.

use yew::prelude::*;

use crate::i18n::{format, use_i18n};

#[derive(Properties, PartialEq)]
pub struct PaginationProps {
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub on_page: Callback<i64>,
}

/// "← Previous · Page 2 of 5 · 97 in all · Next →"; nothing when everything fits on a page
/// except the total.
#[component]
pub fn Pagination(props: &PaginationProps) -> Html {
    let i18n = use_i18n();
    let t = i18n.t();
    let pages = ((props.total + props.per_page - 1) / props.per_page.max(1)).max(1);
    let page = props.page.clamp(1, pages);
    let go = |to: i64| {
        let on_page = props.on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(to))
    };
    let total = (t.rows_total)(props.total);
    let total = total.replace(
        &props.total.to_string(),
        &format::number(i18n.lang, props.total),
    );
    html! {
        <nav class="pagination" aria-label={t.pagination}>
            if pages > 1 {
                <button type="button" class="button button-secondary" disabled={page <= 1}
                    onclick={go(page - 1)}>{ t.previous_page }</button>
                <span class="pagination-info">{ (t.page_of)(page, pages) }</span>
                <button type="button" class="button button-secondary" disabled={page >= pages}
                    onclick={go(page + 1)}>{ t.next_page }</button>
            }
            <span class="pagination-total muted">{ total }</span>
        </nav>
    }
}
