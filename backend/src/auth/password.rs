//! argon2id hashing, off the async executor (it is deliberately slow), and never more
//! at once than [`Hashing`] allows.
//!
//! Each argon2 hash or verification holds 19 MiB for tens of milliseconds: unbounded, a
//! burst of sign-ins would grow the process by 19 MiB per request in flight and queue
//! up behind the cores anyway. So every hash and verify takes a permit of one semaphore
//! sized to the cores. A request that finds every permit taken waits, but only if few
//! others wait already and only briefly; otherwise it is refused with
//! [`PasswordError::Busy`] (429 to the client), which costs nothing.
//!
//! The work runs on a few threads of its own (one per permit), not on tokio's blocking
//! pool, and each thread hashes in one 19 MiB block of memory it allocates once and
//! reuses. Why: glibc raises its mmap threshold after the first 19 MiB block is freed,
//! so later blocks came from malloc arenas and stayed resident after use; a burst of 18
//! hashes measured +340 MB, 15 hashes on two fixed threads still +230 MB. With reused
//! blocks the memory for hashing is at most permits x 19 MiB, whatever the burst
//! (`scripts/login-burst.sh` measures it).

use std::{
    panic::AssertUnwindSafe,
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex, OnceLock,
    },
    time::Duration,
};

use std::cell::RefCell;

use argon2::{
    password_hash::phc::{Output, ParamsString, PasswordHash, Salt},
    Algorithm, Argon2, Block, Params, Version,
};
use rand::RngCore;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// A unit of argon2 work for the hashing threads.
type Job = Box<dyn FnOnce() + Send>;

/// The bound on concurrent argon2 work and the threads doing it (one per `AppState`;
/// the threads end when the last clone is dropped).
#[derive(Clone)]
pub struct Hashing {
    permits: Arc<Semaphore>,
    size: usize,
    waiting: Arc<AtomicUsize>,
    jobs: mpsc::Sender<Job>,
}

impl Hashing {
    /// `concurrency` hashes at once; 0 means one per available core.
    pub fn new(concurrency: usize) -> Self {
        let size = if concurrency == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            concurrency
        };
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..size {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("herald-argon2-{i}"))
                .spawn(move || loop {
                    // The lock is held only while taking a job, not while running it.
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // every Hashing is gone
                    }
                });
            if let Err(e) = spawned {
                // Fewer threads only means less parallelism: permits still bound the work.
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Hashing {
            permits: Arc::new(Semaphore::new(size)),
            size,
            waiting: Arc::new(AtomicUsize::new(0)),
            jobs,
        }
    }

    /// Runs `work` on a hashing thread once a permit is free (or refuses, see above).
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let permit = self.permit().await?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // Held until the work ends, even if the request is dropped meanwhile.
            let _permit = permit;
            crate::metrics::password_hashed();
            // A panic drops `done`: the caller gets an error, the thread lives on.
            if let Ok(value) = std::panic::catch_unwind(AssertUnwindSafe(work)) {
                let _ = done.send(value);
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| PasswordError::Join("no password hashing thread".into()))?;
        result
            .await
            .map_err(|_| PasswordError::Join("password hashing failed".into()))
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

/// argon2id v19 with the crate's default (OWASP-recommended) cost: 19 MiB, 2 passes.
fn params() -> Params {
    Params::default()
}

thread_local! {
    /// This thread's argon2 memory, allocated on first use and kept (see module docs).
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 with `params` into `out`, in this thread's reusable memory.
fn argon2_into(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), PasswordError> {
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    MEMORY
        .with(|memory| {
            let mut memory = memory.borrow_mut();
            if memory.len() < blocks {
                memory.resize(blocks, Block::default());
            }
            argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
        })
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

pub async fn hash(limit: &Hashing, password: Password) -> Result<String, PasswordError> {
    limit.run(move || hash_blocking(password.expose())).await?
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) for `password`.
pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let err = |e: argon2::password_hash::phc::Error| PasswordError::Hash(e.to_string());
    let params = params();
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        password.as_bytes(),
        &salt,
        &mut out,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| PasswordError::Hash(e.to_string()))?,
        salt: Some(Salt::new(&salt).map_err(err)?),
        hash: Some(Output::new(&out).map_err(err)?),
    };
    Ok(phc.to_string())
}

/// Whether `candidate` matches the stored PHC string (its own algorithm and cost).
fn verify_blocking(stored: &str, candidate: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(
        algorithm,
        version,
        params,
        candidate.as_bytes(),
        salt.as_ref(),
        &mut out,
    )
    .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| &computed == expected)
}

/// Checks `candidate` against a stored PHC string. With `None` (no such account) it
/// checks against a fixed dummy hash, so that unknown emails cost the same time as
/// known ones and a timing probe learns nothing about which accounts exist.
pub async fn verify(
    limit: &Hashing,
    stored: Option<String>,
    candidate: String,
) -> Result<bool, PasswordError> {
    limit
        .run(move || {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
            verify_blocking(&stored, &candidate) && known
        })
        .await
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

    #[test]
    fn hashes_agree_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // Stored before this module hashed by itself: still verify.
        let old = Argon2::default()
            .hash_password(b"correct-horse-battery-9")
            .unwrap()
            .to_string();
        assert!(verify_blocking(&old, "correct-horse-battery-9"));
        assert!(!verify_blocking(&old, "correct-horse-battery-8"));
        // Ours verify with the crate, in the same PHC format.
        let ours = hash_blocking("correct-horse-battery-9").unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct-horse-battery-9", &parsed)
            .is_ok());
        assert!(!verify_blocking("not a phc string", "x"));
    }
}
