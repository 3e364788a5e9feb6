//! Mailings and their recipient sets, scoped by owner.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{
    clients::Client,
    contains_pattern, lower,
    schema::{clients, mailing_recipients, mailings},
    PageRequest, Scope,
};
use crate::domain::sorting::{Direction, MailingSort};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = mailings)]
pub struct Mailing {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub message_id: Uuid,
    pub all_clients: bool,
    pub start_at: DateTime<Utc>,
    pub end_at: Option<DateTime<Utc>>,
    pub periodicity: String,
    pub status: String,
    pub enabled: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who disabled it (none: enabled, or disabled before this was recorded).
    pub disabled_by: Option<Uuid>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// What the owner calls it (1-200 characters, one line).
    pub name: String,
    /// IANA zone of its occurrences and send window.
    pub time_zone: String,
    /// The send window (all three set, or none): see `domain::SendWindow`.
    pub window_days: Option<i16>,
    pub window_from: Option<i16>,
    pub window_to: Option<i16>,
    /// Late policy: catch up once, or skip occurrences more than `max_late_secs` late.
    pub catch_up: bool,
    pub max_late_secs: Option<i32>,
}

impl Mailing {
    /// The stored zone; a name the tz database no longer knows falls back to UTC.
    pub fn zone(&self) -> crate::domain::Zone {
        self.time_zone.parse().unwrap_or_default()
    }

    pub fn window(&self) -> Option<crate::domain::SendWindow> {
        crate::domain::SendWindow::from_columns(self.window_days, self.window_from, self.window_to)
    }

    pub fn late_policy(&self) -> crate::domain::schedule::LatePolicy {
        use crate::domain::schedule::LatePolicy;
        match (self.catch_up, self.max_late_secs) {
            (false, Some(secs)) => {
                LatePolicy::SkipLaterThan(chrono::Duration::seconds(secs.into()))
            }
            _ => LatePolicy::CatchUp,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = mailings)]
pub struct NewMailing<'a> {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: &'a str,
    pub message_id: Uuid,
    pub all_clients: bool,
    pub start_at: DateTime<Utc>,
    pub end_at: Option<DateTime<Utc>>,
    pub periodicity: &'a str,
    pub status: &'a str,
    pub next_run_at: Option<DateTime<Utc>>,
    pub time_zone: &'a str,
    pub window_days: Option<i16>,
    pub window_from: Option<i16>,
    pub window_to: Option<i16>,
    pub catch_up: bool,
    pub max_late_secs: Option<i32>,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = mailings, treat_none_as_null = true)]
pub struct MailingChanges<'a> {
    pub name: &'a str,
    pub message_id: Uuid,
    pub all_clients: bool,
    pub start_at: DateTime<Utc>,
    pub end_at: Option<DateTime<Utc>>,
    pub periodicity: &'a str,
    pub status: &'a str,
    pub next_run_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub time_zone: &'a str,
    pub window_days: Option<i16>,
    pub window_from: Option<i16>,
    pub window_to: Option<i16>,
    pub catch_up: bool,
    pub max_late_secs: Option<i32>,
}

#[derive(Debug, Default, Clone)]
pub struct MailingFilter {
    pub status: Option<String>,
    pub enabled: Option<bool>,
}

fn filtered(scope: Scope, f: &MailingFilter) -> mailings::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = mailings::table.into_boxed();
    if let Some(owner) = scope.owner_filter() {
        q = q.filter(mailings::owner_id.eq(owner));
    }
    if let Some(status) = &f.status {
        q = q.filter(mailings::status.eq(status.clone()));
    }
    if let Some(enabled) = f.enabled {
        q = q.filter(mailings::enabled.eq(enabled));
    }
    q
}

pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    f: &MailingFilter,
    (sort, dir): (MailingSort, Direction),
    page: PageRequest,
) -> QueryResult<(Vec<Mailing>, i64)> {
    use Direction::{Asc, Desc};
    let total = filtered(scope, f).count().get_result(conn)?;
    let q = filtered(scope, f);
    let q = match (sort, dir) {
        (MailingSort::CreatedAt, Desc) => q.order((mailings::created_at.desc(), mailings::id)),
        (MailingSort::CreatedAt, Asc) => q.order((mailings::created_at.asc(), mailings::id)),
        (MailingSort::Name, Asc) => q.order((mailings::name.asc(), mailings::id)),
        (MailingSort::Name, Desc) => q.order((mailings::name.desc(), mailings::id)),
        (MailingSort::Status, Asc) => q.order((mailings::status.asc(), mailings::id)),
        (MailingSort::Status, Desc) => q.order((mailings::status.desc(), mailings::id)),
        // Mailings with no next run come last either way.
        (MailingSort::NextRunAt, Asc) => {
            q.order((mailings::next_run_at.asc().nulls_last(), mailings::id))
        }
        (MailingSort::NextRunAt, Desc) => {
            q.order((mailings::next_run_at.desc().nulls_last(), mailings::id))
        }
    };
    let items = q
        .limit(page.per_page)
        .offset(page.offset())
        .select(Mailing::as_select())
        .load(conn)?;
    Ok((items, total))
}

pub fn find(conn: &mut PgConnection, scope: Scope, id: Uuid) -> QueryResult<Mailing> {
    filtered(scope, &MailingFilter::default())
        .filter(mailings::id.eq(id))
        .select(Mailing::as_select())
        .first(conn)
}

/// The row locked for the rest of the transaction (state changes go through this).
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<Mailing> {
    mailings::table
        .find(id)
        .select(Mailing::as_select())
        .for_update()
        .first(conn)
}

pub fn owner_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    mailings::table
        .find(id)
        .select(mailings::owner_id)
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, new: &NewMailing<'_>) -> QueryResult<Mailing> {
    diesel::insert_into(mailings::table)
        .values(new)
        .returning(Mailing::as_returning())
        .get_result(conn)
}

pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    changes: &MailingChanges<'_>,
) -> QueryResult<Mailing> {
    diesel::update(mailings::table.find(id))
        .set(changes)
        .returning(Mailing::as_returning())
        .get_result(conn)
}

pub fn set_schedule(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    next_run_at: Option<DateTime<Utc>>,
) -> QueryResult<Mailing> {
    diesel::update(mailings::table.find(id))
        .set((
            mailings::status.eq(status),
            mailings::next_run_at.eq(next_run_at),
            mailings::updated_at.eq(Utc::now()),
        ))
        .returning(Mailing::as_returning())
        .get_result(conn)
}

/// Enables, or disables recording who did it, when and why; enabling clears all three.
pub fn set_enabled(
    conn: &mut PgConnection,
    id: Uuid,
    enabled: bool,
    by: Uuid,
    reason: Option<&str>,
) -> QueryResult<Mailing> {
    let now = Utc::now();
    let (by, at, reason) = if enabled {
        (None, None, None)
    } else {
        (Some(by), Some(now), reason)
    };
    diesel::update(mailings::table.find(id))
        .set((
            mailings::enabled.eq(enabled),
            mailings::disabled_by.eq(by),
            mailings::disabled_at.eq(at),
            mailings::disabled_reason.eq(reason),
            mailings::updated_at.eq(now),
        ))
        .returning(Mailing::as_returning())
        .get_result(conn)
}

pub fn delete(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> QueryResult<()> {
    let n = diesel::delete(
        mailings::table
            .filter(mailings::id.eq(id))
            .filter(mailings::owner_id.eq(owner)),
    )
    .execute(conn)?;
    if n == 0 {
        Err(diesel::result::Error::NotFound)
    } else {
        Ok(())
    }
}

/// How many of `ids` are clients of `owner` (to refuse foreign or unknown ids).
pub fn count_owned_clients(conn: &mut PgConnection, owner: Uuid, ids: &[Uuid]) -> QueryResult<i64> {
    clients::table
        .filter(clients::owner_id.eq(owner))
        .filter(clients::id.eq_any(ids))
        .count()
        .get_result(conn)
}

/// Replaces the explicit recipient set in one statement.
pub fn set_recipients(conn: &mut PgConnection, mailing: Uuid, ids: &[Uuid]) -> QueryResult<()> {
    diesel::delete(mailing_recipients::table.filter(mailing_recipients::mailing_id.eq(mailing)))
        .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO mailing_recipients (mailing_id, client_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::Uuid, _>(mailing)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
    .execute(conn)?;
    Ok(())
}

/// Recipient counts for a page of mailings, in two grouped queries.
pub fn recipient_counts(
    conn: &mut PgConnection,
    rows: &[Mailing],
) -> QueryResult<HashMap<Uuid, i64>> {
    let explicit: Vec<Uuid> = rows
        .iter()
        .filter(|m| !m.all_clients)
        .map(|m| m.id)
        .collect();
    let owners: Vec<Uuid> = rows
        .iter()
        .filter(|m| m.all_clients)
        .map(|m| m.owner_id)
        .collect();
    let by_mailing: Vec<(Uuid, i64)> = mailing_recipients::table
        .filter(mailing_recipients::mailing_id.eq_any(&explicit))
        .group_by(mailing_recipients::mailing_id)
        .select((mailing_recipients::mailing_id, diesel::dsl::count_star()))
        .load(conn)?;
    let by_owner: HashMap<Uuid, i64> = clients::table
        .filter(clients::owner_id.eq_any(&owners))
        .group_by(clients::owner_id)
        .select((clients::owner_id, diesel::dsl::count_star()))
        .load::<(Uuid, i64)>(conn)?
        .into_iter()
        .collect();
    let by_mailing: HashMap<Uuid, i64> = by_mailing.into_iter().collect();
    Ok(rows
        .iter()
        .map(|m| {
            let n = if m.all_clients {
                by_owner.get(&m.owner_id)
            } else {
                by_mailing.get(&m.id)
            };
            (m.id, n.copied().unwrap_or(0))
        })
        .collect())
}

/// The mailing's recipients (explicit set, or every client of the owner), searchable.
pub fn recipients(
    conn: &mut PgConnection,
    m: &Mailing,
    search: Option<&str>,
    page: PageRequest,
) -> QueryResult<(Vec<Client>, i64)> {
    let base = || {
        let mut q = clients::table
            .filter(clients::owner_id.eq(m.owner_id))
            .into_boxed();
        if !m.all_clients {
            let ids = mailing_recipients::table
                .filter(mailing_recipients::mailing_id.eq(m.id))
                .select(mailing_recipients::client_id);
            q = q.filter(clients::id.eq_any(ids));
        }
        if let Some(needle) = search.filter(|s| !s.trim().is_empty()) {
            let pattern = contains_pattern(needle);
            q = q.filter(
                lower(clients::email)
                    .like(pattern.clone())
                    .or(lower(clients::full_name).like(pattern)),
            );
        }
        q
    };
    let total = base().count().get_result(conn)?;
    let items = base()
        .order((lower(clients::email), clients::id))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Client::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Enabled, unfinished mailings whose next run is due and whose owner is not blocked,
/// locked for this transaction; rows another instance holds are skipped, so each due run
/// is claimed once. A blocked owner's mailings stay due and run once they are unblocked.
pub fn claim_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Mailing>> {
    use crate::db::schema::users;
    let owner_blocked = users::table
        .filter(users::id.eq(mailings::owner_id))
        .filter(users::blocked_at.is_not_null());
    mailings::table
        .filter(mailings::enabled.eq(true))
        .filter(diesel::dsl::not(diesel::dsl::exists(owner_blocked)))
        .filter(mailings::status.ne("finished"))
        .filter(mailings::next_run_at.le(now))
        .order(mailings::next_run_at)
        .limit(limit)
        .select(Mailing::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
}

/// Whether the mailing's owner is blocked (a blocked owner's mailings send nothing).
pub fn owner_blocked(conn: &mut PgConnection, m: &Mailing) -> QueryResult<bool> {
    use crate::db::schema::users;
    users::table
        .find(m.owner_id)
        .select(users::blocked_at.is_not_null())
        .first(conn)
        .optional()
        .map(|b| b.unwrap_or(false))
}
