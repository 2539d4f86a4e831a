//! Finding the newlines of generated text, eight bytes at a time.
//!
//! Every generated file is scanned line by line twice (is it normal text? is any line too long?),
//! and a run generates a few hundred KiB of short lines. Splitting with `str::split('\n')` costs
//! a `memchr` call per line and a byte loop a dozen instructions per byte in the size-optimised
//! release build; testing a whole `u64` for a newline byte costs about one instruction per byte
//! (docs/benchmarks.md counts them).

/// The byte offsets of every `\n` in `bytes`, in order.
pub fn newlines(bytes: &[u8]) -> Newlines<'_> {
    Newlines {
        bytes,
        next_word: 0,
        word_start: 0,
        mask: 0,
    }
}

#[derive(Debug)]
pub struct Newlines<'a> {
    bytes: &'a [u8],
    /// Where the next word to test starts.
    next_word: usize,
    /// Where the word `mask` describes starts.
    word_start: usize,
    /// The high bit of each byte of that word that is a newline not yet returned.
    mask: u64,
}

impl Iterator for Newlines<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let rest = self.bytes.get(self.next_word..).filter(|r| !r.is_empty())?;
            let mut word = [0u8; 8]; // a short tail is padded with NULs, never a newline
            let take = rest.len().min(8);
            word[..take].copy_from_slice(&rest[..take]);
            self.mask = newline_bytes(u64::from_le_bytes(word));
            self.word_start = self.next_word;
            self.next_word += 8;
        }
        let byte = self.mask.trailing_zeros() as usize / 8;
        self.mask &= self.mask - 1; // clear the lowest bit: that newline is returned
        Some(self.word_start + byte)
    }
}

/// The high bit of every byte of `word` that is `\n`, exactly (no false positives: the classic
/// "has a zero byte" test on `word ^ 0x0a…0a`, in the form that does not carry between bytes).
fn newline_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_where_newline = word ^ 0x0a0a_0a0a_0a0a_0a0a;
    !(((zero_where_newline & LOW7).wrapping_add(LOW7)) | zero_where_newline | LOW7)
}

/// Whether some line of `text` (split at `\n`) is longer than `limit` bytes.
pub fn has_line_longer_than(text: &str, limit: usize) -> bool {
    let mut line_start = 0;
    for newline in newlines(text.as_bytes()) {
        if newline - line_start > limit {
            return true;
        }
        line_start = newline + 1;
    }
    text.len() - line_start > limit
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same offsets as the obvious byte loop, on random text of newlines, NULs, bytes next
    /// to `\n` in value and multi-byte characters, at every length around the 8-byte words
    /// (`PYTHON_DDD_SCAN_SEED`, `PYTHON_DDD_SCAN_CASES`).
    #[test]
    fn finds_what_a_byte_loop_finds() {
        const PIECES: [&str; 8] = ["\n", "\0", "\t", "\u{b}", "a", "é", "\u{8a}", "\u{10a0a}"];
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let seed = number("PYTHON_DDD_SCAN_SEED", 0x2026_1130);
        let cases = number("PYTHON_DDD_SCAN_CASES", 20_000);
        // splitmix64
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for case in 0..cases {
            let length = next() % 40;
            let text: String = (0..length)
                .map(|_| PIECES[usize::try_from(next()).unwrap() % PIECES.len()])
                .collect();
            let expected: Vec<usize> = text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(at, _)| at)
                .collect();
            assert_eq!(
                newlines(text.as_bytes()).collect::<Vec<_>>(),
                expected,
                "seed {seed}, case {case}: {text:?}"
            );
            let limit = usize::try_from(next() % 6).unwrap();
            assert_eq!(
                has_line_longer_than(&text, limit),
                text.split('\n').any(|line| line.len() > limit),
                "seed {seed}, case {case}, limit {limit}: {text:?}"
            );
        }
    }

    #[test]
    fn line_lengths_are_bytes_between_newlines() {
        assert!(!has_line_longer_than("", 0));
        assert!(!has_line_longer_than("abc\nabc\n", 3));
        assert!(has_line_longer_than("abc\nabcd\n", 3));
        assert!(has_line_longer_than("abc\nabcd", 3));
        assert!(!has_line_longer_than("\n\n\n", 0));
    }
}
