//! The contexts on disk: every context manifest under the workspace root, for a generator that
//! adds to an existing context (`aggregate`) to resolve its `context` option against
//! (`python_ddd_core::contexts`).

use std::collections::BTreeMap;
use std::path::Path;

use python_ddd_core::contexts::{MAX_DEPTH, SKIPPED_DIRS};
use python_ddd_core::manifest;

/// Workspace-relative manifest path → its text, for every manifest at most [`MAX_DEPTH`] folders
/// below `root`. Links are not followed (a context is a real folder inside the workspace), and
/// what cannot be read is not a context to offer.
pub fn manifests(root: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    visit(root, "", 1, &mut found);
    found
}

fn visit(dir: &Path, relative: &str, depth: usize, found: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = if relative.is_empty() {
            name.clone()
        } else {
            format!("{relative}/{name}")
        };
        if kind.is_file() && name == manifest::FILE_NAME {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                found.insert(path, text);
            }
        } else if kind.is_dir() && depth < MAX_DEPTH && !SKIPPED_DIRS.contains(&name.as_str()) {
            visit(&entry.path(), &path, depth + 1, found);
        }
    }
}
