//! Stage 5, tree: the generated files as `path → content`, sorted, with normalised text, so the
//! same options give byte-identical output on every run and machine.

use std::collections::BTreeMap;

/// Generated files keyed by their path relative to the workspace root (`/`-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    files: BTreeMap<String, String>,
}

impl Tree {
    /// Adds a file, normalising its text: LF line endings, no trailing whitespace on lines, and
    /// exactly one trailing newline (a file with no text stays empty). Returns the previous content
    /// when the path was already taken.
    pub fn insert(&mut self, path: String, content: &str) -> Option<String> {
        self.files.insert(path, normalise(content))
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(path, content)| (path.as_str(), content.as_str()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// LF endings, no trailing blanks, one final newline; blank-only text becomes empty.
pub fn normalise(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 1);
    for line in content.replace("\r\n", "\n").split('\n') {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let trimmed = out.trim_end_matches('\n');
    if trimmed.trim().is_empty() {
        return String::new();
    }
    let mut text = trimmed.to_owned();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_text() {
        assert_eq!(normalise("a  \r\nb\n\n\n"), "a\nb\n");
        assert_eq!(normalise("x"), "x\n");
        assert_eq!(normalise("\n \n"), "");
        assert_eq!(normalise("a\n\n\nb\n"), "a\n\n\nb\n");
    }

    #[test]
    fn keeps_paths_sorted() {
        let mut tree = Tree::default();
        tree.insert("b/x.py".into(), "1");
        tree.insert("a/y.py".into(), "2");
        assert_eq!(tree.paths().collect::<Vec<_>>(), ["a/y.py", "b/x.py"]);
    }
}
