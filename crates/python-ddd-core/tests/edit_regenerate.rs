//! Randomised edit/regenerate cycles (issue 8, item 6), in process through the library's write path
//! (`Workspace::session` → plan → apply, as `python-ddd generate` does): between runs a user edits
//! the context at random (append, insert a line anywhere, replace, delete, create, chmod, symbolic
//! links inside the root) and the next run uses other options, sometimes as a dry run, sometimes
//! with `force`, sometimes with `conflicts: markers`. After every cycle:
//!
//! - nothing outside the workspace root changed;
//! - a dry run, a run with conflicts (exit 3) and a run that failed changed nothing;
//! - without `force`, a file the user edited is left byte for byte, or three-way merged (issue 12):
//!   every line the user added and every line the new output added is in it — cleanly (`merged`),
//!   or between conflict markers when the run wrote them (`conflicts: markers`);
//! - no file's mode changed;
//! - after a run that wrote, a re-run plans nothing.
//!
//! `PYTHON_DDD_EDIT_SEED` picks the seed (default fixed, so CI is reproducible), `PYTHON_DDD_EDIT_CYCLES`
//! the number of cycles (default 1000). A failure names the seed, the cycle and its edits.
#![cfg(unix)]
#![allow(clippy::print_stderr)] // the run's seed and outcome mix, for the log

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use python_ddd_core::apply::Workspace;
use python_ddd_core::manifest::{self, Manifest};
use python_ddd_core::plan::{Action, Plan};
use python_ddd_core::{Error, Generation, Generator};
use serde_json::json;

const CONTEXT: &str = "libs/orders";
const MANIFEST: &str = "libs/orders/.python-ddd.json";

/// splitmix64: small, seedable, good enough to pick edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().map_or(default, |value| {
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} is not a number"))
    })
}

#[derive(Clone, PartialEq, Eq)]
enum Node {
    File(Vec<u8>, u32),
    Link(PathBuf),
    Folder,
}

/// Short: a file shows its size, hash and mode, not its bytes.
impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(bytes, mode) => write!(
                f,
                "File({} bytes, {}, {mode:o})",
                bytes.len(),
                &manifest::hash(&String::from_utf8_lossy(bytes))[..12]
            ),
            Self::Link(target) => write!(f, "Link({})", target.display()),
            Self::Folder => f.write_str("Folder"),
        }
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Node> {
    let mut nodes = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let metadata = fs::symlink_metadata(&path).unwrap();
            let key = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let node = if metadata.is_symlink() {
                Node::Link(fs::read_link(&path).unwrap())
            } else if metadata.is_dir() {
                pending.push(path.clone());
                Node::Folder
            } else {
                Node::File(fs::read(&path).unwrap(), metadata.mode() & 0o7777)
            };
            nodes.insert(key, node);
        }
    }
    nodes
}

/// The options a cycle may pick: every layout, persistence, bus and API, three field specs, and
/// the Redis cache with either bus.
fn option_sets() -> Vec<serde_json::Value> {
    let mut sets = Vec::new();
    for fields in [
        "title:str",
        "title:str,count:int",
        "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?",
    ] {
        for persistence in ["sqlalchemy", "memory"] {
            for api in ["fastapi", "none"] {
                for layout in ["single", "per-layer"] {
                    for (bus, cache) in [
                        ("memory", "memory"),
                        ("kafka", "redis"),
                        ("memory", "redis"),
                        ("rabbitmq", "redis"),
                    ] {
                        sets.push(json!({
                            "name": "orders", "fields": fields, "persistence": persistence,
                            "api": api, "projectLayout": layout, "eventBus": bus, "cache": cache,
                        }));
                    }
                }
            }
        }
    }
    sets
}

/// How a run ended, as the CLI's exit status would say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Written,
    /// Written with conflict markers (`conflicts: markers`), exit 3.
    Markers,
    DryRun,
    Conflict,
    Failed,
}

/// What `python-ddd generate` does with a generation: lock, recover, plan, then preview, refuse
/// on conflicts, or apply.
fn run(root: &Path, generation: &Generation, dry_run: bool) -> Result<(Outcome, Plan), Error> {
    let workspace = Workspace::open(root)?;
    let session = workspace.session(&generation.root, dry_run)?;
    let plan = generation.plan(&session)?;
    if dry_run {
        return Ok((Outcome::DryRun, plan));
    }
    if !plan.applicable() {
        return Ok((Outcome::Conflict, plan));
    }
    session.apply(&plan)?;
    let outcome = if plan.has_conflicts() {
        Outcome::Markers
    } else {
        Outcome::Written
    };
    Ok((outcome, plan))
}

/// The lines of `text` that `base` does not have.
fn added<'a>(base: &str, text: &'a str) -> Vec<&'a str> {
    let base: std::collections::HashSet<&str> = base.lines().collect();
    text.lines().filter(|line| !base.contains(line)).collect()
}

/// A user's file the run rewrote: only a merge may do that, and the merge holds every line the
/// user added and every line the new output added (each since the previous output, `base`).
fn check_merge(
    context: &str,
    plan: &Plan,
    path: &str,
    base: Option<&str>,
    before: &str,
    after: &str,
) {
    let relative = format!("{CONTEXT}/{path}");
    let entry = plan
        .entries
        .iter()
        .find(|e| e.path == path || e.path == relative)
        .unwrap_or_else(|| panic!("{context}: {path} changed, but the plan does not name it"));
    assert!(
        entry.action == Action::Merged || entry.write_markers,
        "{context}: the user's {path} was rewritten by a {:?}",
        entry.action
    );
    let base = base.unwrap_or_else(|| panic!("{context}: {path} merged without a previous output"));
    let generated = entry.generated.as_deref().unwrap();
    let kept: std::collections::HashSet<&str> = after.lines().collect();
    for line in added(base, before)
        .into_iter()
        .chain(added(base, generated))
    {
        assert!(
            kept.contains(line),
            "{context}: the {:?} of {path} lost the line {line:?}",
            entry.action
        );
    }
    if entry.write_markers {
        assert!(
            after.contains("<<<<<<< ours\n"),
            "{context}: {path} has no markers"
        );
    }
}

/// The files (relative to the root) the user owns now: present, and not what the manifest says we
/// generated (edited, created, or a link).
fn user_owned(before: &BTreeMap<String, Node>) -> Vec<String> {
    let recorded: BTreeMap<String, String> = match before.get(MANIFEST) {
        Some(Node::File(bytes, _)) => {
            Manifest::parse(MANIFEST, std::str::from_utf8(bytes).unwrap())
                .map(|m| m.files)
                .unwrap_or_default()
        }
        _ => BTreeMap::new(),
    };
    before
        .iter()
        .filter(|(path, node)| {
            let Some(relative) = path.strip_prefix(&format!("{CONTEXT}/")) else {
                return **node != Node::Folder;
            };
            match node {
                Node::Folder => false,
                Node::Link(_) => true,
                Node::File(bytes, _) => {
                    relative != manifest::FILE_NAME
                        && recorded.get(relative).is_none_or(|hash| {
                            *hash != manifest::hash(std::str::from_utf8(bytes).unwrap_or(""))
                        })
                }
            }
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// One to three random edits inside the context; returns what was done, for failure messages.
fn edit(rng: &mut Rng, root: &Path, log: &mut Vec<String>) {
    let context = root.join(CONTEXT);
    let nodes = snapshot(&context);
    let files: Vec<&String> = nodes
        .iter()
        // The manifest is the engine's own record; a user editing it is another test's matter.
        .filter(|(p, n)| matches!(n, Node::File(..)) && p.as_str() != manifest::FILE_NAME)
        .map(|(p, _)| p)
        .collect();
    let folders: Vec<String> = std::iter::once(String::new())
        .chain(
            nodes
                .iter()
                .filter(|(_, n)| **n == Node::Folder)
                .map(|(p, _)| format!("{p}/")),
        )
        .collect();
    for _ in 0..=rng.below(3) {
        if files.is_empty() {
            return;
        }
        let file = *rng.pick(&files);
        let path = context.join(file);
        match rng.below(9) {
            0 => {
                let mut bytes = fs::read(&path).unwrap_or_default();
                bytes.extend_from_slice(format!("# user {}\n", rng.next()).as_bytes());
                let _ = fs::write(&path, bytes);
                log.push(format!("append {file}"));
            }
            7 | 8 => {
                // A line inserted anywhere (the next run merges it with its changes, or the two
                // overlap).
                let text = fs::read_to_string(&path).unwrap_or_default();
                let mut lines: Vec<&str> = text.lines().collect();
                let at = rng.below(lines.len() + 1);
                let line = format!("# user {}", rng.next());
                lines.insert(at, &line);
                let _ = fs::write(&path, lines.join("\n") + "\n");
                log.push(format!("insert line {at} in {file}"));
            }
            1 => {
                let _ = fs::write(&path, format!("user {}\n", rng.next()));
                log.push(format!("replace {file}"));
            }
            2 => {
                let _ = fs::remove_file(&path);
                log.push(format!("delete {file}"));
            }
            3 => {
                let name = format!("{}user_{}.py", rng.pick(&folders), rng.below(50));
                let _ = fs::write(context.join(&name), "mine\n");
                log.push(format!("create {name}"));
            }
            4 => {
                let mode = *rng.pick(&[0o600, 0o640, 0o644, 0o755]);
                let _ = fs::set_permissions(&path, fs::Permissions::from_mode(mode));
                log.push(format!("chmod {mode:o} {file}"));
            }
            5 => {
                let name = format!("{}link_{}", rng.pick(&folders), rng.below(20));
                let _ = symlink(&path, context.join(&name));
                log.push(format!("symlink {name} -> {file}"));
            }
            _ => {
                // A generated file replaced by a link to another file inside the root: the next
                // run must refuse it (and change nothing).
                if rng.chance(4) {
                    let other = context.join(*rng.pick(&files));
                    let _ = fs::remove_file(&path);
                    let _ = symlink(&other, &path);
                    log.push(format!("replace {file} by a link"));
                }
            }
        }
    }
}

/// Removes every symbolic link under the context: the user tidying up, so runs are not refused
/// forever.
fn remove_links(root: &Path) {
    for (path, node) in snapshot(&root.join(CONTEXT)) {
        if matches!(node, Node::Link(_)) {
            fs::remove_file(root.join(CONTEXT).join(path)).unwrap();
        }
    }
}

#[test]
fn random_edits_and_regenerations_keep_every_promise() {
    let seed = env_number("PYTHON_DDD_EDIT_SEED", 0x5eed_2026);
    let cycles = env_number("PYTHON_DDD_EDIT_CYCLES", 1000);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("sentinel.txt"), "outside\n").unwrap();
    let outside_before = snapshot(&outside);
    let sets = option_sets();
    let mut generations: HashMap<(usize, bool, bool), Generation> = HashMap::new();
    // The generation that last wrote: its output is the base of the next merge.
    let mut last_written: Option<(usize, bool, bool)> = None;
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();

    for cycle in 0..cycles {
        let mut log = Vec::new();
        if cycle > 0 {
            edit(&mut rng, &root, &mut log);
        }
        if rng.chance(3) {
            remove_links(&root);
            log.push("remove links".into());
        }
        let set = rng.below(sets.len());
        let dry_run = rng.chance(4);
        let force = rng.chance(4);
        let markers = rng.chance(3);
        let key = (set, force, markers);
        generations.entry(key).or_insert_with(|| {
            let mut options = sets[set].clone();
            options["force"] = json!(force);
            if markers {
                options["conflicts"] = json!("markers");
            }
            python_ddd_core::generate(Generator::Domain, &options).unwrap()
        });
        let generation = &generations[&key];
        let context = format!(
            "seed {seed}, cycle {cycle}: edits {log:?}, options {}, dry run {dry_run}, force {force}, markers {markers}",
            sets[set]
        );
        let before = snapshot(&root);
        let (outcome, plan) = match run(&root, generation, dry_run) {
            Ok((outcome, plan)) => (outcome, Some(plan)),
            Err(Error::SymlinkFile { .. }) => (Outcome::Failed, None),
            Err(error) => panic!("{context}: {error}"),
        };
        *counts
            .entry(match outcome {
                Outcome::Written => "written",
                Outcome::Markers => "written with markers",
                Outcome::DryRun => "dry run",
                Outcome::Conflict => "conflict",
                Outcome::Failed => "refused",
            })
            .or_default() += 1;
        let merges = plan.as_ref().map_or(0, |plan| plan.summary().merged);
        if matches!(outcome, Outcome::Written | Outcome::Markers) && merges > 0 {
            *counts.entry("merged files").or_default() += merges as u64;
        }
        let after = snapshot(&root);

        assert_eq!(
            snapshot(&outside),
            outside_before,
            "{context}: outside the root"
        );
        if !matches!(outcome, Outcome::Written | Outcome::Markers) {
            assert!(before == after, "{context}: {outcome:?} changed the tree");
            continue;
        }
        let plan = plan.expect("a run that wrote has a plan");
        if !force {
            let base = last_written.map(|key| &generations[&key].tree);
            for path in user_owned(&before) {
                match (before.get(&path), after.get(&path)) {
                    (Some(Node::File(old, _)), Some(Node::File(new, _))) if old != new => {
                        check_merge(
                            &context,
                            &plan,
                            &path,
                            base.and_then(|tree| tree.get(&path)),
                            std::str::from_utf8(old).unwrap(),
                            std::str::from_utf8(new).unwrap(),
                        );
                    }
                    (old, new) => assert_eq!(new, old, "{context}: user file {path}"),
                }
            }
        }
        last_written = Some(key);
        for (path, node) in &after {
            if let (Node::File(_, mode), Some(Node::File(_, old))) = (node, before.get(path)) {
                assert_eq!(mode, old, "{context}: the mode of {path}");
            }
        }
        let workspace = Workspace::open(&root).unwrap();
        let replan = generation.plan(&workspace).unwrap();
        let writes: Vec<(&str, Action)> = replan
            .entries
            .iter()
            .filter(|e| e.action.writes() || e.action == Action::Conflict)
            .map(|e| (e.path.as_str(), e.action))
            .collect();
        assert!(writes.is_empty(), "{context}: a re-run plans {writes:?}");
    }
    // The mix must exercise every outcome, or the invariants above prove little.
    for outcome in [
        "written",
        "written with markers",
        "merged files",
        "dry run",
        "conflict",
        "refused",
    ] {
        assert!(
            counts.get(outcome).copied().unwrap_or(0) > 0 || cycles < 100,
            "seed {seed}: no cycle ended `{outcome}`: {counts:?}"
        );
    }
    eprintln!("edit/regenerate: seed {seed}, {cycles} cycles: {counts:?}");
}
