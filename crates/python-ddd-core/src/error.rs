//! The library's errors. User mistakes in options are not errors here but `validate::Problem`s;
//! these are the failures of rendering, reading and writing.

use std::path::PathBuf;

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

    #[error("`{}` is a symbolic link; refusing to replace it", path.display())]
    SymlinkFile { path: PathBuf },

    #[error("`{}` is not a regular file", path.display())]
    NotAFile { path: PathBuf },

    #[error("the workspace root `{}` is not usable: {source}", path.display())]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("the manifest `{path}` is not valid JSON: {message}")]
    Manifest { path: String, message: String },

    #[error("`{path}` is not UTF-8 text")]
    NotText { path: String },
}
