//! Blog posts. A post with `published_at` null is a draft.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{schema::posts, PageRequest};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: Uuid,
    pub author_id: Uuid,
    pub title: String,
    pub body: String,
    /// Relative to MEDIA_DIR, e.g. `posts/3f2a....png`.
    pub image_path: Option<String>,
    pub views: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub id: Uuid,
    pub author_id: Uuid,
    pub title: &'a str,
    pub body: &'a str,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub updated_at: DateTime<Utc>,
}

/// Which posts a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Published posts only (the public blog).
    Published,
    /// Drafts too (writers).
    All,
}

fn visible(v: Visibility) -> posts::BoxedQuery<'static, diesel::pg::Pg> {
    let q = posts::table.into_boxed();
    match v {
        Visibility::Published => q.filter(posts::published_at.is_not_null()),
        Visibility::All => q,
    }
}

/// Newest first: published posts by publication time; drafts (with `All`) come first,
/// by creation time, since they are what writers are working on.
pub fn list(
    conn: &mut PgConnection,
    visibility: Visibility,
    page: PageRequest,
) -> QueryResult<(Vec<Post>, i64)> {
    let total = visible(visibility).count().get_result(conn)?;
    let items = visible(visibility)
        .order((
            posts::published_at.desc().nulls_first(),
            posts::created_at.desc(),
            posts::id,
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Post::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Any post, draft or not.
pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Post> {
    posts::table.find(id).select(Post::as_select()).first(conn)
}

/// Counts one view of a published post and returns it with the new count; `None` for
/// drafts and unknown ids. One `UPDATE ... RETURNING`: concurrent readers queue on the
/// row lock, so no view is lost.
pub fn view_published(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Post>> {
    diesel::update(
        posts::table
            .filter(posts::id.eq(id))
            .filter(posts::published_at.is_not_null()),
    )
    .set(posts::views.eq(posts::views + 1))
    .returning(Post::as_returning())
    .get_result(conn)
    .optional()
}

/// Like [`view_published`] but returns only the new count (the rest comes from cache).
pub fn count_view(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<i64>> {
    diesel::update(
        posts::table
            .filter(posts::id.eq(id))
            .filter(posts::published_at.is_not_null()),
    )
    .set(posts::views.eq(posts::views + 1))
    .returning(posts::views)
    .get_result(conn)
    .optional()
}

pub fn insert(conn: &mut PgConnection, new: &NewPost<'_>) -> QueryResult<Post> {
    diesel::insert_into(posts::table)
        .values(new)
        .returning(Post::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: Uuid, changes: &PostChanges<'_>) -> QueryResult<Post> {
    diesel::update(posts::table.find(id))
        .set(changes)
        .returning(Post::as_returning())
        .get_result(conn)
}

/// Deletes a post and returns its image path (for the file to be removed too).
pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<String>> {
    diesel::delete(posts::table.find(id))
        .returning(posts::image_path)
        .get_result(conn)
}

/// Publishes a draft (now) or keeps the date of an already published post.
pub fn publish(conn: &mut PgConnection, id: Uuid) -> QueryResult<Post> {
    let now = Utc::now();
    diesel::update(posts::table.find(id))
        .set((
            posts::published_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("coalesce(published_at, now())")),
            posts::updated_at.eq(now),
        ))
        .returning(Post::as_returning())
        .get_result(conn)
}

pub fn unpublish(conn: &mut PgConnection, id: Uuid) -> QueryResult<Post> {
    diesel::update(posts::table.find(id))
        .set((
            posts::published_at.eq(None::<DateTime<Utc>>),
            posts::updated_at.eq(Utc::now()),
        ))
        .returning(Post::as_returning())
        .get_result(conn)
}

/// Sets the image and returns the post together with the previous image path. The
/// old path is read under the row lock (`FOR UPDATE`), so two concurrent uploads
/// cannot both believe they replaced the same file.
pub fn set_image(
    conn: &mut PgConnection,
    id: Uuid,
    path: &str,
) -> QueryResult<(Post, Option<String>)> {
    conn.transaction(|conn| {
        let old: Option<String> = posts::table
            .find(id)
            .select(posts::image_path)
            .for_update()
            .first(conn)?;
        let post = diesel::update(posts::table.find(id))
            .set((
                posts::image_path.eq(Some(path)),
                posts::updated_at.eq(Utc::now()),
            ))
            .returning(Post::as_returning())
            .get_result(conn)?;
        Ok((post, old))
    })
}

pub fn exists(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(posts::table.find(id))).get_result(conn)
}

/// Up to `n` distinct published posts picked uniformly at random, without
/// `ORDER BY random()` over the table: count the published posts (an index-only scan of
/// `posts_published_idx`), draw `n` distinct offsets in Rust, and fetch each one through
/// the same index (`OFFSET k LIMIT 1`). The work is proportional to the offsets, not to
/// sorting every row with a random key.
pub fn random_published(conn: &mut PgConnection, n: usize) -> QueryResult<Vec<Post>> {
    let total: i64 = visible(Visibility::Published).count().get_result(conn)?;
    let total = usize::try_from(total).unwrap_or(0);
    if total == 0 || n == 0 {
        return Ok(Vec::new());
    }
    let picks = rand::seq::index::sample(&mut rand::rng(), total, n.min(total));
    let mut out = Vec::with_capacity(picks.len());
    for offset in picks.iter() {
        let post = visible(Visibility::Published)
            .order((posts::published_at.desc(), posts::id))
            .offset(offset as i64)
            .limit(1)
            .select(Post::as_select())
            .first(conn)
            .optional()?;
        // A post unpublished between the two queries leaves a gap; fewer posts is fine.
        out.extend(post);
    }
    Ok(out)
}
