//! Paths that reach the engine from outside the generator — the keys of a manifest's `files` map,
//! the keys of an `nx` request's `files` map — are held to the bar generated paths meet: relative,
//! `/`-separated, normalised, and inside the context folder. Without this a tampered manifest entry
//! such as `../../../elsewhere/file.txt` with that file's hash would plan a `delete` outside the
//! workspace (issue 8).

use std::fmt;

/// Why a path is not a plain relative path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathFlaw {
    Empty,
    Absolute,
    Backslash,
    EmptyComponent,
    Dot,
    DotDot,
    Nul,
    OutsideRoot,
}

impl fmt::Display for PathFlaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::Absolute => "it is absolute",
            Self::Backslash => "it contains `\\`",
            Self::EmptyComponent => "it has an empty component (`//` or a trailing `/`)",
            Self::Dot => "it contains a `.` component",
            Self::DotDot => "it contains `..`",
            Self::Nul => "it contains a NUL character",
            Self::OutsideRoot => "it is not inside the context folder",
        })
    }
}

/// Checks that `path` is relative and normalised: `/`-separated plain components, no `.`, `..`,
/// empty component, drive prefix or backslash. Such a path joined to a folder stays inside it
/// (symbolic links aside, which `apply::Workspace` checks on disk).
pub fn check_relative(path: &str) -> Result<(), PathFlaw> {
    if path.is_empty() {
        return Err(PathFlaw::Empty);
    }
    if path.starts_with('/') || path.starts_with('\\') || has_drive_prefix(path) {
        return Err(PathFlaw::Absolute);
    }
    if path.contains('\\') {
        return Err(PathFlaw::Backslash);
    }
    if path.contains('\0') {
        return Err(PathFlaw::Nul);
    }
    for component in path.split('/') {
        match component {
            "" => return Err(PathFlaw::EmptyComponent),
            "." => return Err(PathFlaw::Dot),
            ".." => return Err(PathFlaw::DotDot),
            _ => {}
        }
    }
    Ok(())
}

/// Checks that `path` (workspace-relative) is a normalised path strictly inside the folder `root`
/// (workspace-relative too).
pub fn check_inside(root: &str, path: &str) -> Result<(), PathFlaw> {
    check_relative(path)?;
    match path
        .strip_prefix(root)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) if !rest.is_empty() => Ok(()),
        _ => Err(PathFlaw::OutsideRoot),
    }
}

/// `C:…`: on Windows a path with a drive prefix is not joined below a folder but replaces it.
fn has_drive_prefix(path: &str) -> bool {
    let mut chars = path.chars();
    matches!((chars.next(), chars.next()), (Some(letter), Some(':')) if letter.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_pass() {
        for path in ["a", "a/b.py", ".python-ddd.json", "x/.hidden/..y", "a b/c"] {
            assert_eq!(check_relative(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn every_flaw_is_named() {
        for (path, flaw) in [
            ("", PathFlaw::Empty),
            ("/etc/passwd", PathFlaw::Absolute),
            ("\\x", PathFlaw::Absolute),
            ("C:/x", PathFlaw::Absolute),
            ("c:x", PathFlaw::Absolute),
            ("a\\..\\b", PathFlaw::Backslash),
            ("a//b", PathFlaw::EmptyComponent),
            ("a/", PathFlaw::EmptyComponent),
            ("./a", PathFlaw::Dot),
            ("a/./b", PathFlaw::Dot),
            ("..", PathFlaw::DotDot),
            ("../../../elsewhere/file.txt", PathFlaw::DotDot),
            ("a/../../b", PathFlaw::DotDot),
            ("a\0b", PathFlaw::Nul),
        ] {
            assert_eq!(check_relative(path), Err(flaw), "{path:?}");
        }
    }

    #[test]
    fn inside_means_strictly_below_the_root() {
        assert_eq!(check_inside("libs/orders", "libs/orders/a.py"), Ok(()));
        for path in [
            "libs/orders",
            "libs/orders2/a.py",
            "libs/a.py",
            "elsewhere/file.txt",
        ] {
            assert_eq!(
                check_inside("libs/orders", path),
                Err(PathFlaw::OutsideRoot),
                "{path}"
            );
        }
        assert_eq!(
            check_inside("libs/orders", "libs/orders/../../x"),
            Err(PathFlaw::DotDot)
        );
    }
}
