//! The write path's promises (issue 8), through the real binary: nothing escapes the root (manifest
//! entries, planted links), an update keeps the file's mode, runs on one context are serialised by a
//! lock, and a run killed at any point — at every failpoint, and by real `kill -9` — leaves a tree
//! the next run recovers from.
//!
//! Randomised parts use a fixed seed unless `PYTHON_DDD_KILL_SEED` is set; a failure prints the seed.
//! `PYTHON_DDD_KILL_RUNS` sets the number of `kill -9` iterations (default 30).
#![cfg(unix)]
#![allow(clippy::print_stderr)] // timings and step counts, for the log

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use python_ddd_core::apply::Workspace;
use python_ddd_core::manifest::{self, Manifest};
use python_ddd_core::{Generation, Generator};
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_python-ddd");
const CONTEXT: &str = "libs/orders";
const MANIFEST: &str = "libs/orders/.python-ddd.json";

/// A small context (few files, so every failpoint index is affordable) and a change of it that
/// creates, updates and deletes files. Each states every option the other changes: an option
/// left out keeps what the stored spec says.
const SMALL_A: &[&str] = &[
    "--persistence",
    "memory",
    "--api",
    "fastapi",
    "--fields",
    "title:str",
];
const SMALL_B: &[&str] = &[
    "--persistence",
    "memory",
    "--api",
    "none",
    "--fields",
    "title:str,count:int",
];

fn generate(root: &Path, options: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BINARY)
        .args(["generate", "domain", "orders", "--format", "json", "--root"])
        .arg(root)
        .args(options)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn status(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn ok(output: &Output) -> Value {
    assert_eq!(status(output), 0, "{}", describe(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The options the CLI flags above stand for, for the library.
fn options_json(options: &[&str]) -> Value {
    let mut object = json!({ "name": "orders" });
    for pair in options.chunks(2) {
        let key = match pair[0] {
            "--event-bus" => "eventBus".to_owned(),
            flag => flag.trim_start_matches("--").to_owned(),
        };
        object[key] = json!(pair[1]);
    }
    object
}

/// Every entry under `dir`: files with their bytes and mode, links with their target, folders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    File(Vec<u8>, u32),
    Link(PathBuf),
    Folder,
}

fn snapshot(dir: &Path) -> BTreeMap<String, Node> {
    let mut nodes = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
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

fn generation(options: &[&str]) -> Generation {
    python_ddd_core::generate(Generator::Domain, &options_json(options)).unwrap()
}

/// The state a successful run must leave, for `options`: the context folder holds exactly the
/// generated files (no temporary file, no journal), the manifest records each file's hash, and a
/// re-run plans nothing.
fn assert_settled(root: &Path, generation: &Generation, context: &str) {
    let on_disk: Vec<String> = snapshot(&root.join(CONTEXT))
        .into_iter()
        .filter(|(_, node)| *node != Node::Folder)
        .map(|(path, _)| format!("{CONTEXT}/{path}"))
        .collect();
    let expected: Vec<&str> = generation.tree.paths().collect();
    assert_eq!(on_disk, expected, "{context}: the files on disk");
    let manifest =
        Manifest::parse(MANIFEST, &fs::read_to_string(root.join(MANIFEST)).unwrap()).unwrap();
    for (relative, hash) in &manifest.files {
        let text = fs::read_to_string(root.join(CONTEXT).join(relative)).unwrap();
        assert_eq!(
            manifest::hash(&text),
            *hash,
            "{context}: the manifest's hash of {relative}"
        );
    }
    let workspace = Workspace::open(root).unwrap();
    let plan = generation.plan(&workspace).unwrap();
    assert!(
        plan.entries.iter().all(|e| !e.action.writes()),
        "{context}: a re-run plans {:?}",
        plan.summary()
    );
}

/// After a crash: the next run (the binary) succeeds, reports none of our files as edited, and
/// settles.
fn assert_recovers(root: &Path, options: &[&str], context: &str) {
    let output = generate(root, options, &[]);
    assert_eq!(status(&output), 0, "{context}: {}", describe(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["kept"], 0, "{context}: {report}");
    assert_eq!(report["summary"]["conflict"], 0, "{context}: {report}");
    assert_settled(root, &generation(options), context);
}

/// The same, with the next run in process (the binary's path through the library: session, plan,
/// apply), which is what makes checking hundreds of crash points affordable.
fn assert_recovers_in_process(root: &Path, generation: &Generation, context: &str) {
    let workspace = Workspace::open(root).unwrap();
    let session = workspace.session(&generation.root, false).unwrap();
    let plan = generation.plan(&session).unwrap();
    let summary = plan.summary();
    assert_eq!(
        (summary.kept, summary.conflict),
        (0, 0),
        "{context}: {summary:?}"
    );
    session.apply(&plan).unwrap();
    drop(session);
    assert_settled(root, generation, context);
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A seeded generator: splitmix64.
struct Rng(u64);

impl Rng {
    fn from_env() -> (Self, u64) {
        let seed = std::env::var("PYTHON_DDD_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_2026);
        (Self(seed), seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---- 1. paths from the manifest ----

/// issue 8's attack: an entry leading out of the workspace, with the file's right hash, deleted
/// that file. Now the run fails naming the entry, and nothing is written or deleted.
#[test]
fn a_manifest_entry_outside_the_context_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    ok(&generate(&root, SMALL_A, &[]));
    fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    fs::write(dir.path().join("elsewhere/file.txt"), "precious\n").unwrap();
    let mut manifest: Value =
        serde_json::from_str(&fs::read_to_string(root.join(MANIFEST)).unwrap()).unwrap();
    manifest["files"]["../../../elsewhere/file.txt"] = json!(manifest::hash("precious\n"));
    fs::write(root.join(MANIFEST), manifest.to_string()).unwrap();
    let before = snapshot(dir.path());

    for options in [SMALL_A, SMALL_B] {
        let output = generate(&root, options, &[]);
        assert_eq!(status(&output), 1, "{}", describe(&output));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "error: the manifest `libs/orders/.python-ddd.json` lists `../../../elsewhere/file.txt`, \
             which is not a path inside the context folder (it contains `..`); nothing was written \
             or deleted. Remove that entry or restore the manifest from version control\n"
        );
        assert_eq!(snapshot(dir.path()), before);
    }
}

#[test]
fn manifest_problems_name_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(MANIFEST)).unwrap();
    let output = generate(root, SMALL_A, &[]);
    assert_eq!(status(&output), 1, "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the manifest `libs/orders/.python-ddd.json` is broken: it is not a regular file; \
         restore it from version control (or delete it: every existing file then counts as yours)\n"
    );

    fs::remove_dir(root.join(MANIFEST)).unwrap();
    fs::write(root.join(MANIFEST), r#"{"generator":1}"#).unwrap();
    let output = generate(root, SMALL_A, &[]);
    assert_eq!(status(&output), 1, "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with(
            "error: the manifest `libs/orders/.python-ddd.json` is broken: invalid type: integer `1`, expected a string"
        ),
        "{}",
        describe(&output)
    );
}

// ---- 2. temporary files and links ----

/// Links planted where the old engine put its predictable temporary files, and a hard link at a
/// destination: the run writes nothing outside the root, and every generated file ends up a
/// regular file with one link.
#[test]
fn planted_links_are_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    ok(&generate(&root, SMALL_A, &[]));
    let readme = root.join(CONTEXT).join("README.md");
    let mut planted = Vec::new();
    // For every file the next run updates: a symlink and a hard link at the old names
    // `.<file>.python-ddd-<pid>.tmp` for a range of pids.
    for (index, path) in ["README.md", "project.json", "pyproject.toml"]
        .iter()
        .enumerate()
    {
        let target = outside.join(format!("victim{index}"));
        fs::write(&target, "victim\n").unwrap();
        for pid in 1..200 {
            let name = root
                .join(CONTEXT)
                .join(format!(".{path}.python-ddd-{pid}.tmp"));
            if pid % 2 == 0 {
                symlink(&target, &name).unwrap();
            } else {
                fs::hard_link(&target, &name).unwrap();
            }
            planted.push(name);
        }
    }
    // A hard link at a destination the next run updates.
    let hard = outside.join("hard");
    fs::hard_link(&readme, &hard).unwrap();
    let hard_before = fs::read(&hard).unwrap();
    let outside_before = snapshot(&outside);

    ok(&generate(&root, SMALL_B, &[]));
    assert_eq!(
        snapshot(&outside),
        outside_before,
        "nothing outside changed"
    );
    assert_eq!(fs::read(&hard).unwrap(), hard_before);
    let metadata = fs::symlink_metadata(&readme).unwrap();
    assert!(metadata.is_file());
    assert_eq!(
        metadata.nlink(),
        1,
        "the README is a fresh file, not the hard link"
    );
    for name in &planted {
        fs::remove_file(name).unwrap();
    }
    assert_settled(
        &root,
        &generation(SMALL_B),
        "after the planted links are removed",
    );
}

/// A symbolic link planted at a destination after the last run is refused, not followed.
#[test]
fn a_symlink_at_a_destination_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let victim = dir.path().join("victim");
    fs::write(&victim, "victim\n").unwrap();
    ok(&generate(&root, SMALL_A, &[]));
    let readme = root.join(CONTEXT).join("README.md");
    fs::remove_file(&readme).unwrap();
    symlink(&victim, &readme).unwrap();
    let output = generate(&root, SMALL_B, &[]);
    // The file's problem, named with what to do (exit 1), not the `directory` option's (exit 2).
    assert_eq!(status(&output), 1, "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("README.md` is a symbolic link where a generated file goes"),
        "{}",
        describe(&output)
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "victim\n");
    assert!(fs::symlink_metadata(&readme).unwrap().is_symlink());
}

// ---- 5. modes ----

#[test]
fn an_update_keeps_the_file_mode() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ok(&generate(root, SMALL_A, &[]));
    let readme = root.join(CONTEXT).join("README.md");
    // pyproject.toml: its dependencies change with `--api none` (project.json holds only names and
    // tags since the Nx plugin infers the targets, so it does not change here).
    let project = root.join(CONTEXT).join("pyproject.toml");
    fs::set_permissions(&readme, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&project, fs::Permissions::from_mode(0o600)).unwrap();
    let report = ok(&generate(root, SMALL_B, &[]));
    let updated: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["action"] == "update")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(updated.contains(&"libs/orders/README.md"), "{report}");
    assert!(updated.contains(&"libs/orders/pyproject.toml"), "{report}");
    let mode = |path: &Path| fs::metadata(path).unwrap().mode() & 0o7777;
    assert_eq!(mode(&readme), 0o755);
    assert_eq!(mode(&project), 0o600);
    // New files get the usual mode for new files (0666 less the umask, 022 in tests).
    let created = root.join(CONTEXT).join(".python-ddd.json");
    assert_eq!(mode(&created) & 0o644, 0o644);
}

// ---- 4. the lock ----

#[test]
fn a_held_lock_makes_a_run_wait_then_fail_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ok(&generate(root, SMALL_A, &[]));
    let folder = fs::canonicalize(root.join(CONTEXT)).unwrap();
    let held = python_ddd_core::lock::acquire(
        &folder,
        python_ddd_core::lock::Mode::Exclusive,
        Duration::ZERO,
    )
    .unwrap();
    let before = snapshot(root);
    for options in [SMALL_B, &[SMALL_B, &["--dry-run"][..]].concat()[..]] {
        let started = Instant::now();
        let output = generate(root, options, &[("PYTHON_DDD_LOCK_TIMEOUT", "0.3")]);
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(status(&output), 1, "{}", describe(&output));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!(
                "error: another python-ddd run holds the lock on `{}`; gave up after 0.3 s \
                 (PYTHON_DDD_LOCK_TIMEOUT sets the wait in seconds)\n",
                folder.display()
            )
        );
        assert_eq!(snapshot(root), before);
    }
    drop(held);
    ok(&generate(root, SMALL_B, &[]));
}

/// 50 pairs of concurrent runs with different options on one context: each pair ends with the
/// manifest agreeing with the disk, and one of the two options' trees in place.
#[test]
fn concurrent_runs_are_serialised() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ok(&generate(root, SMALL_A, &[]));
    let spawn = |options: &[&str]| {
        Command::new(BINARY)
            .args(["generate", "domain", "orders", "--format", "json", "--root"])
            .arg(root)
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (tree_a, tree_b) = (generation(SMALL_A), generation(SMALL_B));
    for pair in 0..50 {
        let first = spawn(SMALL_A);
        let second = spawn(SMALL_B);
        let (first, second) = (
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        );
        ok(&first);
        ok(&second);
        let manifest: Manifest =
            Manifest::parse(MANIFEST, &fs::read_to_string(root.join(MANIFEST)).unwrap()).unwrap();
        let winner = if manifest.options["api"] == "none" {
            &tree_b
        } else {
            &tree_a
        };
        assert_settled(root, winner, &format!("pair {pair}"));
    }
}

// ---- 3. crashes ----

/// Every step of a create run and of an update run (creates, updates and deletes), crashed in
/// turn: the next run recovers, whichever options it uses.
#[test]
fn a_crash_at_any_failpoint_is_recovered() {
    let started = Instant::now();
    // The smallest context for the create run; the update run also deletes and updates.
    let tiny: &[&str] = &[
        "--persistence",
        "memory",
        "--api",
        "none",
        "--fields",
        "title:str",
    ];
    for (from, to) in [(None, tiny), (Some(SMALL_A), SMALL_B)] {
        let template = tempfile::tempdir().unwrap();
        if let Some(from) = from {
            ok(&generate(template.path(), from, &[]));
        }
        let generations = (from.map(generation), generation(to));
        // Indices are handed out to one worker per core; the first index whose run completes is
        // one past the last step, and no worker goes beyond it.
        let next = AtomicUsize::new(1);
        let completed_at = AtomicUsize::new(usize::MAX);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let at = next.fetch_add(1, Ordering::SeqCst);
                        if at >= completed_at.load(Ordering::SeqCst) {
                            break;
                        }
                        let dir = tempfile::tempdir().unwrap();
                        let root = dir.path();
                        copy_tree(template.path(), root);
                        let at_text = at.to_string();
                        let output = generate(
                            root,
                            to,
                            &[(python_ddd_core::failpoint::ENV, at_text.as_str())],
                        );
                        if output.status.success() {
                            completed_at.fetch_min(at, Ordering::SeqCst);
                            break;
                        }
                        assert!(
                            output.status.code().is_none(),
                            "failpoint {at}: the run should abort; {}",
                            describe(&output)
                        );
                        // Recover with the crashed run's options, or go back to the earlier ones.
                        let next_generation = match (at % 2, &generations.0) {
                            (1, Some(from)) => from,
                            _ => &generations.1,
                        };
                        assert_recovers_in_process(
                            root,
                            next_generation,
                            &format!("after failpoint {at} of {to:?}"),
                        );
                    }
                });
            }
        });
        let steps = completed_at.load(Ordering::SeqCst) - 1;
        // Every file costs at least a create, a write and a rename.
        assert!(steps > 3 * 10, "only {steps} failpoints for {to:?}");
        eprintln!("failpoints: {steps} steps of {to:?} crashed and recovered");
    }
    eprintln!("failpoints: {:.1} s", started.elapsed().as_secs_f64());
}

/// A dry run over a tree a crash left (files renamed, manifest not yet) previews what the real run
/// will do — no file of ours kept or in conflict — and changes nothing, journal included; the real
/// run then recovers.
#[test]
fn a_dry_run_after_a_crash_previews_the_recovery_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ok(&generate(root, SMALL_A, &[]));
    let output = generate(
        root,
        SMALL_B,
        &[(python_ddd_core::failpoint::ENV, "manifest:1")],
    );
    assert!(output.status.code().is_none(), "{}", describe(&output));
    assert!(root.join(CONTEXT).join(".python-ddd.journal").is_file());
    let before = snapshot(root);
    for options in [SMALL_A, SMALL_B] {
        let dry = ok(&generate(
            root,
            &[options, &["--dry-run"][..]].concat(),
            &[],
        ));
        assert_eq!(dry["summary"]["kept"], 0, "{dry}");
        assert_eq!(dry["summary"]["conflict"], 0, "{dry}");
        assert_eq!(snapshot(root), before, "the dry run changed the tree");
    }
    // Every file already has B's content: only the manifest is left to write.
    let dry = ok(&generate(
        root,
        &[SMALL_B, &["--dry-run"][..]].concat(),
        &[],
    ));
    assert_eq!(dry["summary"]["create"], 0, "{dry}");
    assert_eq!(dry["summary"]["delete"], 0, "{dry}");
    assert_recovers(root, SMALL_B, "after the dry runs");
}

/// Real `kill -9` at random moments of runs that alternate between two big contexts.
#[test]
fn kill_9_at_random_moments_is_recovered() {
    let (mut rng, seed) = Rng::from_env();
    let runs: u64 = std::env::var("PYTHON_DDD_KILL_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    // Each states every option the other changes (an option left out keeps what the stored spec
    // says), in memory: switching between field sets would add a migration revision each time.
    let big_a: &[&str] = &[
        "--persistence",
        "memory",
        "--event-bus",
        "kafka",
        "--api",
        "fastapi",
        "--fields",
        "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?",
    ];
    let big_b: &[&str] = &[
        "--persistence",
        "memory",
        "--event-bus",
        "memory",
        "--api",
        "none",
        "--fields",
        "a:str,b:int,c:bool,d:decimal,e:datetime,f:date,g:uuid,h:email,i:money,j:enum(x|y)",
    ];
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // How long a whole run takes here, to aim the kills inside it.
    let started = Instant::now();
    ok(&generate(root, big_a, &[]));
    let span = u64::try_from(started.elapsed().as_micros())
        .unwrap()
        .max(1000);
    let mut killed = 0;
    for run in 0..runs {
        let options = if run % 2 == 0 { big_b } else { big_a };
        let mut child = Command::new(BINARY)
            .args(["generate", "domain", "orders", "--root"])
            .arg(root)
            .args(options)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = rng.below(span);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        killed += u32::from(status.code().is_none());
        let context = format!("seed {seed}, run {run}, killed after {delay} µs ({status})");
        // Half the time the next run goes back to the other options.
        let next = match (rng.below(2), run % 2) {
            (0, _) => options,
            (_, 0) => big_a,
            _ => big_b,
        };
        assert_recovers(root, next, &context);
    }
    assert!(killed > 0, "seed {seed}: no run was killed");
}
