//! Sorting a list by its column headers, kept in the URL (`?sort=&order=`) so that Back,
//! reload and shared links keep the order. Each list page keeps its own query struct;
//! [`Sorting`] is the part they share and [`SortHeader`] the header cell.

use serde::{Deserialize, Serialize};
use yew::prelude::*;

/// `?sort=<field>&order=asc|desc` of a list page (none: the API's default, newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sorting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

impl Sorting {
    /// Whether the list is sorted by `field`, and ascending.
    fn state(&self, field: &str) -> (bool, bool) {
        let current = self.sort.as_deref() == Some(field);
        (current, current && self.order.as_deref() == Some("asc"))
    }

    /// The order after a click on `field`'s header: ascending first, then the other way
    /// round.
    pub fn toggled(&self, field: &str) -> Sorting {
        let (_, ascending) = self.state(field);
        Sorting {
            sort: Some(field.to_owned()),
            order: Some(if ascending { "desc" } else { "asc" }.to_owned()),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SortHeaderProps {
    /// The API's sort field, e.g. `name`, `created_at`.
    pub field: AttrValue,
    pub label: AttrValue,
    pub sorting: Sorting,
    /// Told the new sorting when the header is clicked.
    pub on_sort: Callback<Sorting>,
    #[prop_or_default]
    pub class: Classes,
}

/// A `<th>` whose button sorts by its column (`aria-sort` says how it is sorted now).
#[component]
pub fn SortHeader(props: &SortHeaderProps) -> Html {
    let (current, ascending) = props.sorting.state(&props.field);
    let aria = match (current, ascending) {
        (false, _) => "none",
        (true, true) => "ascending",
        (true, false) => "descending",
    };
    let onclick = {
        let (on_sort, next) = (props.on_sort.clone(), props.sorting.toggled(&props.field));
        Callback::from(move |_: MouseEvent| on_sort.emit(next.clone()))
    };
    let arrow = match (current, ascending) {
        (false, _) => " ↕",
        (true, true) => " ↑",
        (true, false) => " ↓",
    };
    html! {
        <th scope="col" aria-sort={aria} class={props.class.clone()}>
            <button type="button" class="sort-header" id={format!("sort-{}", props.field)} {onclick}>
                { props.label.clone() }
                <span aria-hidden="true">{ arrow }</span>
            </button>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_sorts_ascending_first_then_the_other_way_round() {
        let none = Sorting::default();
        let asc = none.toggled("name");
        assert_eq!(asc.order.as_deref(), Some("asc"));
        assert_eq!(asc.toggled("name").order.as_deref(), Some("desc"));
        assert_eq!(
            asc.toggled("name").toggled("name").order.as_deref(),
            Some("asc")
        );
        // Another column starts ascending again.
        assert_eq!(
            asc.toggled("created_at").sort.as_deref(),
            Some("created_at")
        );
        assert_eq!(asc.toggled("created_at").order.as_deref(), Some("asc"));
    }
}
