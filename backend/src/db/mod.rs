//! Persistence: the r2d2 pool, the diesel schema, and one module of queries per table
//! family. Functions here take a connection and return `QueryResult`; they know nothing
//! of HTTP. Owner scoping is part of their signatures (`Scope`), so no caller can forget it.

pub mod audit;
pub mod clients;
pub mod deliveries;
pub mod events;
pub mod mailings;
pub mod messages;
pub mod pool;
pub mod posts;
pub mod roles;
pub mod schema;
pub mod stats;
pub mod suppressions;
pub mod tokens;
pub mod users;

use uuid::Uuid;

pub use pool::{run_blocking, DbError, DbPool, PgConn};

/// Whose rows a query may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only rows owned by this user.
    Owner(Uuid),
    /// Every row (a `*.view_all` permission), optionally narrowed to one owner.
    All(Option<Uuid>),
}

impl Scope {
    /// The owner filter to apply, if any.
    pub fn owner_filter(self) -> Option<Uuid> {
        match self {
            Scope::Owner(id) => Some(id),
            Scope::All(filter) => filter,
        }
    }
}

/// Offset pagination, already clamped to the API's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: i64 = 100;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        PageRequest {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// `ILIKE` pattern matching `needle` anywhere, with LIKE metacharacters escaped.
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for ch in needle.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

diesel::define_sql_function! {
    /// SQL `lower(text)`: matches the case-insensitive unique indexes.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_request_is_clamped() {
        assert_eq!(
            PageRequest::new(Some(0), Some(1000)),
            PageRequest {
                page: 1,
                per_page: 100
            }
        );
        assert_eq!(PageRequest::new(None, None).offset(), 0);
        assert_eq!(PageRequest::new(Some(3), Some(10)).offset(), 20);
    }

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(contains_pattern(" 50%_A\\ "), "%50\\%\\_a\\\\%");
    }
}
