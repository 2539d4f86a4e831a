//! The contexts python-ddd generated in a workspace, found by their manifests: what a generator
//! that adds to an existing context (`aggregate`) resolves its `context` option against. The
//! callers find the manifests (the CLI on disk, the Nx shim in its tree); this module reads them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::manifest::{self, Manifest};
use crate::names;
use crate::options::ProjectLayout;

/// Folders no context lives in: where the callers' searches for manifests do not descend.
pub const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".nx",
    "target",
    "dist",
];

/// How deep below the workspace root a search for manifests looks (`libs/orders/.python-ddd.json`
/// is depth 3; `services/python/libs/orders/...` is 5).
pub const MAX_DEPTH: usize = 8;

/// A context found in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its folder, workspace-relative (`libs/orders`).
    pub root: String,
    /// Its Nx projects (`orders`, or `orders-domain`, … per layer).
    pub projects: Vec<String>,
}

impl Found {
    /// The folder's name (`orders`): what `--context` usually names.
    pub fn folder(&self) -> &str {
        self.root.rsplit('/').next().unwrap_or(&self.root)
    }

    /// The folder holding it (`libs`).
    pub fn directory(&self) -> &str {
        self.root
            .rsplit_once('/')
            .map_or("", |(directory, _)| directory)
    }
}

/// The contexts among `manifests` (workspace-relative manifest path → its text): those a `domain`
/// run wrote, in path order. A manifest that does not parse is not a context to offer.
pub fn from_manifests(manifests: &BTreeMap<String, String>) -> Vec<Found> {
    manifests
        .iter()
        .filter_map(|(path, text)| {
            let root = path.strip_suffix(&format!("/{}", manifest::FILE_NAME))?;
            let manifest = Manifest::parse(path, text).ok()?;
            if manifest.generator != "domain" {
                return None;
            }
            let name = manifest.options.get("name")?.as_str()?;
            let layout = manifest
                .options
                .get("projectLayout")
                .and_then(|layout| serde_json::from_value(layout.clone()).ok())
                .unwrap_or_default();
            let kebab = names::kebab(name);
            let projects = match layout {
                ProjectLayout::Single => vec![kebab],
                // The context folder is a project too, beside one per layer.
                ProjectLayout::PerLayer => std::iter::once(kebab.clone())
                    .chain(
                        ["domain", "application", "infrastructure", "api"]
                            .iter()
                            .map(|layer| format!("{kebab}-{layer}")),
                    )
                    .collect(),
            };
            Some(Found {
                root: root.to_owned(),
                projects,
            })
        })
        .collect()
}

/// The one context `given` names (its folder's name, its folder, or one of its Nx projects),
/// within `directory` when one is given; otherwise why none is, listing the contexts there are.
pub fn resolve<'a>(
    given: &str,
    directory: Option<&str>,
    found: &'a [Found],
) -> Result<&'a Found, String> {
    let matching: Vec<&Found> = found
        .iter()
        .filter(|context| directory.is_none_or(|directory| context.directory() == directory))
        .filter(|context| {
            context.folder() == given
                || context.root == given
                || context.projects.iter().any(|project| project == given)
        })
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => {
            let place = directory.map_or_else(
                || "in the workspace".to_owned(),
                |directory| format!("in `{directory}`"),
            );
            let mut message = format!("no context python-ddd generated is named `{given}` {place}");
            if found.is_empty() {
                message.push_str(
                    "; none was found: generate one with `python-ddd generate domain <name>`",
                );
            } else {
                message.push_str("; contexts found: ");
                let listed: Vec<String> = found
                    .iter()
                    .map(|context| format!("`{}` ({})", context.folder(), context.root))
                    .collect();
                message.push_str(&listed.join(", "));
            }
            Err(message)
        }
        several => {
            let mut message = format!("`{given}` names several contexts:");
            for context in several {
                let _ = write!(message, " {}", context.root);
            }
            message.push_str("; pick one with `directory`");
            Err(message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(name: &str, layout: &str) -> String {
        serde_json::json!({
            "generator": "domain", "version": "0", "files": {},
            "options": { "name": name, "directory": "libs", "projectLayout": layout },
        })
        .to_string()
    }

    fn found() -> Vec<Found> {
        from_manifests(&BTreeMap::from([
            (
                "libs/orders/.python-ddd.json".to_owned(),
                manifest("orders", "single"),
            ),
            (
                "services/order-items/.python-ddd.json".to_owned(),
                manifest("order-items", "per-layer"),
            ),
            ("libs/broken/.python-ddd.json".to_owned(), "{".to_owned()),
        ]))
    }

    #[test]
    fn contexts_are_named_by_folder_root_or_project() {
        let found = found();
        assert_eq!(found.len(), 2, "{found:?}");
        for given in ["orders", "libs/orders"] {
            assert_eq!(resolve(given, None, &found).unwrap().root, "libs/orders");
        }
        for given in ["order-items", "order-items-domain", "order-items-api"] {
            let context = resolve(given, None, &found).unwrap();
            assert_eq!(context.root, "services/order-items");
            assert_eq!(context.directory(), "services");
        }
    }

    #[test]
    fn an_unknown_context_lists_those_found() {
        let found = found();
        assert_eq!(
            resolve("shop", None, &found).unwrap_err(),
            "no context python-ddd generated is named `shop` in the workspace; contexts found: \
             `orders` (libs/orders), `order-items` (services/order-items)"
        );
        assert_eq!(
            resolve("orders", Some("services"), &found).unwrap_err(),
            "no context python-ddd generated is named `orders` in `services`; contexts found: \
             `orders` (libs/orders), `order-items` (services/order-items)"
        );
        assert_eq!(
            resolve("orders", None, &[]).unwrap_err(),
            "no context python-ddd generated is named `orders` in the workspace; none was found: \
             generate one with `python-ddd generate domain <name>`"
        );
        let twice = [
            found[0].clone(),
            Found {
                root: "apps/orders".into(),
                projects: vec!["orders".into()],
            },
        ];
        assert_eq!(
            resolve("orders", None, &twice).unwrap_err(),
            "`orders` names several contexts: libs/orders apps/orders; pick one with `directory`"
        );
    }
}
