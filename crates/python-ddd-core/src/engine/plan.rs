//! Stage 6, plan: what a run would do to each file, given what exists and the previous manifest.
//!
//! | on disk                         | previous manifest says   | new content      | action     |
//! |---------------------------------|--------------------------|------------------|------------|
//! | missing                         | —                        | —                | create     |
//! | equal to the new content        | —                        | —                | unchanged  |
//! | equal to what we last generated | —                        | differs          | update     |
//! | edited by the user              | we generated X           | still X          | kept       |
//! | edited by the user              | we generated X           | now Y            | conflict → merged |
//! | not ours (no manifest entry)    | —                        | differs          | conflict   |
//! | ours, unedited, no longer generated                        | —                | delete     |
//! | ours, edited, no longer generated                          | —                | kept       |
//!
//! `force` turns conflicts into updates. The manifest itself is always rewritten, never a conflict.
//! Without `force`, [`crate::merge`] then merges an edited file's conflict when the previous output
//! can be rendered again exactly: a clean merge becomes `merged`, an overlapping one stays a
//! conflict that carries the merge with its conflict markers.

use serde::Serialize;

use crate::diff;
use crate::error::Error;
use crate::manifest::{self, Manifest};
use crate::tree::Tree;

/// Where a plan reads what exists: the disk (`apply::Workspace`) or the Nx tree's files.
pub trait Source {
    /// The text of the file at a workspace-relative path, `None` when there is none.
    fn read(&self, path: &str) -> Result<Option<String>, Error>;
}

impl Source for std::collections::BTreeMap<String, String> {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        Ok(self.get(path).cloned())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Kept,
    /// Your edits merged with the generator's changes (three-way, cleanly).
    Merged,
    Conflict,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Unchanged => "unchanged",
            Self::Kept => "kept",
            Self::Merged => "merged",
            Self::Conflict => "conflict",
            Self::Delete => "delete",
        }
    }

    /// Whether applying the plan touches the file.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Self::Create | Self::Update | Self::Merged | Self::Delete
        )
    }
}

/// One file's fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Workspace-relative path.
    pub path: String,
    pub action: Action,
    /// What exists now.
    pub current: Option<String>,
    /// What the generator wants (`None` for a delete).
    pub generated: Option<String>,
    /// The hash of `generated` ([`manifest::hash`]), from the tree, so the journal need not hash
    /// it again.
    pub generated_hash: Option<String>,
    /// A conflict that `force` turned into an update.
    pub forced: bool,
    /// The hash the previous manifest records for the file (what we generated last time).
    pub recorded: Option<String>,
    /// The three-way merge of your edits with `generated`: clean for `merged`, with conflict
    /// markers for a conflict (see [`crate::merge`]).
    pub merged: Option<String>,
    /// A conflict whose markers the run writes (`conflicts: markers`).
    pub write_markers: bool,
}

impl Entry {
    /// What the run writes, or would: the merge when there is one, else the generated content
    /// (`None` for a delete).
    pub fn content(&self) -> Option<&str> {
        match self.action {
            Action::Delete => None,
            _ => self.merged.as_deref().or(self.generated.as_deref()),
        }
    }

    /// Whether applying the plan writes or deletes the file.
    pub fn writes(&self) -> bool {
        self.action.writes() || self.write_markers
    }

    /// The unified diff current → what the run writes (headers only for an empty new file); for
    /// a conflict, → the merge with its markers when there is one, else → the generated content.
    pub fn diff(&self) -> String {
        diff::unified(
            &format!("a/{}", self.path),
            self.current.as_deref(),
            &format!("b/{}", self.path),
            self.content(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The context folder, workspace-relative.
    pub root: String,
    pub entries: Vec<Entry>,
}

/// Counts per action, in a fixed order for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub kept: usize,
    pub merged: usize,
    pub conflict: usize,
    pub delete: usize,
}

impl Plan {
    pub fn conflicts(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.action == Action::Conflict)
    }

    pub fn has_conflicts(&self) -> bool {
        self.conflicts().next().is_some()
    }

    /// Whether a run may apply the plan: no conflict, or every conflict's markers are to be
    /// written (`conflicts: markers`; a conflict with no merge to mark stops the run).
    pub fn applicable(&self) -> bool {
        self.conflicts().all(|e| e.write_markers)
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for entry in &self.entries {
            *match entry.action {
                Action::Create => &mut summary.create,
                Action::Update => &mut summary.update,
                Action::Unchanged => &mut summary.unchanged,
                Action::Kept => &mut summary.kept,
                Action::Merged => &mut summary.merged,
                Action::Conflict => &mut summary.conflict,
                Action::Delete => &mut summary.delete,
            } += 1;
        }
        summary
    }
}

/// The previous manifest, if any. Whatever is wrong with it is an error naming the manifest, not
/// the option that chose its folder.
pub(crate) fn read_manifest(source: &dyn Source, path: &str) -> Result<Option<Manifest>, Error> {
    let broken = |message: &str| Error::Manifest {
        path: path.to_owned(),
        message: message.to_owned(),
    };
    match source.read(path) {
        Ok(text) => text.map(|text| Manifest::parse(path, &text)).transpose(),
        Err(Error::NotAFile { .. }) => Err(broken("it is not a regular file")),
        Err(Error::SymlinkFile { .. }) => Err(broken("it is a symbolic link")),
        Err(Error::NotText { .. }) => Err(broken("it is not UTF-8 text")),
        Err(error) => Err(error),
    }
}

/// Plans `tree` (which includes the new manifest at `<root>/.python-ddd.json`) against `source`.
/// `inputs` are generated files the run read as its input (like the manifest), with the hash of
/// the content read: while the disk holds that content, it was taken in, so the file is updated,
/// never kept or in conflict.
pub fn plan(
    root: &str,
    tree: &Tree,
    source: &dyn Source,
    force: bool,
    inputs: &[(String, String)],
) -> Result<Plan, Error> {
    let manifest_path = format!("{root}/{}", manifest::FILE_NAME);
    let files = tree.iter().map(|(path, content)| {
        let hash = (path != manifest_path)
            .then(|| tree.hash(path))
            .flatten()
            .map(str::to_owned);
        (path.to_owned(), content.to_owned(), hash)
    });
    plan_files(root, files, source, force, inputs)
}

/// [`plan`] taking the tree's files instead of copying them: the plan is the only copy of the
/// output from here on (at 1,000 fields the output is over 4 MiB, and a copy of it was most of
/// what a run's peak memory held beyond the tree, issue 15).
pub fn plan_owned(
    root: &str,
    tree: Tree,
    source: &dyn Source,
    force: bool,
    inputs: &[(String, String)],
) -> Result<Plan, Error> {
    let manifest_path = format!("{root}/{}", manifest::FILE_NAME);
    let files = tree.into_files(|path| path != manifest_path);
    plan_files(root, files, source, force, inputs)
}

/// The plan of the generated files `(path, content, hash)`, sorted by path; the manifest's own
/// hash is `None` (the journal needs every other written file's hash).
fn plan_files(
    root: &str,
    files: impl Iterator<Item = (String, String, Option<String>)>,
    source: &dyn Source,
    force: bool,
    inputs: &[(String, String)],
) -> Result<Plan, Error> {
    let manifest_path = format!("{root}/{}", manifest::FILE_NAME);
    let previous = read_manifest(source, &manifest_path)?;
    let last_generated = |path: &str| {
        let relative = path.strip_prefix(root)?.strip_prefix('/')?;
        previous.as_ref()?.files.get(relative).map(String::as_str)
    };

    let mut entries = Vec::with_capacity(files.size_hint().0);
    for (path, generated, generated_hash) in files {
        let current = source.read(&path)?;
        let mut forced = false;
        let recorded = last_generated(&path).map(str::to_owned);
        let action = match current.as_deref() {
            None => Action::Create,
            Some(current) if current == generated => Action::Unchanged,
            Some(_) if path == manifest_path => Action::Update,
            Some(current)
                if inputs
                    .iter()
                    .any(|(input, read)| *input == path && *read == manifest::hash(current)) =>
            {
                Action::Update
            }
            Some(current) => match last_generated(&path) {
                Some(last) if last == manifest::hash(current) => Action::Update,
                Some(last) if Some(last) == generated_hash.as_deref() => Action::Kept,
                _ if force => {
                    forced = true;
                    Action::Update
                }
                _ => Action::Conflict,
            },
        };
        entries.push(Entry {
            path,
            action,
            current,
            generated: Some(generated),
            generated_hash,
            forced,
            recorded,
            merged: None,
            write_markers: false,
        });
    }

    if let Some(previous) = &previous {
        let generated = entries.len();
        for (relative, last) in &previous.files {
            let path = format!("{root}/{relative}");
            // The generated entries come first, in the tree's (sorted) order.
            if entries[..generated]
                .binary_search_by(|entry| entry.path.cmp(&path))
                .is_ok()
            {
                continue;
            }
            let Some(current) = source.read(&path)? else {
                continue;
            };
            let action = if manifest::hash(&current) == *last {
                Action::Delete
            } else {
                Action::Kept
            };
            entries.push(Entry {
                path,
                action,
                current: Some(current),
                generated: None,
                generated_hash: None,
                forced: false,
                recorded: Some(last.clone()),
                merged: None,
                write_markers: false,
            });
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(Plan {
        root: root.to_owned(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const ROOT: &str = "libs/orders";

    fn tree(files: &[(&str, &str)], manifest_files: &[(&str, &str)]) -> Tree {
        let mut tree = Tree::default();
        for (path, content) in files {
            tree.insert(format!("{ROOT}/{path}"), *content);
        }
        tree.insert(
            format!("{ROOT}/.python-ddd.json"),
            manifest_text(manifest_files),
        );
        tree
    }

    fn manifest_text(files: &[(&str, &str)]) -> String {
        Manifest {
            generator: "domain".into(),
            version: "test".into(),
            options: serde_json::json!({}),
            aggregates: Vec::new(),
            files: files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), manifest::hash(&crate::tree::normalise(c))))
                .collect(),
        }
        .to_text()
    }

    fn disk(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(p, c)| (format!("{ROOT}/{p}"), crate::tree::normalise(c)))
            .collect()
    }

    fn actions(plan: &Plan) -> Vec<(&str, Action)> {
        plan.entries
            .iter()
            .map(|e| (e.path.strip_prefix("libs/orders/").unwrap(), e.action))
            .collect()
    }

    #[test]
    fn fresh_run_creates_everything() {
        let new = tree(&[("a.py", "a")], &[("a.py", "a")]);
        let plan = plan(ROOT, &new, &BTreeMap::new(), false, &[]).unwrap();
        assert_eq!(
            actions(&plan),
            [
                (".python-ddd.json", Action::Create),
                ("a.py", Action::Create)
            ]
        );
    }

    #[test]
    fn rerun_is_unchanged() {
        let new = tree(&[("a.py", "a")], &[("a.py", "a")]);
        let mut existing = disk(&[("a.py", "a")]);
        existing.insert(
            format!("{ROOT}/.python-ddd.json"),
            manifest_text(&[("a.py", "a")]),
        );
        let plan = plan(ROOT, &new, &existing, false, &[]).unwrap();
        assert_eq!(
            actions(&plan),
            [
                (".python-ddd.json", Action::Unchanged),
                ("a.py", Action::Unchanged)
            ]
        );
    }

    #[test]
    fn edits_are_kept_updates_applied_and_changes_to_edits_conflict() {
        let mut existing = disk(&[
            ("edited_same.py", "mine"),
            ("edited_changed.py", "mine"),
            ("pristine.py", "old"),
            ("foreign.py", "theirs"),
        ]);
        existing.insert(
            format!("{ROOT}/.python-ddd.json"),
            manifest_text(&[
                ("edited_same.py", "gen"),
                ("edited_changed.py", "gen"),
                ("pristine.py", "old"),
                ("stale.py", "s"),
                ("stale_edited.py", "s"),
            ]),
        );
        existing.extend(disk(&[("stale.py", "s"), ("stale_edited.py", "mine")]));
        let new = tree(
            &[
                ("edited_same.py", "gen"),
                ("edited_changed.py", "gen2"),
                ("pristine.py", "new"),
                ("foreign.py", "ours"),
            ],
            &[],
        );
        let planned = plan(ROOT, &new, &existing, false, &[]).unwrap();
        assert_eq!(
            actions(&planned),
            [
                (".python-ddd.json", Action::Update),
                ("edited_changed.py", Action::Conflict),
                ("edited_same.py", Action::Kept),
                ("foreign.py", Action::Conflict),
                ("pristine.py", Action::Update),
                ("stale.py", Action::Delete),
                ("stale_edited.py", Action::Kept),
            ]
        );
        assert_eq!(
            planned.summary(),
            Summary {
                create: 0,
                update: 2,
                unchanged: 0,
                kept: 2,
                merged: 0,
                conflict: 2,
                delete: 1
            }
        );

        let forced = plan(ROOT, &new, &existing, true, &[]).unwrap();
        assert!(!forced.has_conflicts());
        assert!(
            forced
                .entries
                .iter()
                .filter(|e| e.forced)
                .map(|e| e.path.as_str())
                .eq(["libs/orders/edited_changed.py", "libs/orders/foreign.py"])
        );
    }

    /// issue 8: an entry that leads out of the context folder, with the right hash, must not plan
    /// a delete of a file outside the workspace; the error names the entry.
    #[test]
    fn a_manifest_entry_outside_the_context_is_refused() {
        let mut existing = disk(&[]);
        existing.insert("elsewhere/file.txt".into(), "precious\n".into());
        existing.insert(
            format!("{ROOT}/.python-ddd.json"),
            manifest_text(&[("../../elsewhere/file.txt", "precious")]),
        );
        let new = tree(&[("a.py", "a")], &[("a.py", "a")]);
        match plan(ROOT, &new, &existing, true, &[]) {
            Err(Error::ManifestEntry { path, entry, flaw }) => {
                assert_eq!(path, "libs/orders/.python-ddd.json");
                assert_eq!(entry, "../../elsewhere/file.txt");
                assert_eq!(flaw, crate::paths::PathFlaw::DotDot);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_broken_manifest_is_an_error() {
        let mut existing = BTreeMap::new();
        existing.insert(format!("{ROOT}/.python-ddd.json"), "{".to_owned());
        let new = tree(&[], &[]);
        assert!(matches!(
            plan(ROOT, &new, &existing, false, &[]),
            Err(Error::Manifest { .. })
        ));
    }
}
