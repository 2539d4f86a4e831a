//! Finding the newlines of generated text, eight bytes at a time.
//!
//! Every generated file is scanned line by line twice (is it normal text? is any line too long?),
//! and a run generates a few hundred KiB of short lines. Splitting with `str::split('\n')` costs
//! a `memchr` call per line and a byte loop a dozen instructions per byte in the size-optimised
//! release build; testing a whole `u64` for a newline byte costs about one instruction per byte
//! (docs/benchmarks.md counts them).

use std::ops::ControlFlow;

/// Calls `visit` with the byte offset of every `\n` in `bytes`, in order, until it breaks.
/// A callback rather than an iterator: the size-optimised build keeps an iterator's `next` out of
/// line, which costs more per word than the test itself.
pub fn each_newline(
    bytes: &[u8],
    mut visit: impl FnMut(usize) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut chunks = bytes.chunks_exact(8);
    let mut word_start = 0;
    for chunk in &mut chunks {
        // `chunks_exact` gives 8 bytes; the fallback (never taken) only spares a panic path.
        let word = u64::from_le_bytes(*chunk.first_chunk::<8>().unwrap_or(&[0; 8]));
        let mut mask = newline_bytes(word);
        while mask != 0 {
            visit(word_start + mask.trailing_zeros() as usize / 8)?;
            mask &= mask - 1; // that newline is visited: clear its bit
        }
        word_start += 8;
    }
    for (at, &byte) in chunks.remainder().iter().enumerate() {
        if byte == b'\n' {
            visit(word_start + at)?;
        }
    }
    ControlFlow::Continue(())
}

/// The high bit of every byte of `word` that is `\n`, exactly (no false positives: the classic
/// "has a zero byte" test on `word ^ 0x0a…0a`, in the form that does not carry between bytes).
fn newline_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_where_newline = word ^ 0x0a0a_0a0a_0a0a_0a0a;
    !(((zero_where_newline & LOW7).wrapping_add(LOW7)) | zero_where_newline | LOW7)
}

/// The length in bytes of the longest line of `text` (split at `\n`).
pub fn widest_line(text: &str) -> usize {
    let mut line_start = 0;
    let mut widest = 0;
    let _ = each_newline(text.as_bytes(), |newline| {
        widest = widest.max(newline - line_start);
        line_start = newline + 1;
        ControlFlow::Continue(())
    });
    widest.max(text.len() - line_start)
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
        let mut rng = crate::test_cases::Cases::from_env("PYTHON_DDD_SCAN", 0x2026_1130);
        let (seed, cases) = (rng.seed, rng.count);
        for case in 0..cases {
            let length = rng.next() % 40;
            let text: String = (0..length)
                .map(|_| PIECES[rng.below(PIECES.len())])
                .collect();
            let expected: Vec<usize> = text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(at, _)| at)
                .collect();
            let mut found = Vec::new();
            let _ = each_newline(text.as_bytes(), |at| {
                found.push(at);
                ControlFlow::Continue(())
            });
            assert_eq!(found, expected, "seed {seed}, case {case}: {text:?}");
            assert_eq!(
                widest_line(&text),
                text.split('\n').map(str::len).max().unwrap_or(0),
                "seed {seed}, case {case}: {text:?}"
            );
        }
    }

    #[test]
    fn line_lengths_are_bytes_between_newlines() {
        assert_eq!(widest_line(""), 0);
        assert_eq!(widest_line("abc\nabc\n"), 3);
        assert_eq!(widest_line("abc\nabcd\n"), 4);
        assert_eq!(widest_line("abc\nabcdé"), 6);
        assert_eq!(widest_line("\n\n\n"), 0);
    }
}
