//! Stage 7, apply: write a plan to disk, all or nothing, never outside the workspace root, and
//! recoverably if the process dies half-way.
//!
//! A run is a [`Session`] on one context folder: it holds the context's lock ([`crate::lock`]),
//! removes temporary files a killed run left, and recovers the manifest from a leftover journal
//! ([`crate::journal`]) before anything is planned. [`Workspace::apply`] then:
//!
//! 1. writes the journal (what it is about to write, and the new manifest);
//! 2. writes every new content to a fresh temporary file beside its target — an unpredictable
//!    name, created exclusively (`O_EXCL`), so no link planted in advance is ever opened — with the
//!    target's old mode for an update;
//! 3. renames them into place (a rename replaces a link planted at the target instead of writing
//!    through it), then deletes what is no longer generated;
//! 4. renames the new manifest into place, last, so it never records a file before it is there;
//! 5. removes the journal.
//!
//! If a step fails, what was done is undone (old contents and modes back, new files and folders
//! removed). Paths are resolved component by component; a symbolic link that leads outside the
//! root is refused, and a generated file is never written through a link.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::failpoint;
use crate::journal::{self, Journal};
use crate::lock::{self, ContextLock};
use crate::manifest::{self, Manifest};
use crate::paths;
use crate::plan::{Action, Entry, Plan, Source};

/// How every temporary file's name ends: `.<file>.<random>.python-ddd.tmp`. A run removes any
/// file so named under its context folder (a killed run's leftovers).
pub const TEMP_SUFFIX: &str = ".python-ddd.tmp";

/// The workspace on disk, rooted at a canonical folder.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
}

/// What the last component of a resolved path must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// A regular file (or nothing yet), never a link.
    File,
    /// A folder (or nothing yet); a link to a folder inside the root is followed.
    Folder,
}

impl Workspace {
    /// Opens the workspace root without creating it: a dry run must not leave even a folder
    /// behind, so a run that writes creates the folders it needs in [`Workspace::session`]. A
    /// root that does not exist yet is its nearest existing ancestor, canonical, joined with the
    /// rest (which, missing, holds no link).
    pub fn open(root: &Path) -> Result<Self, Error> {
        let root_error = |source| Error::Root {
            path: root.to_owned(),
            source,
        };
        let absolute = std::path::absolute(root).map_err(root_error)?;
        let mut existing = absolute.as_path();
        let mut missing = Vec::new();
        while fs::symlink_metadata(existing).is_err() {
            let Some(parent) = existing.parent() else {
                break;
            };
            missing.push(existing.file_name().map(ToOwned::to_owned));
            existing = parent;
        }
        let mut canonical = fs::canonicalize(existing).map_err(root_error)?;
        for component in missing.into_iter().rev() {
            match component {
                Some(name) => canonical.push(name),
                // `..` (a missing folder's parent, lexically: no link to follow)
                None => {
                    canonical.pop();
                }
            }
        }
        if canonical.exists() && !canonical.is_dir() {
            return Err(root_error(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a folder",
            )));
        }
        Ok(Self { root: canonical })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The absolute path of a workspace-relative path, refusing symbolic links that lead out of the
    /// root and links in the file's own place.
    fn resolve(&self, relative: &str, want: Want) -> Result<PathBuf, Error> {
        // Plans only hold checked paths; this keeps a future caller from joining an unchecked one.
        paths::check_relative(relative).map_err(|flaw| Error::UnsafePath {
            path: relative.to_owned(),
            flaw,
        })?;
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
                if is_last && want == Want::File {
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
                if is_last && !target.is_dir() {
                    return Err(Error::NotAFolder { path });
                }
            } else if is_last && want == Want::File && !metadata.is_file() {
                return Err(Error::NotAFile { path });
            } else if is_last && want == Want::Folder && !metadata.is_dir() {
                return Err(Error::NotAFolder { path });
            }
        }
        Ok(path)
    }

    /// Starts a run on the context folder `context` (workspace-relative): waits for its lock (see
    /// [`crate::lock`]), then, unless `dry_run`, removes temporary files a killed run left and
    /// repairs the manifest from a leftover journal. A dry run changes nothing: it takes a shared
    /// lock only if the folder exists and reads the manifest as the repair would write it.
    pub fn session(&self, context: &str, dry_run: bool) -> Result<Session<'_>, Error> {
        let mut session = Session {
            workspace: self,
            manifest_path: context_path(context, manifest::FILE_NAME),
            journal_path: context_path(context, journal::FILE_NAME),
            recovered_manifest: None,
            created_dirs: Vec::new(),
            lock: None,
        };
        let folder = self.resolve(context, Want::Folder)?;
        if dry_run {
            if folder.exists() {
                session.lock = Some(lock::acquire(&folder, lock::Mode::Shared, lock::timeout())?);
                session.recovered_manifest = self.recover(&session, false)?;
            }
            return Ok(session);
        }
        session.lock = Some(Self::lock_creating(&folder, &mut session.created_dirs)?);
        // Temporary files only ever exist in the context folder (the journal's, the manifest's)
        // or, while a journal exists, beside the files it lists: recovery cleans those.
        remove_temporaries_in(&folder)?;
        self.recover(&session, true)?;
        Ok(session)
    }

    /// Creates the context folder if needed and locks it exclusively. The folder can vanish while
    /// we wait (a failed first run removes the folder it made): then make it again.
    fn lock_creating(folder: &Path, created: &mut Vec<PathBuf>) -> Result<ContextLock, Error> {
        let mut attempts = 0;
        loop {
            create_dirs(folder, created).map_err(|source| Error::Write {
                path: folder.to_owned(),
                source,
            })?;
            match lock::acquire(folder, lock::Mode::Exclusive, lock::timeout()) {
                Err(Error::Lock { source, .. })
                    if source.kind() == io::ErrorKind::NotFound && attempts < 10 =>
                {
                    attempts += 1;
                }
                result => return result,
            }
        }
    }

    /// Applies a leftover journal: returns the manifest it recovers (and, when `write`, puts it in
    /// place and removes the journal). `None` when there is no journal.
    fn recover(&self, session: &Session<'_>, write: bool) -> Result<Option<String>, Error> {
        let Some(text) = self.read(&session.journal_path)? else {
            return Ok(None);
        };
        let journal = Journal::parse(&session.journal_path, &text)?;
        let previous = self
            .read(&session.manifest_path)?
            .map(|text| Manifest::parse(&session.manifest_path, &text))
            .transpose()?;
        let context = session
            .manifest_path
            .strip_suffix(manifest::FILE_NAME)
            .unwrap_or_default();
        let recovered = journal.recover(previous.as_ref(), |relative| {
            Ok(self
                .read(&format!("{context}{relative}"))?
                .map(|content| manifest::hash(&content)))
        })?;
        if write {
            let folders: std::collections::BTreeSet<&str> = journal
                .files
                .keys()
                .filter_map(|relative| relative.rsplit_once('/').map(|(folder, _)| folder))
                .collect();
            for folder in folders {
                remove_temporaries_in(&self.resolve(&format!("{context}{folder}"), Want::Folder)?)?;
            }
            let target = self.resolve(&session.manifest_path, Want::File)?;
            if previous.as_ref().map(Manifest::to_text).as_deref() != Some(recovered.as_str()) {
                failpoint::hit("recover");
                let mode = permissions_of(&target)?;
                stage(&target, &recovered, mode)?
                    .persist(&target)
                    .map_err(|e| Error::Write {
                        path: target.clone(),
                        source: e.error,
                    })?;
            }
            failpoint::hit("recover");
            let journal_file = self.resolve(&session.journal_path, Want::File)?;
            fs::remove_file(&journal_file).map_err(|source| Error::Write {
                path: journal_file,
                source,
            })?;
        }
        Ok(Some(recovered))
    }

    /// Applies every `create`, `update` and `delete` of the plan, or none of them; the manifest
    /// last, under a journal (module docs).
    pub fn apply(&self, plan: &Plan) -> Result<(), Error> {
        let manifest_path = context_path(&plan.root, manifest::FILE_NAME);
        let manifest_entry = plan.entries.iter().find(|e| e.path == manifest_path);
        let files: Vec<&Entry> = plan
            .entries
            .iter()
            .filter(|e| e.writes() && e.path != manifest_path)
            .collect();
        let journal = match manifest_entry {
            Some(entry) if !files.is_empty() => Some(self.write_journal(plan, entry, &files)?),
            _ => None,
        };
        let mut undo = Undo::default();
        let mut result = self.write(&files, "rename", &mut undo);
        if let (Ok(()), Some(entry)) = (&result, manifest_entry)
            && entry.action.writes()
        {
            result = self.write(&[entry], "manifest", &mut undo);
        }
        match result {
            Ok(()) => {
                if let Some(journal) = journal {
                    failpoint::hit("journal");
                    fs::remove_file(&journal).map_err(|source| Error::Write {
                        path: journal,
                        source,
                    })?;
                }
                Ok(())
            }
            Err(error) => {
                // A journal whose undo failed half-way stays: the next run recovers from it.
                if undo.run()
                    && let Some(journal) = journal
                {
                    let _ = fs::remove_file(journal);
                }
                Err(error)
            }
        }
    }

    fn write_journal(
        &self,
        plan: &Plan,
        manifest: &Entry,
        files: &[&Entry],
    ) -> Result<PathBuf, Error> {
        let prefix = if plan.root.is_empty() {
            String::new()
        } else {
            format!("{}/", plan.root)
        };
        let relative = |entry: &Entry| {
            entry
                .path
                .strip_prefix(&prefix)
                .unwrap_or(&entry.path)
                .to_owned()
        };
        let journal = Journal {
            manifest: manifest.generated.clone().unwrap_or_default(),
            files: files
                .iter()
                .map(|entry| {
                    let hash = match (entry.action, &entry.merged) {
                        (Action::Delete, _) => None,
                        (_, Some(merged)) => Some(manifest::hash(merged)),
                        (_, None) => entry.generated_hash.clone(),
                    };
                    (relative(entry), hash)
                })
                .collect(),
            // A merge on disk is the user's edits on top of what we generated: the manifest must
            // record the generated content's hash, never the merge's (that would make the edits
            // look like ours, free to overwrite).
            credit: files
                .iter()
                .filter(|entry| entry.merged.is_some() && entry.action != Action::Delete)
                .filter_map(|entry| Some((relative(entry), entry.generated_hash.clone()?)))
                .collect(),
        };
        let target = self.resolve(&context_path(&plan.root, journal::FILE_NAME), Want::File)?;
        let staged = stage(&target, &journal.to_text(), None)?;
        failpoint::hit("journal");
        staged.persist(&target).map_err(|e| Error::Write {
            path: target.clone(),
            source: e.error,
        })?;
        Ok(target)
    }

    /// Stages every create and update, renames them into place (each rename a failpoint named
    /// `rename_step`), then deletes.
    fn write(
        &self,
        entries: &[&Entry],
        rename_step: &'static str,
        undo: &mut Undo,
    ) -> Result<(), Error> {
        let mut staged = Vec::new();
        for entry in entries
            .iter()
            .filter(|e| e.writes() && e.action != Action::Delete)
        {
            let target = self.resolve(&entry.path, Want::File)?;
            let parent = target.parent().expect("a resolved file has a parent");
            create_dirs(parent, &mut undo.created_dirs).map_err(|source| Error::Write {
                path: parent.to_owned(),
                source,
            })?;
            let mode = permissions_of(&target)?;
            let content = entry.content().unwrap_or_default();
            let temporary = stage(&target, content, mode.clone())?;
            let previous = entry.current.clone().map(|content| (content, mode));
            staged.push((temporary, target, previous));
        }
        // Dropping what is left of `staged` on an error removes those temporary files.
        for (temporary, target, previous) in staged {
            failpoint::hit(rename_step);
            temporary.persist(&target).map_err(|e| Error::Write {
                path: target.clone(),
                source: e.error,
            })?;
            undo.replaced.push((target, previous));
        }
        for entry in entries.iter().filter(|e| e.action == Action::Delete) {
            let target = self.resolve(&entry.path, Want::File)?;
            let mode = permissions_of(&target)?;
            failpoint::hit("delete");
            fs::remove_file(&target).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
            undo.replaced
                .push((target, entry.current.clone().map(|content| (content, mode))));
        }
        Ok(())
    }
}

/// `<context>/<name>`, or `name` for the workspace root itself.
fn context_path(context: &str, name: &str) -> String {
    if context.is_empty() {
        name.to_owned()
    } else {
        format!("{context}/{name}")
    }
}

/// The permissions of an existing file, to carry over to its replacement (an update keeps a
/// user's `0755` or `0600`); `None` when there is no file.
fn permissions_of(path: &Path) -> Result<Option<fs::Permissions>, Error> {
    match fs::symlink_metadata(path) {
        Ok(metadata) => Ok(Some(metadata.permissions())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// A new temporary file beside `target` holding `content`: an unpredictable name, created with
/// `O_EXCL` (an existing path, link or not, is never opened), with `mode` if given or the default
/// mode for new files (0666 less the umask, as any new file gets).
fn stage(
    target: &Path,
    content: &str,
    mode: Option<fs::Permissions>,
) -> Result<tempfile::NamedTempFile, Error> {
    let parent = target.parent().expect("a resolved file has a parent");
    let name = target
        .file_name()
        .expect("a resolved file has a name")
        .to_string_lossy();
    let write_error = |source| Error::Write {
        path: parent.join(format!(".{name}.*{TEMP_SUFFIX}")),
        source,
    };
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{name}.");
    builder.prefix(&prefix).suffix(TEMP_SUFFIX).rand_bytes(12);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    failpoint::hit("create");
    let mut temporary = builder.tempfile_in(parent).map_err(write_error)?;
    failpoint::hit("write");
    temporary
        .write_all(content.as_bytes())
        .map_err(write_error)?;
    if let Some(mode) = mode {
        temporary
            .as_file()
            .set_permissions(mode)
            .map_err(write_error)?;
    }
    Ok(temporary)
}

/// `create_dir_all`, remembering each folder it made.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(path) = cursor {
        if fs::symlink_metadata(path).is_ok() {
            break;
        }
        missing.push(path.to_owned());
        cursor = path.parent();
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path)?;
        created.push(path);
    }
    Ok(())
}

/// Removes every `*.python-ddd.tmp` in `folder` (not below it; a link is removed, not followed):
/// what a killed run left. Only a run holding the context's exclusive lock calls this, so none is
/// in use. A missing folder has none.
fn remove_temporaries_in(folder: &Path) -> Result<(), Error> {
    let read_error = |source| Error::Read {
        path: folder.to_owned(),
        source,
    };
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(read_error(source)),
    };
    for entry in entries {
        let entry = entry.map_err(read_error)?;
        let file_type = entry.file_type().map_err(read_error)?;
        if !file_type.is_dir() && entry.file_name().to_string_lossy().ends_with(TEMP_SUFFIX) {
            fs::remove_file(entry.path()).map_err(|source| Error::Write {
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
}

impl Source for Workspace {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        let absolute = self.resolve(path, Want::File)?;
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

/// One run on one context: holds its lock until dropped. Plan against it (it reads the disk,
/// with the manifest as recovery left it) and apply through it.
#[derive(Debug)]
pub struct Session<'w> {
    workspace: &'w Workspace,
    manifest_path: String,
    journal_path: String,
    /// A dry run's view of the manifest a leftover journal repairs (a real run wrote it).
    recovered_manifest: Option<String>,
    /// Folders made to hold the lock; removed again if the run leaves them empty.
    created_dirs: Vec<PathBuf>,
    lock: Option<ContextLock>,
}

impl Session<'_> {
    pub fn apply(&self, plan: &Plan) -> Result<(), Error> {
        self.workspace.apply(plan)
    }

    /// What the session locked, if anything (a dry run on a missing folder locks nothing).
    pub fn lock_path(&self) -> Option<&Path> {
        self.lock.as_ref().map(ContextLock::path)
    }
}

impl Source for Session<'_> {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        match &self.recovered_manifest {
            Some(text) if path == self.manifest_path => Ok(Some(text.clone())),
            _ => self.workspace.read(path),
        }
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        // Only empty folders go: a run that wrote nothing leaves no trace.
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// A replaced file's old content and mode.
type Previous = (String, Option<fs::Permissions>);

/// What a failed apply must take back, newest first.
#[derive(Debug, Default)]
struct Undo {
    created_dirs: Vec<PathBuf>,
    /// A file now in place (or removed), with what was there before (`None`: nothing) and its mode.
    replaced: Vec<(PathBuf, Option<Previous>)>,
}

impl Undo {
    /// Best effort: every step is tried even if an earlier one fails. Returns whether all worked.
    fn run(self) -> bool {
        let mut clean = true;
        for (path, previous) in self.replaced.iter().rev() {
            let restored = match previous {
                Some((content, mode)) => stage(path, content, mode.clone())
                    .and_then(|t| {
                        t.persist(path).map(drop).map_err(|e| Error::Write {
                            path: path.clone(),
                            source: e.error,
                        })
                    })
                    .is_ok(),
                None => fs::remove_file(path).is_ok(),
            };
            clean &= restored;
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        clean
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
            generated_hash: generated.map(manifest::hash),
            forced: false,
            recorded: None,
            merged: None,
            write_markers: false,
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

    /// A failure after files were renamed into place (here: a delete of a file that vanished)
    /// puts back the old contents with their modes, removes new files, leaves the manifest alone
    /// and removes the journal.
    #[cfg(unix)]
    #[test]
    fn a_late_failure_restores_contents_and_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ctx = dir.path().join("ctx");
        fs::create_dir(&ctx).unwrap();
        fs::write(ctx.join(".python-ddd.json"), "{}\n").unwrap();
        fs::write(ctx.join("old.txt"), "old").unwrap();
        fs::set_permissions(ctx.join("old.txt"), fs::Permissions::from_mode(0o750)).unwrap();
        let workspace = Workspace::open(dir.path()).unwrap();
        let plan = Plan {
            root: "ctx".into(),
            entries: vec![
                entry(
                    "ctx/.python-ddd.json",
                    Action::Update,
                    Some("{}\n"),
                    Some("{\"new\": 1}\n"),
                ),
                entry("ctx/gone.txt", Action::Delete, Some("gone"), None),
                entry("ctx/new.txt", Action::Create, None, Some("new")),
                entry("ctx/old.txt", Action::Update, Some("old"), Some("updated")),
            ],
        };
        assert!(matches!(workspace.apply(&plan), Err(Error::Write { .. })));
        assert_eq!(fs::read_to_string(ctx.join("old.txt")).unwrap(), "old");
        let mode = fs::metadata(ctx.join("old.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o750);
        let mut names: Vec<_> = fs::read_dir(&ctx)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, [".python-ddd.json", "old.txt"]);
        assert_eq!(
            fs::read_to_string(ctx.join(".python-ddd.json")).unwrap(),
            "{}\n"
        );
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
