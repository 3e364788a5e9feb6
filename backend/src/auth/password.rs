//! argon2id hashing, always on the blocking pool (it is deliberately slow), and never
//! more at once than [`Hashing`] allows.
//!
//! Each argon2 hash or verification holds 19 MiB for tens of milliseconds: unbounded, a
//! burst of sign-ins would grow the process by 19 MiB per request in flight and queue
//! up behind the cores anyway. So every hash and verify takes a permit of one semaphore
//! sized to the cores. A request that finds every permit taken waits, but only if few
//! others wait already and only briefly; otherwise it is refused with
//! [`PasswordError::Busy`] (429 to the client), which costs nothing.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, OnceLock,
    },
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use argon2::{
    password_hash::{PasswordHasher, PasswordVerifier},
    Argon2,
};

use crate::domain::Password;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(String),
    #[error("too many password checks in progress")]
    Busy,
}

/// Requests that may wait for a permit, per permit.
const QUEUE_PER_PERMIT: usize = 4;
/// The longest a request waits for a permit.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The bound on concurrent argon2 work (one per `AppState`).
#[derive(Clone)]
pub struct Hashing {
    permits: Arc<Semaphore>,
    size: usize,
    waiting: Arc<AtomicUsize>,
}

impl Hashing {
    /// `concurrency` hashes at once; 0 means one per available core.
    pub fn new(concurrency: usize) -> Self {
        let size = if concurrency == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            concurrency
        };
        Hashing {
            permits: Arc::new(Semaphore::new(size)),
            size,
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    async fn permit(&self) -> Result<OwnedSemaphorePermit, PasswordError> {
        if let Ok(p) = self.permits.clone().try_acquire_owned() {
            return Ok(p);
        }
        // Join the queue only while it is short: a long one means a burst, and the
        // cheapest answer to a burst is an immediate 429.
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let result = if queued >= self.size * QUEUE_PER_PERMIT {
            Err(PasswordError::Busy)
        } else {
            match tokio::time::timeout(MAX_WAIT, self.permits.clone().acquire_owned()).await {
                Ok(Ok(p)) => Ok(p),
                _ => Err(PasswordError::Busy),
            }
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        if result.is_err() {
            crate::metrics::password_check_refused();
        }
        result
    }
}

/// argon2id v19 with the crate's default (OWASP-recommended) cost.
fn hasher() -> Argon2<'static> {
    Argon2::default()
}

pub async fn hash(limit: &Hashing, password: Password) -> Result<String, PasswordError> {
    let permit = limit.permit().await?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        crate::metrics::password_hashed();
        hash_blocking(password.expose())
    })
    .await
    .map_err(|e| PasswordError::Join(e.to_string()))?
}

pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Checks `candidate` against a stored PHC string. With `None` (no such account) it
/// checks against a fixed dummy hash, so that unknown emails cost the same time as
/// known ones and a timing probe learns nothing about which accounts exist.
pub async fn verify(
    limit: &Hashing,
    stored: Option<String>,
    candidate: String,
) -> Result<bool, PasswordError> {
    let permit = limit.permit().await?;
    tokio::task::spawn_blocking(move || {
        // Held until the blocking work ends, even if the request is dropped meanwhile.
        let _permit = permit;
        crate::metrics::password_hashed();
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = hasher()
            .verify_password(candidate.as_bytes(), stored.as_str())
            .is_ok();
        ok && known
    })
    .await
    .map_err(|e| PasswordError::Join(e.to_string()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("dummy password for unknown accounts 0")
            .expect("argon2 hashes a constant password")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let limit = Hashing::new(1);
        let h = hash(
            &limit,
            Password::parse("correct-horse-battery-9", &[]).unwrap(),
        )
        .await
        .unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify(&limit, Some(h.clone()), "correct-horse-battery-9".into())
                .await
                .unwrap()
        );
        assert!(!verify(&limit, Some(h), "wrong-horse-9".into())
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        assert!(!verify(
            &Hashing::new(1),
            None,
            "dummy password for unknown accounts 0".into()
        )
        .await
        .unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once_and_permits_come_back() {
        let limit = Hashing::new(1);
        let held = limit.permit().await.unwrap();
        // Fill the queue with waiters, then one more is refused without waiting.
        let waiters: Vec<_> = (0..QUEUE_PER_PERMIT)
            .map(|_| {
                let l = limit.clone();
                tokio::spawn(async move { l.permit().await.map(drop) })
            })
            .collect();
        while limit.waiting.load(Ordering::SeqCst) < QUEUE_PER_PERMIT {
            tokio::task::yield_now().await;
        }
        assert!(matches!(limit.permit().await, Err(PasswordError::Busy)));
        drop(held);
        for w in waiters {
            assert!(w.await.unwrap().is_ok());
        }
        assert!(limit.permit().await.is_ok());
    }
}
