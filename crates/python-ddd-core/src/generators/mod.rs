//! The generators, registered in one place: [`registry!`] below is the only list. `python-ddd
//! list`, the CLI's `generate <generator>`, `python-ddd schema`, the Nx request dispatch and the
//! option validation all read it, so a generator added here is everywhere at once.
//!
//! Each generator is one module implementing [`Definition`]: its name and help, its options'
//! schema, where its output goes, and the run itself.

mod aggregate;
mod domain;

use serde_json::Value;

use crate::contexts::Found;
use crate::validate::Problem;
use crate::{Failure, Generation, SpecFile, plan};

/// What a generator is: everything the callers need, and nothing they must match on.
pub trait Definition: Sync {
    /// The name users type (`python-ddd generate <name>`, `nx g @vibes/python-ddd:<name>`).
    fn name(&self) -> &'static str;
    /// Other names it answers to.
    fn aliases(&self) -> &'static [&'static str];
    /// One line for `python-ddd list` and `generators.json`.
    fn description(&self) -> &'static str;
    /// Its options' JSON schema, as schemars generates it from the options type (before
    /// [`crate::schema`] shapes it for Nx).
    fn schema(&self, settings: schemars::generate::SchemaGenerator) -> schemars::Schema;
    /// The context folder the run writes under (`libs/orders`), from the options alone: what the
    /// Nx shim asks first, before it sends the files under that folder.
    fn root(&self, options: &Value) -> Result<String, Failure>;
    /// The run: validates the options against what `source` holds and renders the tree to plan.
    fn generate(
        &self,
        options: &Value,
        source: &dyn plan::Source,
        spec_file: Option<SpecFile<'_>>,
    ) -> Result<Generation, Failure>;
    /// Whether the run adds to a context that exists: then the callers find the workspace's
    /// contexts ([`crate::contexts`]) and [`Definition::locate`] resolves the options against them.
    fn adds_to_a_context(&self) -> bool {
        false
    }
    /// The options with the context they name resolved among `found` (a folder, or one of its Nx
    /// projects, becomes its `directory` and folder name); a context not found is a problem
    /// listing those there are.
    fn locate(&self, options: Value, _found: &[Found]) -> Result<Value, Vec<Problem>> {
        Ok(options)
    }
}

/// Declares the [`Generator`] handle with one variant per registered generator, in the order
/// `python-ddd list` shows them.
macro_rules! registry {
    ($($variant:ident => $definition:expr),+ $(,)?) => {
        /// A registered generator: a cheap handle onto its [`Definition`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Generator {
            $($variant),+
        }

        impl Generator {
            /// Every generator, in the registry's order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The generator's definition.
            pub fn definition(self) -> &'static dyn Definition {
                match self {
                    $(Self::$variant => &$definition),+
                }
            }
        }
    };
}

registry! {
    Domain => domain::Domain,
    Aggregate => aggregate::Aggregate,
}

/// How many generators are registered: sizes per-generator caches.
pub const COUNT: usize = Generator::ALL.len();

impl Generator {
    pub fn name(self) -> &'static str {
        self.definition().name()
    }

    pub fn description(self) -> &'static str {
        self.definition().description()
    }

    pub fn aliases(self) -> &'static [&'static str] {
        self.definition().aliases()
    }

    /// The generator's place in [`Generator::ALL`], for per-generator caches.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Finds a generator by name or alias.
    pub fn find(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|g| g.name() == name || g.aliases().contains(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and aliases are unique across the registry, and `find` answers to each.
    #[test]
    fn names_and_aliases_are_unique_and_found() {
        let mut seen = std::collections::BTreeSet::new();
        for &generator in Generator::ALL {
            for name in std::iter::once(generator.name()).chain(generator.aliases().iter().copied())
            {
                assert!(seen.insert(name), "`{name}` is registered twice");
                assert_eq!(Generator::find(name), Some(generator));
            }
            assert_eq!(Generator::ALL[generator.index()], generator);
        }
        assert_eq!(Generator::find("nope"), None);
    }
}
