//! Stage 7, apply: write a plan to disk, all or nothing, never outside the workspace root.
//!
//! Every new content goes to a temporary file in its target folder first; only when all of them are
//! written are they renamed into place. If anything fails, what was done is undone: renamed files
//! get their old content back, new files and folders are removed, deleted files are restored.
//! Paths are resolved component by component; a symbolic link that leads outside the root is
//! refused, and a generated file is never written through a link.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::plan::{Action, Plan, Source};

/// The workspace on disk, rooted at a canonical folder.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// Opens (creating it if needed) the workspace root.
    pub fn open(root: &Path) -> Result<Self, Error> {
        let root_error = |source| Error::Root {
            path: root.to_owned(),
            source,
        };
        fs::create_dir_all(root).map_err(root_error)?;
        let root = fs::canonicalize(root).map_err(root_error)?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The absolute path of a workspace-relative path, refusing symbolic links that lead out of the
    /// root and links in the file's own place.
    fn resolve(&self, relative: &str) -> Result<PathBuf, Error> {
        let mut path = self.root.clone();
        let components: Vec<&str> = relative.split('/').collect();
        for (index, component) in components.iter().enumerate() {
            path.push(component);
            let metadata = match fs::symlink_metadata(&path) {
                Ok(metadata) => metadata,
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    path.extend(&components[index + 1..]);
                    return Ok(path);
                }
                Err(source) => return Err(Error::Read { path, source }),
            };
            let is_last = index + 1 == components.len();
            if metadata.file_type().is_symlink() {
                if is_last {
                    return Err(Error::SymlinkFile { path });
                }
                let target = fs::canonicalize(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                if !target.starts_with(&self.root) {
                    return Err(Error::SymlinkEscape {
                        path,
                        root: self.root.clone(),
                    });
                }
            } else if is_last && !metadata.is_file() {
                return Err(Error::NotAFile { path });
            }
        }
        Ok(path)
    }

    /// Applies every `create`, `update` and `delete` of the plan, or none of them.
    pub fn apply(&self, plan: &Plan) -> Result<(), Error> {
        let mut undo = Undo::default();
        let result = self.apply_inner(plan, &mut undo);
        if result.is_err() {
            undo.run();
        }
        result
    }

    fn apply_inner(&self, plan: &Plan, undo: &mut Undo) -> Result<(), Error> {
        let mut staged = Vec::new();
        for entry in plan
            .entries
            .iter()
            .filter(|e| matches!(e.action, Action::Create | Action::Update))
        {
            let target = self.resolve(&entry.path)?;
            let parent = target.parent().expect("a resolved file has a parent");
            undo.create_dirs(parent).map_err(|source| Error::Write {
                path: parent.to_owned(),
                source,
            })?;
            let file_name = target.file_name().expect("a file name").to_string_lossy();
            let temporary = parent.join(format!(
                ".{file_name}.python-ddd-{}.tmp",
                std::process::id()
            ));
            undo.temporaries.push(temporary.clone());
            let content = entry.generated.as_deref().unwrap_or_default();
            fs::write(&temporary, content).map_err(|source| Error::Write {
                path: temporary.clone(),
                source,
            })?;
            staged.push((temporary, target, entry.current.clone()));
        }
        for (temporary, target, previous) in staged {
            fs::rename(&temporary, &target).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
            undo.temporaries.retain(|t| *t != temporary);
            undo.replaced.push((target, previous));
        }
        for entry in plan.entries.iter().filter(|e| e.action == Action::Delete) {
            let target = self.resolve(&entry.path)?;
            fs::remove_file(&target).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
            undo.replaced.push((target, entry.current.clone()));
        }
        Ok(())
    }
}

impl Source for Workspace {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        let absolute = self.resolve(path)?;
        match fs::read(&absolute) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| Error::NotText {
                    path: path.to_owned(),
                }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Read {
                path: absolute,
                source,
            }),
        }
    }
}

/// What a failed apply must take back, newest first.
#[derive(Debug, Default)]
struct Undo {
    created_dirs: Vec<PathBuf>,
    temporaries: Vec<PathBuf>,
    /// A file now in place (or removed), with what was there before (`None`: nothing).
    replaced: Vec<(PathBuf, Option<String>)>,
}

impl Undo {
    /// `create_dir_all`, remembering each folder it made.
    fn create_dirs(&mut self, dir: &Path) -> io::Result<()> {
        let mut missing = Vec::new();
        let mut cursor = Some(dir);
        while let Some(path) = cursor {
            if path.exists() {
                break;
            }
            missing.push(path.to_owned());
            cursor = path.parent();
        }
        for path in missing.into_iter().rev() {
            fs::create_dir(&path)?;
            self.created_dirs.push(path);
        }
        Ok(())
    }

    /// Best effort: every step is tried even if an earlier one fails.
    fn run(self) {
        for temporary in &self.temporaries {
            let _ = fs::remove_file(temporary);
        }
        for (path, previous) in self.replaced.iter().rev() {
            let _ = match previous {
                Some(content) => fs::write(path, content),
                None => fs::remove_file(path),
            };
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Entry;

    fn entry(path: &str, action: Action, current: Option<&str>, generated: Option<&str>) -> Entry {
        Entry {
            path: path.into(),
            action,
            current: current.map(Into::into),
            generated: generated.map(Into::into),
            forced: false,
        }
    }

    #[test]
    fn applies_creates_updates_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).unwrap();
        fs::write(dir.path().join("old.txt"), "old").unwrap();
        fs::write(dir.path().join("gone.txt"), "gone").unwrap();
        let plan = Plan {
            root: String::new(),
            entries: vec![
                entry("a/b/new.txt", Action::Create, None, Some("new")),
                entry("old.txt", Action::Update, Some("old"), Some("updated")),
                entry("gone.txt", Action::Delete, Some("gone"), None),
            ],
        };
        workspace.apply(&plan).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a/b/new.txt")).unwrap(),
            "new"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("old.txt")).unwrap(),
            "updated"
        );
        assert!(!dir.path().join("gone.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("a/b")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files remain");
    }

    #[test]
    fn a_failure_leaves_the_tree_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).unwrap();
        fs::write(dir.path().join("old.txt"), "old").unwrap();
        // `blocker` is a file, so `blocker/x.txt` cannot be created: the run must fail and undo.
        fs::write(dir.path().join("blocker"), "").unwrap();
        let plan = Plan {
            root: String::new(),
            entries: vec![
                entry("new/dir/a.txt", Action::Create, None, Some("a")),
                entry("old.txt", Action::Update, Some("old"), Some("updated")),
                entry("blocker/x.txt", Action::Create, None, Some("x")),
            ],
        };
        assert!(workspace.apply(&plan).is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("old.txt")).unwrap(),
            "old"
        );
        assert!(!dir.path().join("new").exists());
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["blocker", "old.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("libs")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("target.txt"), dir.path().join("link.txt"))
            .unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("inside")).unwrap();
        let workspace = Workspace::open(dir.path()).unwrap();
        assert!(matches!(
            workspace.read("libs/orders/x.py"),
            Err(Error::SymlinkEscape { .. })
        ));
        assert!(matches!(
            workspace.read("link.txt"),
            Err(Error::SymlinkFile { .. })
        ));
        assert_eq!(workspace.read("inside/x.py").unwrap(), None);
    }
}
