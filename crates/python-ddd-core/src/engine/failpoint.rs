//! Deterministic crash points for the write path's crash-safety tests (issue 8).
//!
//! Every change apply makes to the disk (a temporary file created or filled, a rename, a delete, the
//! journal, the manifest) first calls [`hit`] with its step's name. With
//! `PYTHON_DDD_FAILPOINT=<n>` the process aborts (`std::process::abort`: no unwinding, no cleanup,
//! like `kill -9`) just before the n-th step of the run; with `PYTHON_DDD_FAILPOINT=<step>:<n>`
//! just before the n-th step of that name. A run that ends without aborting took fewer steps, so a
//! test walks n = 1, 2, … until the run completes, and checks the next run recovers from each
//! crash. Unset (the normal case), a hit costs one atomic increment.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that arms a failpoint.
pub const ENV: &str = "PYTHON_DDD_FAILPOINT";

/// Names of the steps, as `hit` receives them.
pub const STEPS: &[&str] = &[
    "create", "write", "rename", "delete", "journal", "manifest", "recover",
];

#[derive(Debug)]
struct Armed {
    /// `None`: count every step.
    step: Option<String>,
    at: u64,
}

static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
static COUNT: AtomicU64 = AtomicU64::new(0);

fn armed() -> Option<&'static Armed> {
    ARMED
        .get_or_init(|| parse(&std::env::var(ENV).ok()?))
        .as_ref()
}

/// `<n>` or `<step>:<n>`, n ≥ 1; anything else leaves the failpoint disarmed.
fn parse(value: &str) -> Option<Armed> {
    let (step, at) = match value.split_once(':') {
        Some((step, at)) => (Some(step.to_owned()), at),
        None => (None, value),
    };
    let at = at.parse().ok().filter(|&at| at > 0)?;
    Some(Armed { step, at })
}

/// Marks the start of a disk-changing step; aborts the process if the armed failpoint says so.
pub fn hit(step: &'static str) {
    debug_assert!(STEPS.contains(&step), "unknown failpoint step {step}");
    let Some(armed) = armed() else {
        return;
    };
    if armed.step.as_deref().is_some_and(|s| s != step) {
        return;
    }
    if COUNT.fetch_add(1, Ordering::SeqCst) + 1 == armed.at {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_counts_and_named_steps() {
        let any = parse("7").unwrap();
        assert_eq!((any.step, any.at), (None, 7));
        let named = parse("rename:3").unwrap();
        assert_eq!((named.step.as_deref(), named.at), (Some("rename"), 3));
        for bad in ["", "0", "x", "rename:", "rename:-1"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
