//! Unified diffs for previews. `similar` prints nothing, not even headers, when there are no
//! hunks, so an empty new file would vanish from a preview: headers are written here instead.

use similar::TextDiff;

/// A unified diff of `old` → `new`; `None` stands for "no file" (`/dev/null`).
pub fn unified(old_label: &str, old: Option<&str>, new_label: &str, new: Option<&str>) -> String {
    let old_header = if old.is_some() {
        old_label
    } else {
        "/dev/null"
    };
    let new_header = if new.is_some() {
        new_label
    } else {
        "/dev/null"
    };
    let mut out = format!("--- {old_header}\n+++ {new_header}\n");
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    let diff = TextDiff::from_lines(old, new);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&hunk.to_string());
    }
    if !out.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_new_file_keeps_its_header() {
        assert_eq!(
            unified("a/x", None, "b/x", Some("")),
            "--- /dev/null\n+++ b/x\n"
        );
    }

    #[test]
    fn update() {
        assert_eq!(
            unified("a/x", Some("one\ntwo\n"), "b/x", Some("one\nthree\n")),
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n"
        );
    }

    #[test]
    fn delete() {
        assert_eq!(
            unified("a/x", Some("gone\n"), "b/x", None),
            "--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n"
        );
    }
}
