//! The manifest `<root>/.python-ddd.json`, written beside the generated files: which generator made
//! them, with which options, and a hash of each file's generated content. It is how a re-run tells
//! a file the user edited (content ≠ last generated) from one it may update.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::paths;

/// The manifest's file name inside the context root.
pub const FILE_NAME: &str = ".python-ddd.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    pub version: String,
    /// The options as validated, defaults applied (without run flags such as `force`).
    pub options: Value,
    /// What else the run rendered that `options` do not state (the context's aggregates after
    /// the root, as the spec lists them): with `options`, what renders the recorded output again,
    /// the merge base of the next run's three-way merges. Opaque here; the generator reads it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<Value>,
    /// Path relative to the context root → SHA-256 of the generated content.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        text.push('\n');
        text
    }

    /// Parses the manifest at the workspace-relative `path`. Every `files` key must be a plain
    /// relative path (it is joined to the context folder, and a re-run may delete what it names):
    /// the first one that is not is an error naming it.
    pub fn parse(path: &str, text: &str) -> Result<Self, Error> {
        let manifest: Self = serde_json::from_str(text).map_err(|e| Error::Manifest {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        for entry in manifest.files.keys() {
            paths::check_relative(entry).map_err(|flaw| Error::ManifestEntry {
                path: path.to_owned(),
                entry: entry.clone(),
                flaw,
            })?;
        }
        Ok(manifest)
    }
}

/// Lowercase hex SHA-256 of a file's content.
pub fn hash(content: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // A table rather than `write!("{byte:02x}")`: the formatting machinery cost more per file
    // than the rest of this function outside SHA-256 itself.
    let mut out = String::with_capacity(64);
    for &byte in ring::digest::digest(&ring::digest::SHA256, content.as_bytes()).as_ref() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn round_trips() {
        let manifest = Manifest {
            generator: "domain".into(),
            version: "0.1.0".into(),
            options: serde_json::json!({ "name": "orders" }),
            aggregates: Vec::new(),
            files: BTreeMap::from([("README.md".into(), hash("x"))]),
        };
        assert_eq!(Manifest::parse("m", &manifest.to_text()).unwrap(), manifest);
        assert!(matches!(
            Manifest::parse("m", "{"),
            Err(Error::Manifest { .. })
        ));
    }

    #[test]
    fn wrong_types_name_the_manifest() {
        let error = Manifest::parse(
            "libs/orders/.python-ddd.json",
            r#"{"generator":"domain","version":"0","options":{},"files":[]}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the manifest `libs/orders/.python-ddd.json` is broken: invalid type: sequence, \
             expected a map at line 1 column 57; restore it from version control (or delete it: \
             every existing file then counts as yours)"
        );
    }

    #[test]
    fn entries_must_be_plain_relative_paths() {
        for (entry, flaw) in [
            ("../../../elsewhere/file.txt", paths::PathFlaw::DotDot),
            ("/etc/passwd", paths::PathFlaw::Absolute),
            ("a//b", paths::PathFlaw::EmptyComponent),
        ] {
            let text = serde_json::json!({
                "generator": "domain", "version": "0", "options": {},
                "files": { "ok.py": hash(""), entry: hash("") },
            })
            .to_string();
            match Manifest::parse("libs/orders/.python-ddd.json", &text) {
                Err(Error::ManifestEntry {
                    path,
                    entry: named,
                    flaw: found,
                }) => {
                    assert_eq!(path, "libs/orders/.python-ddd.json");
                    assert_eq!(named, entry);
                    assert_eq!(found, flaw);
                }
                other => panic!("{entry}: {other:?}"),
            }
        }
    }
}
