//! Stage 5, tree: the generated files as `path → content`, sorted, with normalised text, so the
//! same options give byte-identical output on every run and machine.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::OnceLock;

use crate::manifest;
use crate::scan;

/// Generated files keyed by their path relative to the workspace root (`/`-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    files: BTreeMap<String, File>,
}

/// One file's content and, once asked for, its hash. SHA-256 is most of what a run costs
/// (docs/benchmarks.md), and the manifest, the plan and the journal all need the same hashes:
/// each file is hashed once, on first use, and the hash stays with the content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct File {
    content: String,
    hash: OnceLock<String>,
    /// The longest line's length in bytes (at least its columns), found while normalising.
    widest_line: usize,
}

impl File {
    fn hash(&self) -> &str {
        self.hash.get_or_init(|| manifest::hash(&self.content))
    }
}

impl Tree {
    /// Adds a file, normalising its text: LF line endings, no trailing whitespace on lines, and
    /// exactly one trailing newline (a file with no text stays empty). Returns the previous content
    /// when the path was already taken.
    pub fn insert(&mut self, path: String, content: impl Into<String>) -> Option<String> {
        let (content, widest_line) = normalised(content.into());
        let file = File {
            content,
            hash: OnceLock::new(),
            widest_line,
        };
        self.files.insert(path, file).map(|old| old.content)
    }

    /// Adds a file byte for byte, unnormalised: a migration revision carried forward from disk
    /// must stay exactly what was written (see [`crate::history`]).
    pub fn insert_exact(&mut self, path: String, content: String) -> Option<String> {
        let file = File {
            widest_line: scan::widest_line(&content),
            content,
            hash: OnceLock::new(),
        };
        self.files.insert(path, file).map(|old| old.content)
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|file| file.content.as_str())
    }

    /// The length in bytes of the file's longest line (`\n`-separated): a file whose longest line
    /// fits a column limit in bytes fits it in columns too.
    pub fn widest_line(&self, path: &str) -> Option<usize> {
        self.files.get(path).map(|file| file.widest_line)
    }

    /// The SHA-256 hex of the file's content ([`manifest::hash`]), computed at most once.
    pub fn hash(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(File::hash)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(path, file)| (path.as_str(), file.content.as_str()))
    }

    /// Like [`Tree::iter`], with each file's hash (computed at most once per file).
    pub fn iter_hashed(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.files
            .iter()
            .map(|(path, file)| (path.as_str(), file.content.as_str(), file.hash()))
    }

    /// Takes the files out, in path order: `(path, content, hash)`, with the hash (computed at most
    /// once) of each file `wants_hash` names.
    pub fn into_files(
        self,
        mut wants_hash: impl FnMut(&str) -> bool,
    ) -> impl Iterator<Item = (String, String, Option<String>)> {
        self.files.into_iter().map(move |(path, file)| {
            let hash = wants_hash(&path).then(|| file.hash().to_owned());
            (path, file.content, hash)
        })
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

/// [`normalise`] for text the caller owns: rendered templates are almost always normal already,
/// and then they are kept as they are, without the copies `normalise` makes.
fn normalised(content: String) -> (String, usize) {
    if let Some(widest) = normal_widest_line(&content) {
        (content, widest)
    } else {
        let content = normalise(&content);
        let widest = scan::widest_line(&content);
        (content, widest)
    }
}

/// Whether `normalise(content) == content`, in one pass and without allocating: empty, or every
/// line ends in something other than whitespace (so no `\r\n` either: `\r` is whitespace) and
/// the text ends in exactly one newline after a line that is not empty.
#[cfg(test)]
fn is_normal(content: &str) -> bool {
    normal_widest_line(content).is_some()
}

/// The length in bytes of the longest line when `content` is normal ([`is_normal`]), else `None`:
/// the same pass gives both, so reflow and the line-length check need not scan the text again.
fn normal_widest_line(content: &str) -> Option<usize> {
    if content.is_empty() {
        return Some(0);
    }
    let body = content.strip_suffix('\n')?;
    if body.is_empty() || body.ends_with('\n') {
        return None;
    }
    // Only each line's end is looked at, found a word at a time ([`scan`]): splitting into lines
    // costs a `memchr` call per (short) line, more than the whole scan.
    let bytes = body.as_bytes();
    let mut line_start = 0;
    let mut widest = 0;
    let blank_end = scan::each_newline(bytes, |newline| {
        if newline > line_start && ends_in_whitespace(body, newline) {
            return ControlFlow::Break(());
        }
        widest = widest.max(newline - line_start);
        line_start = newline + 1;
        ControlFlow::Continue(())
    });
    let last_ok = body.len() > line_start && !ends_in_whitespace(body, body.len());
    (blank_end.is_continue() && last_ok).then_some(widest.max(body.len() - line_start))
}

/// Whether the character before byte `end` of `text` (not at its start) is whitespace, decoding
/// it only when it is not ASCII.
fn ends_in_whitespace(text: &str, end: usize) -> bool {
    let byte = text.as_bytes()[end - 1];
    if byte.is_ascii() {
        char::from(byte).is_whitespace()
    } else {
        text[..end].ends_with(char::is_whitespace)
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

    /// The fast path agrees with `normalise` on random text made of the characters its rules are
    /// about (`PYTHON_DDD_NORMALISE_SEED`, `PYTHON_DDD_NORMALISE_CASES` pick the seed and count).
    #[test]
    fn owned_text_is_normalised_like_borrowed_text() {
        const PIECES: [&str; 10] = [
            "a", "é", " ", "\t", "\n", "\r", "\r\n", "\u{a0}", "\u{2028}", "\u{b}",
        ];
        let mut rng = crate::test_cases::Cases::from_env("PYTHON_DDD_NORMALISE", 0x2026_1129);
        let (seed, cases) = (rng.seed, rng.count);
        let mut normal = 0;
        for case in 0..cases {
            let length = rng.next() % 12;
            let text: String = (0..length)
                .map(|_| PIECES[rng.below(PIECES.len())])
                .collect();
            let expected = normalise(&text);
            normal += usize::from(expected == text);
            let widest = expected.split('\n').map(str::len).max().unwrap_or(0);
            assert_eq!(
                normalised(text.clone()),
                (expected.clone(), widest),
                "seed {seed}, case {case}: {text:?}"
            );
            assert_eq!(
                is_normal(&text),
                expected == text,
                "seed {seed}, case {case}: {text:?}"
            );
        }
        // Both branches were exercised.
        assert!(
            normal > 0 && normal < usize::try_from(cases).unwrap(),
            "{normal}"
        );
    }

    #[test]
    fn keeps_paths_sorted() {
        let mut tree = Tree::default();
        tree.insert("b/x.py".into(), "1");
        tree.insert("a/y.py".into(), "2");
        assert_eq!(tree.paths().collect::<Vec<_>>(), ["a/y.py", "b/x.py"]);
    }

    #[test]
    fn hashes_are_of_the_normalised_content_and_follow_replacements() {
        let mut tree = Tree::default();
        tree.insert("a.py".into(), "x  \r\n");
        assert_eq!(tree.hash("a.py"), Some(manifest::hash("x\n").as_str()));
        assert_eq!(tree.hash("missing.py"), None);
        // A replaced file must not keep the hash of its old content.
        assert_eq!(tree.insert("a.py".into(), "y"), Some("x\n".to_owned()));
        assert_eq!(tree.hash("a.py"), Some(manifest::hash("y\n").as_str()));
        assert!(
            tree.iter_hashed()
                .eq([("a.py", "y\n", manifest::hash("y\n").as_str())])
        );
    }
}
