//! One run at a time per context (issue 8): two concurrent runs on one context could undo each
//! other's writes and leave a manifest that disagrees with the disk.
//!
//! The lock is an OS advisory lock (`flock`, via `std::fs::File::lock`) on the context folder
//! itself, so no lock file is left in the user's tree: exclusive for a run that writes, shared for
//! a dry run (dry runs never block each other, and never read a half-applied tree). A run waits a
//! bounded time ([`timeout`]) and then fails naming the folder. The OS drops the lock when the
//! process dies, however it dies.
//!
//! Systems where a folder cannot be opened as a file (Windows) lock `<context>/.python-ddd.lock`
//! instead.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Seconds to wait for another run's lock (a decimal number); default [`DEFAULT_TIMEOUT`].
pub const TIMEOUT_ENV: &str = "PYTHON_DDD_LOCK_TIMEOUT";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long to wait: `PYTHON_DDD_LOCK_TIMEOUT` seconds when it holds a non-negative number,
/// otherwise the default.
pub fn timeout() -> Duration {
    parse_timeout(std::env::var(TIMEOUT_ENV).ok().as_deref())
}

fn parse_timeout(value: Option<&str>) -> Duration {
    value
        .and_then(|value| value.trim().parse::<f64>().ok())
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Whether the holder may change the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A dry run: others may read too.
    Shared,
    /// A run that writes: nobody else.
    Exclusive,
}

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct ContextLock {
    _file: File,
    path: PathBuf,
}

impl ContextLock {
    /// What is locked (the context folder, or the lock file on systems that need one).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Locks the existing folder `dir`, waiting up to `wait`.
pub fn acquire(dir: &Path, mode: Mode, wait: Duration) -> Result<ContextLock, Error> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        let (file, path) = open(dir)?;
        let attempt = match mode {
            Mode::Shared => file.try_lock_shared(),
            Mode::Exclusive => file.try_lock(),
        };
        match attempt {
            // The folder may have been removed (a failed first run cleans up the folder it made)
            // and made anew while we waited: a lock on the old one would not exclude anybody.
            Ok(()) if still_there(&file, &path) => return Ok(ContextLock { _file: file, path }),
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                if started.elapsed() >= wait {
                    return Err(Error::Locked { path, waited: wait });
                }
                std::thread::sleep(pause.min(wait.saturating_sub(started.elapsed())));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(TryLockError::Error(source)) => return Err(Error::Lock { path, source }),
        }
    }
}

#[cfg(unix)]
fn open(dir: &Path) -> Result<(File, PathBuf), Error> {
    File::open(dir)
        .map(|file| (file, dir.to_owned()))
        .map_err(|source| Error::Lock {
            path: dir.to_owned(),
            source,
        })
}

#[cfg(not(unix))]
fn open(dir: &Path) -> Result<(File, PathBuf), Error> {
    let path = dir.join(".python-ddd.lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map(|file| (file, path.clone()))
        .map_err(|source| Error::Lock { path, source })
}

#[cfg(unix)]
fn still_there(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(now)) => held.dev() == now.dev() && held.ino() == now.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_there(_file: &File, _path: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_waits_then_fails_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), Mode::Exclusive, Duration::ZERO).unwrap();
        let started = Instant::now();
        let error = acquire(dir.path(), Mode::Shared, Duration::from_millis(150)).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert!(matches!(&error, Error::Locked { path, .. } if path == held.path()));
        drop(held);
        acquire(dir.path(), Mode::Exclusive, Duration::ZERO).unwrap();
    }

    #[test]
    fn shared_locks_coexist() {
        let dir = tempfile::tempdir().unwrap();
        let _a = acquire(dir.path(), Mode::Shared, Duration::ZERO).unwrap();
        let _b = acquire(dir.path(), Mode::Shared, Duration::ZERO).unwrap();
        assert!(matches!(
            acquire(dir.path(), Mode::Exclusive, Duration::ZERO),
            Err(Error::Locked { .. })
        ));
    }

    #[test]
    fn timeouts_parse_as_seconds() {
        assert_eq!(parse_timeout(None), DEFAULT_TIMEOUT);
        assert_eq!(parse_timeout(Some("0.25")), Duration::from_millis(250));
        assert_eq!(parse_timeout(Some(" 2 ")), Duration::from_secs(2));
        for bad in ["", "x", "-1", "NaN", "inf"] {
            assert_eq!(parse_timeout(Some(bad)), DEFAULT_TIMEOUT, "{bad}");
        }
    }
}
