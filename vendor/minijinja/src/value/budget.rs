//! Herald patch (not upstream): a per-thread budget on the text a render may build.
//!
//! Upstream minijinja bounds loops (fuel) and a single string repetition (100 MB), but
//! not concatenation (`~`, `+`) or what repeated operations add up to: a template such as
//! `{% set s = "x" * 100000 %}{% set s = s ~ s ~ s %}...` allocates gigabytes before it
//! emits a byte. While armed ([`set_string_budget`]), every string value created on this
//! thread is charged against the budget, and the operations that can build a large
//! string check the budget *before* allocating it. Over budget, the value becomes an
//! invalid value (an error wherever it is used) and the budget reads 0 afterwards, so
//! the caller can tell "too large" from other errors with [`budget_exhausted`].

use std::cell::Cell;
use std::fmt;

use crate::error::{Error, ErrorKind};

/// Most items a sequence built by the template itself (`[x] * n`, `a + b`, `|list`)
/// may hold while a budget is armed.
pub const MAX_SEQ_ITEMS: usize = 100_000;

thread_local! {
    static REMAINING: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Arms (`Some(bytes)`) or disarms (`None`) the budget of this thread; returns the
/// previous setting so callers can restore it.
pub fn set_string_budget(bytes: Option<usize>) -> Option<usize> {
    REMAINING.with(|r| r.replace(bytes))
}

/// Bytes left (`None` when no budget is armed).
pub fn remaining_string_budget() -> Option<usize> {
    REMAINING.with(Cell::get)
}

/// Whether an armed budget was exceeded (it reads 0).
pub fn budget_exhausted() -> bool {
    remaining_string_budget() == Some(0)
}

pub(crate) fn armed() -> bool {
    remaining_string_budget().is_some()
}

/// Whether a string of `len` bytes may still be built (nothing is charged).
pub(crate) fn fits(len: usize) -> bool {
    remaining_string_budget().is_none_or(|left| len <= left)
}

/// Charges `len` bytes; `false` (and the budget spent) when they do not fit.
pub(crate) fn charge(len: usize) -> bool {
    REMAINING.with(|r| match r.get() {
        None => true,
        Some(left) if len <= left => {
            r.set(Some(left - len));
            true
        }
        Some(_) => {
            r.set(Some(0));
            false
        }
    })
}

/// The error for text over the budget (and the budget is spent).
pub(crate) fn exceeded() -> Error {
    REMAINING.with(|r| {
        if r.get().is_some() {
            r.set(Some(0));
        }
    });
    Error::new(
        ErrorKind::InvalidOperation,
        "the template builds more text than allowed",
    )
}

/// The error for a sequence over [`MAX_SEQ_ITEMS`].
pub(crate) fn too_many_items() -> Error {
    exceeded()
}

/// A string being written that stops (fmt::Error) as soon as it would not fit.
#[derive(Default)]
pub(crate) struct Bounded(pub(crate) String);

impl fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if !fits(self.0.len().saturating_add(s.len())) {
            return Err(fmt::Error);
        }
        self.0.push_str(s);
        Ok(())
    }
}
