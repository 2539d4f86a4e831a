//! The library's errors. User mistakes in options are not errors here but `validate::Problem`s;
//! these are the failures of rendering, reading and writing.

use std::path::PathBuf;

use crate::paths::PathFlaw;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("template `{template}`: {message}")]
    Render { template: String, message: String },

    #[error("failed to read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("failed to write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("`{}` is a symbolic link that leads outside the workspace root `{}`; refusing to write through it", path.display(), root.display())]
    SymlinkEscape { path: PathBuf, root: PathBuf },

    #[error(
        "`{}` is a symbolic link where a generated file goes; refusing to replace it: remove the link (or replace it with a regular file) and run again",
        path.display()
    )]
    SymlinkFile { path: PathBuf },

    #[error(
        "`{}` is not a regular file, but a generated file goes there: move it away and run again",
        path.display()
    )]
    NotAFile { path: PathBuf },

    #[error("`{}` is not a folder", path.display())]
    NotAFolder { path: PathBuf },

    #[error("the workspace root `{}` is not usable: {source}", path.display())]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "the manifest `{path}` is broken: {message}; restore it from version control (or delete it: every existing file then counts as yours)"
    )]
    Manifest { path: String, message: String },

    #[error(
        "the manifest `{path}` lists `{entry}`, which is not a path inside the context folder ({flaw}); nothing was written or deleted. Remove that entry or restore the manifest from version control"
    )]
    ManifestEntry {
        path: String,
        entry: String,
        flaw: PathFlaw,
    },

    #[error(
        "the journal `{path}` left by an interrupted run is broken: {message}; delete it and check the files under its folder"
    )]
    Journal { path: String, message: String },

    #[error(
        "another python-ddd run holds the lock on `{}`; gave up after {:.1} s (PYTHON_DDD_LOCK_TIMEOUT sets the wait in seconds)",
        path.display(),
        waited.as_secs_f64()
    )]
    Locked {
        path: PathBuf,
        waited: std::time::Duration,
    },

    #[error("failed to lock `{}`: {source}", path.display())]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("refusing the path `{path}`: {flaw}")]
    UnsafePath { path: String, flaw: PathFlaw },

    #[error("`{path}` is not UTF-8 text")]
    NotText { path: String },
}
