//! The manifest `<root>/.python-ddd.json`, written beside the generated files: which generator made
//! them, with which options, and a hash of each file's generated content. It is how a re-run tells
//! a file the user edited (content ≠ last generated) from one it may update.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The manifest's file name inside the context root.
pub const FILE_NAME: &str = ".python-ddd.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    pub version: String,
    /// The options as validated, defaults applied (without run flags such as `force`).
    pub options: Value,
    /// Path relative to the context root → SHA-256 of the generated content.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        text.push('\n');
        text
    }

    pub fn parse(path: &str, text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| Error::Manifest {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }
}

/// Lowercase hex SHA-256 of a file's content.
pub fn hash(content: &str) -> String {
    use std::fmt::Write;
    Sha256::digest(content.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
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
    }

    #[test]
    fn round_trips() {
        let manifest = Manifest {
            generator: "domain".into(),
            version: "0.1.0".into(),
            options: serde_json::json!({ "name": "orders" }),
            files: BTreeMap::from([("README.md".into(), hash("x"))]),
        };
        assert_eq!(Manifest::parse("m", &manifest.to_text()).unwrap(), manifest);
        assert!(matches!(
            Manifest::parse("m", "{"),
            Err(Error::Manifest { .. })
        ));
    }
}
