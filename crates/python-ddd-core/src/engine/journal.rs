//! The write-ahead journal `<context>/.python-ddd.journal` that makes a crashed run recoverable.
//!
//! Before apply changes any file it writes the journal: the manifest it is about to write and, for
//! every file it will create, update or delete, the hash of the new content (`null` for a delete).
//! Then it renames the files into place, then the manifest, then removes the journal. A run killed
//! in between leaves files that are the generator's new output while the manifest on disk still
//! records the old hashes: the next run would call them edited by the user. So a run that finds a
//! journal first *recovers*: every journalled file whose content on disk now has the journalled
//! hash was written by us, and the manifest is corrected to say so (a journalled delete that
//! happened drops its entry). Files not yet renamed still match the old manifest. Recovery is
//! idempotent, so a crash during recovery is recovered by the run after.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::manifest::Manifest;
use crate::paths;

/// The journal's file name inside the context folder.
pub const FILE_NAME: &str = ".python-ddd.journal";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// The manifest the run was about to write, as text.
    pub manifest: String,
    /// Path relative to the context folder → hash of the new content, `None` for a delete.
    pub files: BTreeMap<String, Option<String>>,
    /// Path → the hash the manifest records once the file landed, for a file whose new content is
    /// not the generator's output (a three-way merge: the manifest records what we generated, so
    /// the merged-in edits stay the user's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credit: BTreeMap<String, String>,
}

impl Journal {
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a journal always serialises");
        text.push('\n');
        text
    }

    /// Parses the journal at the workspace-relative `path`, holding its paths to the manifest's
    /// standard.
    pub fn parse(path: &str, text: &str) -> Result<Self, Error> {
        let broken = |message: String| Error::Journal {
            path: path.to_owned(),
            message,
        };
        let journal: Self = serde_json::from_str(text).map_err(|e| broken(e.to_string()))?;
        for entry in journal.files.keys().chain(journal.credit.keys()) {
            paths::check_relative(entry)
                .map_err(|flaw| broken(format!("the entry `{entry}` is refused: {flaw}")))?;
        }
        Manifest::parse(path, &journal.manifest)
            .map_err(|e| broken(format!("its manifest is broken: {e}")))?;
        Ok(journal)
    }

    /// The manifest that tells the truth after a crash. `previous` is the manifest on disk (if
    /// any); `on_disk` gives the hash of a context-relative file's content now (`None`: missing).
    /// Returns the recovered manifest's text.
    pub fn recover(
        &self,
        previous: Option<&Manifest>,
        mut on_disk: impl FnMut(&str) -> Result<Option<String>, Error>,
    ) -> Result<String, Error> {
        let intended = Manifest::parse("journal", &self.manifest)?;
        let mut recovered = previous.cloned().unwrap_or_else(|| Manifest {
            files: BTreeMap::new(),
            ..intended.clone()
        });
        for (path, new_hash) in &self.files {
            let current = on_disk(path)?;
            match new_hash {
                Some(new_hash) if current.as_ref() == Some(new_hash) => {
                    let credited = self.credit.get(path).unwrap_or(new_hash);
                    recovered.files.insert(path.clone(), credited.clone());
                }
                None if current.is_none() => {
                    recovered.files.remove(path);
                }
                _ => {}
            }
        }
        // Every step landed (the crash came after the files, or after the manifest too): the
        // intended manifest, options included, is the truth.
        if recovered.files == intended.files {
            return Ok(self.manifest.clone());
        }
        Ok(recovered.to_text())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::manifest;

    fn manifest(files: &[(&str, &str)]) -> Manifest {
        Manifest {
            generator: "domain".into(),
            version: "0".into(),
            options: json!({ "n": files.len() }),
            aggregates: Vec::new(),
            files: files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), manifest::hash(c)))
                .collect(),
        }
    }

    #[test]
    fn recovery_credits_what_landed_and_nothing_else() {
        let previous = manifest(&[("a", "a1"), ("b", "b1"), ("gone", "g"), ("stays", "s")]);
        let intended = manifest(&[("a", "a2"), ("b", "b2"), ("new", "n"), ("stays", "s")]);
        let journal = Journal {
            manifest: intended.to_text(),
            files: BTreeMap::from([
                ("a".into(), Some(manifest::hash("a2"))),
                ("b".into(), Some(manifest::hash("b2"))),
                ("new".into(), Some(manifest::hash("n"))),
                ("gone".into(), None),
            ]),
            credit: BTreeMap::new(),
        };
        // `a` and `new` landed, `b` did not, `gone` was deleted.
        let disk = BTreeMap::from([("a", "a2"), ("b", "b1"), ("new", "n"), ("stays", "s")]);
        let text = journal
            .recover(Some(&previous), |p| {
                Ok(disk.get(p).map(|c| manifest::hash(c)))
            })
            .unwrap();
        let recovered = Manifest::parse("m", &text).unwrap();
        let expected = Manifest {
            files: manifest(&[("a", "a2"), ("b", "b1"), ("new", "n"), ("stays", "s")]).files,
            ..previous.clone()
        };
        assert_eq!(recovered, expected);

        // Everything landed: the intended manifest, byte for byte.
        let disk = BTreeMap::from([("a", "a2"), ("b", "b2"), ("new", "n"), ("stays", "s")]);
        let text = journal
            .recover(Some(&previous), |p| {
                Ok(disk.get(p).map(|c| manifest::hash(c)))
            })
            .unwrap();
        assert_eq!(text, intended.to_text());

        // Recovery is idempotent.
        let once = Manifest::parse("m", &text).unwrap();
        assert_eq!(
            journal
                .recover(Some(&once), |p| Ok(disk.get(p).map(|c| manifest::hash(c))))
                .unwrap(),
            text
        );
    }

    /// A merged file that landed is credited with the generated content's hash, never the
    /// merge's: the next run must still see the user's edits in it.
    #[test]
    fn a_landed_merge_is_credited_with_what_we_generated() {
        let previous = manifest(&[("m", "gen1"), ("u", "u1")]);
        let intended = manifest(&[("m", "gen2"), ("u", "u2")]);
        let journal = Journal {
            manifest: intended.to_text(),
            files: BTreeMap::from([
                ("m".into(), Some(manifest::hash("gen2+edits"))),
                ("u".into(), Some(manifest::hash("u2"))),
            ]),
            credit: BTreeMap::from([("m".into(), manifest::hash("gen2"))]),
        };
        let round = Journal::parse("j", &journal.to_text()).unwrap();
        assert_eq!(round, journal);
        // Only the merge landed.
        let disk = BTreeMap::from([("m", "gen2+edits"), ("u", "u1")]);
        let text = journal
            .recover(Some(&previous), |p| {
                Ok(disk.get(p).map(|c| manifest::hash(c)))
            })
            .unwrap();
        let recovered = Manifest::parse("m", &text).unwrap();
        assert_eq!(
            recovered.files,
            manifest(&[("m", "gen2"), ("u", "u1")]).files
        );
        // Both landed: the intended manifest.
        let disk = BTreeMap::from([("m", "gen2+edits"), ("u", "u2")]);
        let text = journal
            .recover(Some(&previous), |p| {
                Ok(disk.get(p).map(|c| manifest::hash(c)))
            })
            .unwrap();
        assert_eq!(text, intended.to_text());
    }

    #[test]
    fn a_first_run_crash_recovers_without_a_previous_manifest() {
        let intended = manifest(&[("a", "a"), ("b", "b")]);
        let journal = Journal {
            manifest: intended.to_text(),
            files: BTreeMap::from([
                ("a".into(), Some(manifest::hash("a"))),
                ("b".into(), Some(manifest::hash("b"))),
            ]),
            credit: BTreeMap::new(),
        };
        let text = journal
            .recover(None, |p| Ok((p == "a").then(|| manifest::hash("a"))))
            .unwrap();
        let recovered = Manifest::parse("m", &text).unwrap();
        assert_eq!(recovered.files, manifest(&[("a", "a")]).files);
        assert_eq!(recovered.options, intended.options);
    }

    #[test]
    fn a_tampered_journal_is_refused_by_name() {
        let text = json!({
            "manifest": manifest(&[]).to_text(),
            "files": { "../../x": null },
        })
        .to_string();
        let error = Journal::parse("libs/orders/.python-ddd.journal", &text).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the journal `libs/orders/.python-ddd.journal` left by an interrupted run is broken: the entry `../../x` is refused: it contains `..`; delete it and check the files under its folder"
        );
    }
}
