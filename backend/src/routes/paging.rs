//! List answers: one page of rows and where it sits among all of them.

use herald_api_types as api;

use crate::db::PageRequest;

/// The list answer for `request`: its rows, plus the page numbers and the total a client
/// pages with.
pub fn page_of<T>(
    request: PageRequest,
    items: impl IntoIterator<Item = T>,
    total: i64,
) -> api::Page<T> {
    api::Page {
        items: items.into_iter().collect(),
        page: request.page,
        per_page: request.per_page,
        total,
    }
}
