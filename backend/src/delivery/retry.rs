//! When to try a temporary failure again.

use std::time::Duration;

use rand::Rng;

/// Ceiling for a single wait, whatever the try count.
const MAX_DELAY: Duration = Duration::from_secs(6 * 3600);

/// Delay before try `tries + 1`, after `tries` failed ones: base, 2x base, 4x base...
/// each scaled by a random factor in [0.8, 1.2] so that a burst of failures does not
/// come back as a synchronised burst of retries.
pub fn backoff(base: Duration, tries: u32) -> Duration {
    let factor = 2f64.powi(tries.saturating_sub(1).min(30) as i32);
    let jitter = rand::rng().random_range(0.8..=1.2);
    Duration::from_secs_f64((base.as_secs_f64() * factor * jitter).min(MAX_DELAY.as_secs_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn doubles_within_jitter_and_is_capped(base_ms in 1u64..120_000, tries in 1u32..60) {
            let base = Duration::from_millis(base_ms);
            let d = backoff(base, tries).as_secs_f64();
            let nominal = (base.as_secs_f64() * 2f64.powi((tries - 1).min(30) as i32)).min(MAX_DELAY.as_secs_f64());
            prop_assert!(d <= MAX_DELAY.as_secs_f64() + 1e-6);
            prop_assert!(d >= (nominal * 0.8).min(MAX_DELAY.as_secs_f64()) - 1e-6);
            prop_assert!(d <= nominal * 1.2 + 1e-6);
        }
    }
}
