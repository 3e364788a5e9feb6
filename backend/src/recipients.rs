//! Recipient workflows beyond plain CRUD: importing a CSV file into an owner's list.
//! Parsing lives in `domain::imports`; HTTP in `routes::clients`; the CLI's
//! `import-clients` calls the same function.

use herald_api_types::ImportReport;
use uuid::Uuid;

use crate::{
    db::{self, DbError, DbPool},
    domain::imports::{parse_csv, ParsedCsv},
};

/// Rows per upsert statement: a 50,000-line file is a few dozen round trips, not 50,000.
const BATCH: usize = 2_000;
/// Line errors listed in a report (the rest are only counted out by their absence).
const MAX_ERRORS_REPORTED: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole cannot be read (no usable header, not CSV).
    #[error("{0}")]
    Unreadable(String),
    #[error("the import was interrupted: {0}")]
    Interrupted(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Parses `data` (off the async executor) and upserts its good rows into `owner`'s
/// recipients by email: new ones are created, changed ones updated, the rest skipped.
/// Bad lines are reported with their line numbers and do not stop the others.
pub async fn import(
    pool: &DbPool,
    owner: Uuid,
    data: Vec<u8>,
) -> Result<ImportReport, ImportError> {
    let ParsedCsv {
        rows,
        duplicates,
        mut errors,
    } = tokio::task::spawn_blocking(move || parse_csv(&data))
        .await?
        .map_err(ImportError::Unreadable)?;
    let counts = db::run_blocking(pool, move |conn| {
        let mut total = db::clients::UpsertCounts::default();
        for chunk in rows.chunks(BATCH) {
            let c = db::clients::upsert_batch(conn, owner, chunk)?;
            total.created += c.created;
            total.updated += c.updated;
            total.unchanged += c.unchanged;
        }
        Ok::<_, DbError>(total)
    })
    .await?;
    errors.truncate(MAX_ERRORS_REPORTED);
    Ok(ImportReport {
        created: counts.created,
        updated: counts.updated,
        skipped: counts.unchanged + duplicates.len() as i64,
        errors,
        duplicates: duplicates.into_iter().take(MAX_ERRORS_REPORTED).collect(),
    })
}
