//! Printing: results to stdout, errors to stderr, human or JSON. A closed pipe on stdout (`| head`)
//! ends the run quietly instead of panicking.

#![allow(clippy::print_stderr)] // this module is the binary's one place that talks to the terminal

use std::fmt::Write as _;
use std::io::Write;

use python_ddd_core::{Generator, Problem, schema};
use serde_json::json;

use crate::Status;
use crate::args::{Format, ListArgs, SchemaArgs};

pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    print(&format!("{}\n", serde_json::to_string_pretty(value)?))
}

pub fn eprint(text: &str) {
    eprintln!("{text}");
}

pub fn eprint_json(value: &serde_json::Value) {
    eprintln!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Reports invalid options: every problem, each naming its option.
pub fn problems(format: Format, problems: &[Problem]) {
    match format {
        Format::Json => eprint_json(&json!({ "status": "invalid", "problems": problems })),
        Format::Human => {
            let mut text = format!("error: invalid options ({}):\n", problems.len());
            for problem in problems {
                let _ = writeln!(text, "  - {problem}");
            }
            text.push_str(
                "Nothing was written. `python-ddd schema <generator>` lists every option.",
            );
            eprint(&text);
        }
    }
}

pub fn schema(args: &SchemaArgs) -> anyhow::Result<Status> {
    if let Some(dir) = &args.write {
        std::fs::create_dir_all(dir)?;
        for &generator in Generator::ALL {
            let path = dir.join(schema::schema_file_name(generator));
            std::fs::write(&path, schema::schema_text(generator))?;
            print(&format!("wrote {}\n", path.display()))?;
        }
        let path = dir.join(python_ddd_core::spec::SCHEMA_FILE_NAME);
        std::fs::write(&path, python_ddd_core::spec::schema_text())?;
        print(&format!("wrote {}\n", path.display()))?;
        return Ok(Status::Success);
    }
    if args.spec {
        print(&python_ddd_core::spec::schema_text())?;
        return Ok(Status::Success);
    }
    let name = args.generator.as_deref().unwrap_or_default();
    let Some(generator) = Generator::find(name) else {
        eprint(&format!(
            "error: unknown generator `{name}`; `python-ddd list` shows them"
        ));
        return Ok(Status::Invalid);
    };
    if args.markdown {
        print(&schema::options_table(generator))?;
    } else {
        print(&schema::schema_text(generator))?;
    }
    Ok(Status::Success)
}

pub fn list(args: &ListArgs) -> anyhow::Result<Status> {
    match args.format {
        Format::Json => print_json(&json!(
            Generator::ALL
                .iter()
                .map(|g| json!({ "name": g.name(), "aliases": g.aliases(), "description": g.description() }))
                .collect::<Vec<_>>()
        ))?,
        Format::Human => {
            let mut text = String::new();
            let width = Generator::ALL
                .iter()
                .map(|generator| generator.name().len())
                .max()
                .unwrap_or_default();
            for generator in Generator::ALL {
                let _ = writeln!(
                    text,
                    "{:<width$} {} (aliases: {})",
                    generator.name(),
                    generator.description(),
                    generator.aliases().join(", ")
                );
            }
            print(&text)?;
        }
    }
    Ok(Status::Success)
}
