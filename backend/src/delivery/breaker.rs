//! A circuit breaker for the SMTP server.
//!
//! Closed: everything flows. After `threshold` consecutive connection-level failures
//! (refused, dropped, timed out, garbage) it opens: nothing is sent, so an outage does
//! not burn every recipient's retries. After a cooldown it lets one probe through
//! (half-open); success closes it, failure reopens it with a doubled cooldown (capped).
//! Replies such as 4xx/5xx prove the server is alive and count as successes here.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    Closed,
    Open { until: Instant },
    HalfOpen,
}

#[derive(Debug)]
struct Inner {
    state: BreakerState,
    consecutive_failures: u32,
    cooldown: Duration,
    probe_in_flight: bool,
}

#[derive(Debug)]
pub struct CircuitBreaker {
    inner: Mutex<Inner>,
    threshold: u32,
    base_cooldown: Duration,
    max_cooldown: Duration,
}

/// What the dispatcher may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Send normally.
    Go,
    /// Send exactly one message as a probe.
    Probe,
    /// Do not send; check again after this long.
    Wait(Duration),
}

impl CircuitBreaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        CircuitBreaker {
            inner: Mutex::new(Inner {
                state: BreakerState::Closed,
                consecutive_failures: 0,
                cooldown,
                probe_in_flight: false,
            }),
            threshold: threshold.max(1),
            base_cooldown: cooldown,
            max_cooldown: (cooldown * 32).max(Duration::from_secs(300)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn state(&self) -> BreakerState {
        self.lock().state
    }

    pub fn is_open(&self) -> bool {
        !matches!(self.state(), BreakerState::Closed)
    }

    /// Asked before each send (and before leasing a batch).
    pub fn admit(&self) -> Admission {
        let mut s = self.lock();
        match s.state {
            BreakerState::Closed => Admission::Go,
            BreakerState::Open { until } => {
                let now = Instant::now();
                if now < until {
                    Admission::Wait(until - now)
                } else {
                    s.state = BreakerState::HalfOpen;
                    s.probe_in_flight = true;
                    Admission::Probe
                }
            }
            BreakerState::HalfOpen if !s.probe_in_flight => {
                s.probe_in_flight = true;
                Admission::Probe
            }
            BreakerState::HalfOpen => Admission::Wait(Duration::from_millis(200)),
        }
    }

    /// A probe slot was granted but there was nothing to send.
    pub fn abandon_probe(&self) {
        self.lock().probe_in_flight = false;
    }

    pub fn on_success(&self) {
        let mut s = self.lock();
        if s.state != BreakerState::Closed {
            tracing::info!("SMTP server answers again: resuming dispatch");
        }
        s.state = BreakerState::Closed;
        s.consecutive_failures = 0;
        s.cooldown = self.base_cooldown;
        s.probe_in_flight = false;
    }

    pub fn on_connection_failure(&self) {
        let mut s = self.lock();
        s.consecutive_failures += 1;
        match s.state {
            BreakerState::HalfOpen => {
                s.cooldown = (s.cooldown * 2).min(self.max_cooldown);
                s.state = BreakerState::Open {
                    until: Instant::now() + s.cooldown,
                };
                s.probe_in_flight = false;
                tracing::warn!(
                    cooldown_secs = s.cooldown.as_secs_f32(),
                    "SMTP probe failed: dispatch stays paused"
                );
            }
            BreakerState::Closed if s.consecutive_failures >= self.threshold => {
                s.state = BreakerState::Open {
                    until: Instant::now() + s.cooldown,
                };
                tracing::warn!(
                    failures = s.consecutive_failures,
                    cooldown_secs = s.cooldown.as_secs_f32(),
                    "SMTP server unreachable: pausing dispatch"
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_then_probes_and_closes_on_success() {
        let b = CircuitBreaker::new(3, Duration::from_millis(20));
        for _ in 0..2 {
            b.on_connection_failure();
        }
        assert_eq!(b.admit(), Admission::Go);
        b.on_connection_failure();
        assert!(matches!(b.admit(), Admission::Wait(_)));
        std::thread::sleep(Duration::from_millis(25));
        assert_eq!(b.admit(), Admission::Probe);
        assert!(
            matches!(b.admit(), Admission::Wait(_)),
            "one probe at a time"
        );
        b.on_success();
        assert_eq!(b.admit(), Admission::Go);
    }

    #[test]
    fn a_failed_probe_doubles_the_cooldown() {
        let b = CircuitBreaker::new(1, Duration::from_millis(10));
        b.on_connection_failure();
        std::thread::sleep(Duration::from_millis(15));
        assert_eq!(b.admit(), Admission::Probe);
        b.on_connection_failure();
        match b.admit() {
            Admission::Wait(d) => {
                assert!(d > Duration::from_millis(12), "cooldown doubled, got {d:?}")
            }
            other => panic!("expected to wait, got {other:?}"),
        }
    }
}
