//! Stage 6b, merge: a file the user edited that this run would change is merged three ways —
//! the previous output (the base), the user's file, the new output — instead of stopping the run.
//!
//! The base is not stored: it is the previous run's output rendered again from what the previous
//! manifest records (its options, which are the spec it rendered, normalised). It is used only when
//! its hash is the one the manifest records for the file; otherwise (the templates changed since,
//! or the manifest was written by hand) there is no trustworthy base and the file stays a conflict.
//! A clean merge is `merged`; overlapping edits stay a conflict that carries the merge with its
//! conflict markers (diff3 style: `<<<<<<< ours` your edits, `||||||| original` the previous
//! output, `>>>>>>> theirs` the new output), which a dry run shows and `conflicts: markers` writes.

use std::collections::BTreeMap;

use crate::manifest;
use crate::plan::{Action, Entry, Plan};

/// The result of merging one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// No edit overlaps a change: the merged text.
    Clean(String),
    /// Some do: the merged text with conflict markers around each overlap.
    Conflicted(String),
}

/// Merges the user's `edited` text and the `generated` one, both descended from `base`.
pub fn three_way(base: &str, edited: &str, generated: &str) -> Merge {
    match diffy::merge(base, edited, generated) {
        Ok(merged) => Merge::Clean(merged),
        Err(marked) => Merge::Conflicted(marked),
    }
}

/// Whether an entry is a conflict a merge could resolve: a file we generated (the manifest records
/// it) that the user edited and that this run changes.
pub fn mergeable(entry: &Entry) -> bool {
    entry.action == Action::Conflict
        && !entry.forced
        && entry.recorded.is_some()
        && entry.current.is_some()
        && entry.generated.is_some()
}

/// Merges every mergeable conflict whose base (`previous`: path → the previous output rendered
/// again) has the hash the manifest recorded. `markers`: a conflict left is to be written with its
/// markers.
pub fn merge_conflicts(plan: &mut Plan, previous: &BTreeMap<String, String>, markers: bool) {
    for entry in plan.entries.iter_mut().filter(|e| mergeable(e)) {
        let Some(base) = previous.get(&entry.path) else {
            continue;
        };
        if entry.recorded.as_deref() != Some(manifest::hash(base).as_str()) {
            continue;
        }
        let (Some(edited), Some(generated)) = (&entry.current, &entry.generated) else {
            continue;
        };
        match three_way(base, edited, generated) {
            Merge::Clean(merged) => {
                entry.action = Action::Merged;
                entry.merged = Some(merged);
            }
            Merge::Conflicted(marked) => {
                entry.merged = Some(marked);
                entry.write_markers = markers;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_edits_merge_and_overlapping_ones_are_marked() {
        let base = "a\nb\nc\nd\ne\n";
        let edited = "a\nmine\nc\nd\ne\n";
        assert_eq!(
            three_way(base, edited, "a\nb\nc\nd\ntheirs\n"),
            Merge::Clean("a\nmine\nc\nd\ntheirs\n".into())
        );
        assert_eq!(
            three_way(base, edited, "a\ntheirs\nc\nd\ne\n"),
            Merge::Conflicted(
                "a\n<<<<<<< ours\nmine\n||||||| original\nb\n=======\ntheirs\n>>>>>>> theirs\nc\nd\ne\n"
                    .into()
            )
        );
    }

    fn conflict(path: &str, recorded: &str, current: &str, generated: &str) -> Entry {
        Entry {
            path: path.into(),
            action: Action::Conflict,
            current: Some(current.into()),
            generated: Some(generated.into()),
            generated_hash: Some(manifest::hash(generated)),
            forced: false,
            recorded: Some(manifest::hash(recorded)),
            merged: None,
            write_markers: false,
        }
    }

    /// Only a base whose hash the manifest recorded is merged with; the others stay conflicts
    /// with nothing to mark.
    #[test]
    fn a_base_that_does_not_render_again_exactly_stays_a_conflict() {
        let mut plan = Plan {
            root: "libs/orders".into(),
            entries: vec![
                conflict("clean", "a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\nd\n"),
                conflict("overlap", "a\nb\nc\n", "a\nB\nc\n", "a\nβ\nc\n"),
                conflict("changed_template", "x\n", "x\nmine\n", "x\ny\n"),
                conflict("no_base", "x\n", "x\nmine\n", "x\ny\n"),
            ],
        };
        let previous = BTreeMap::from([
            ("clean".to_owned(), "a\nb\nc\n".to_owned()),
            ("overlap".to_owned(), "a\nb\nc\n".to_owned()),
            (
                "changed_template".to_owned(),
                "x (older template)\n".to_owned(),
            ),
        ]);
        merge_conflicts(&mut plan, &previous, true);
        let outcome: Vec<(&str, Action, Option<&str>, bool)> = plan
            .entries
            .iter()
            .map(|e| {
                (
                    e.path.as_str(),
                    e.action,
                    e.merged.as_deref(),
                    e.write_markers,
                )
            })
            .collect();
        assert_eq!(
            outcome,
            [
                ("clean", Action::Merged, Some("a\nB\nc\nd\n"), false),
                (
                    "overlap",
                    Action::Conflict,
                    Some(
                        "a\n<<<<<<< ours\nB\n||||||| original\nb\n=======\nβ\n>>>>>>> theirs\nc\n"
                    ),
                    true
                ),
                ("changed_template", Action::Conflict, None, false),
                ("no_base", Action::Conflict, None, false),
            ]
        );
        assert!(!plan.applicable(), "a conflict with no merge stops the run");
        plan.entries.truncate(2);
        assert!(plan.applicable());
        assert_eq!(plan.entries[0].content(), Some("a\nB\nc\nd\n"));
    }
}
