//! Seeded random cases for the crate's unit tests: a fixed seed and case count by default (CI), any seed or
//! count from the environment (`<PREFIX>_SEED`, `<PREFIX>_CASES`), so a failure that prints its seed reproduces.

/// A splitmix64 stream with the seed and case count a test runs with.
pub struct Cases {
    pub seed: u64,
    pub count: u64,
    state: u64,
}

impl Cases {
    /// `<prefix>_SEED` and `<prefix>_CASES` from the environment, else `seed` and 20,000 cases.
    pub fn from_env(prefix: &str, seed: u64) -> Self {
        let number = |name: String, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let seed = number(format!("{prefix}_SEED"), seed);
        let count = number(format!("{prefix}_CASES"), 20_000);
        Self {
            seed,
            count,
            state: seed,
        }
    }

    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap() % n
    }
}
