//! Bounces and complaints arriving after the SMTP conversation: each report is matched
//! to the exact delivery it answers (the VERP return path it was sent to, else the
//! original's Message-ID, which Herald derives from the delivery id), recorded once as a
//! delivery event, and turned into a suppression: a hard bounce or a complaint at once,
//! soft bounces at the third within 30 days (SPEC.md "Deliverability and engagement").
//!
//! `herald bounces ingest` feeds it messages (an MTA's pipe transport, or files); the
//! IMAP poller and the provider webhooks are to come and will call the same function.

use diesel::{Connection, PgConnection};
use herald_api_types::SuppressionReason;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    db::{self, events::DeliveryRef, DbError},
    domain::{
        bounce::{self, Kind},
        verp::Verp,
    },
};

/// Soft bounces within 30 days that suppress an address.
pub const SOFT_BOUNCES_TO_SUPPRESS: i64 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Not a bounce or a complaint.
    NotAReport,
    /// A report, but not about an email Herald sent (or its delivery is gone).
    Unmatched,
    /// Matched to `delivery`: events recorded (0 when this report was seen before) and
    /// whether the address was suppressed.
    Matched {
        delivery: Uuid,
        recorded: usize,
        suppressed: Option<SuppressionReason>,
    },
}

/// The delivery id inside a Message-ID Herald made (`<simple-uuid@domain>`).
fn delivery_of_message_id(id: &str) -> Option<Uuid> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _) = id.split_once('@')?;
    (local.len() == 32)
        .then(|| Uuid::try_parse(local).ok())
        .flatten()
}

pub fn ingest(
    conn: &mut PgConnection,
    verp: Option<&Verp>,
    raw: &[u8],
) -> Result<Ingested, DbError> {
    let Some(report) = bounce::read(raw) else {
        return Ok(Ingested::NotAReport);
    };
    if report.reports.is_empty() {
        return Ok(Ingested::NotAReport);
    }
    let candidates: Vec<Uuid> = report
        .addressed_to
        .iter()
        .filter_map(|a| verp.and_then(|v| v.delivery_of(a)))
        .chain(
            report
                .original_message_id
                .as_deref()
                .and_then(delivery_of_message_id),
        )
        .collect();
    let source = match &report.message_id {
        Some(id) => format!("msgid:{id}"),
        None => format!("sha256:{:x}", Sha256::digest(raw)),
    };
    conn.transaction(|conn| {
        let mut found: Option<DeliveryRef> = None;
        for id in candidates {
            if let Some(d) = db::events::delivery(conn, id)? {
                found = Some(d);
                break;
            }
        }
        let Some(d) = found else {
            return Ok(Ingested::Unmatched);
        };
        let mut recorded = 0;
        let mut suppressed = None;
        for (i, r) in report.reports.iter().enumerate() {
            let (kind, bounce_kind) = match r.kind {
                Kind::HardBounce => ("bounce", Some("hard")),
                Kind::SoftBounce => ("bounce", Some("soft")),
                Kind::Complaint => ("complaint", None),
            };
            let source_id = format!("{source}#{}#{i}", d.id);
            if !db::events::record(conn, &d, kind, bounce_kind, &r.detail, &source_id)? {
                continue;
            }
            recorded += 1;
            let reason = match r.kind {
                Kind::HardBounce => Some(SuppressionReason::HardBounce),
                Kind::Complaint => Some(SuppressionReason::Complaint),
                Kind::SoftBounce => (db::events::recent_soft_bounces(conn, d.owner_id, &d.email)?
                    >= SOFT_BOUNCES_TO_SUPPRESS)
                    .then_some(SuppressionReason::SoftBounce),
            };
            if let Some(reason) = reason {
                let note: String = r.detail.chars().take(500).filter(|c| !c.is_control()).collect();
                if db::suppressions::insert(conn, d.owner_id, &d.email, reason, &note)?.is_some() {
                    suppressed = Some(reason);
                }
            }
        }
        tracing::info!(delivery = %d.id, recorded, suppressed = ?suppressed, "bounce report ingested");
        Ok(Ingested::Matched {
            delivery: d.id,
            recorded,
            suppressed,
        })
    })
}
