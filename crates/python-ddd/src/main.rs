//! `python-ddd`: a thin command line over `python-ddd-core`. Parses arguments, calls the library,
//! prints, and maps the outcome to an exit status:
//!
//! | status | meaning |
//! |--------|---------|
//! | 0 | success (also a dry run that found nothing wrong) |
//! | 1 | something unexpected (I/O, a template bug) |
//! | 2 | invalid options or arguments: every problem is listed |
//! | 3 | conflicts: your edits and the changes overlap; nothing was written (`conflicts: markers`: written with conflict markers) |

mod args;
mod found;
mod generate;
mod json;
mod limits;
mod nx;
mod nx_targets;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// The exit statuses, kept apart so scripts can tell a user's mistake from our failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success = 0,
    Failure = 1,
    Invalid = 2,
    Conflict = 3,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        Self::from(status as u8)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let status = if error.use_stderr() {
                Status::Invalid
            } else {
                Status::Success
            };
            let _ = error.print();
            return status.into();
        }
    };
    let result = match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Schema(args) => output::schema(&args),
        Command::List(args) => output::list(&args),
        Command::Nx => nx::run(),
        Command::NxTargets => nx_targets::run(),
    };
    match result {
        Ok(status) => status.into(),
        Err(error) if output::is_broken_pipe(&error) => Status::Success.into(),
        Err(error) => {
            output::eprint(&format!("error: {error:#}"));
            Status::Failure.into()
        }
    }
}
