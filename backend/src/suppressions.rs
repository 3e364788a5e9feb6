//! Suppression-list workflows beyond plain CRUD: importing a CSV file. Parsing lives in
//! `domain::suppression_csv`, SQL in `db::suppressions`, HTTP in `routes::suppressions`.

use herald_api_types::SuppressionImportReport;
use uuid::Uuid;

use crate::{
    db::{self, DbError, DbPool},
    domain::suppression_csv,
    recipients::ImportError,
};

/// Rows per statement.
const BATCH: usize = 2_000;
const MAX_ERRORS_REPORTED: usize = 1_000;

/// Parses `data` off the async executor and adds its good lines to `owner`'s list.
pub async fn import(
    pool: &DbPool,
    owner: Uuid,
    data: Vec<u8>,
) -> Result<SuppressionImportReport, ImportError> {
    let parsed = tokio::task::spawn_blocking(move || suppression_csv::parse(&data))
        .await?
        .map_err(ImportError::Unreadable)?;
    let rows = parsed.rows;
    let total = rows.len() as i64;
    let added = db::run_blocking(pool, move |conn| {
        let mut added = 0;
        for chunk in rows.chunks(BATCH) {
            added += db::suppressions::import_batch(conn, owner, chunk)?;
        }
        Ok::<_, DbError>(added)
    })
    .await?;
    let mut errors = parsed.errors;
    errors.truncate(MAX_ERRORS_REPORTED);
    Ok(SuppressionImportReport {
        added,
        already: total - added + parsed.repeats,
        errors,
    })
}
