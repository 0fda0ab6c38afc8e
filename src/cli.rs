//! The `pxic` command line: parse arguments, run one command, print its diagnostics,
//! exit. Each command is a file with a `run` function; this file is where diagnostics
//! are printed.

mod apply;
mod args;
mod build;
mod check;
mod diff;
mod explain;
mod project;
mod status;
mod textdiff;

pub use args::{Cli, Command, MessageFormat};

use crate::diag::render::{self, Style};
use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;
use clap::Parser;
use std::io::{ErrorKind, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

/// How a command ended, as the process exit code says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 0: no errors (warnings allowed).
    Clean,
    /// 1: the input has errors.
    Errors,
    /// 2: the command could not run: bad usage, a path that cannot be read.
    Unusable,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Clean => 0,
            Outcome::Errors => 1,
            Outcome::Unusable => 2,
        })
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::for_terminal(cli.message_format);
    let outcome = match &cli.command {
        Command::Check(args) => check::run(args, &printer),
        Command::Build(args) => build::run(args, &printer),
        Command::Diff(args) => diff::run(args, &printer),
        Command::Status(args) => status::run(args, &printer),
        Command::Apply(args) => apply::run(args, &printer),
        Command::Plan(args) => apply::plan(args, &printer),
        Command::Explain(args) => explain::run(args),
    };
    let flushed = std::io::stdout().lock().flush();
    stdout_result(flushed);
    // A reader that went away (`pxic … | head`) had what it wanted: pxic stops
    // writing and still says how the run ended, so `set -o pipefail` in CI sees errors.
    match STDOUT.load(Ordering::Relaxed) {
        FAILED => Outcome::Unusable.into(),
        _ => outcome.into(),
    }
}

/// What became of the writes on stdout: [`OPEN`], [`CLOSED`] (the reader went away)
/// or [`FAILED`] (any other error, a full disk say). Once not open, nothing more is
/// written there.
static STDOUT: AtomicU8 = AtomicU8::new(OPEN);
const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;

/// Writes a command's output (a diff, the IR, a page) on stdout; whether it was
/// written. When it was not, the command ends with its own exit code if the reader
/// went away, or 2, with a message on stderr, if writing failed. (Rust's `print!` would
/// panic instead.)
pub(crate) fn print_stdout(text: &str) -> bool {
    if STDOUT.load(Ordering::Relaxed) != OPEN {
        return false;
    }
    let mut out = std::io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    stdout_result(written)
}

/// Records how a write on stdout went; whether it succeeded.
fn stdout_result(result: std::io::Result<()>) -> bool {
    match result {
        Ok(()) => STDOUT.load(Ordering::Relaxed) == OPEN,
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            let _ = STDOUT.compare_exchange(OPEN, CLOSED, Ordering::Relaxed, Ordering::Relaxed);
            false
        }
        Err(e) => {
            if STDOUT.swap(FAILED, Ordering::Relaxed) != FAILED {
                print_stderr(&format!("error: cannot write the output on stdout: {e}\n"));
            }
            false
        }
    }
}

/// Writes on stderr; a stderr that cannot be written to is not worth a panic.
fn print_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints diagnostics in the chosen format: human text on stderr, or JSON lines on
/// stdout.
#[derive(Clone, Copy)]
pub struct Printer {
    format: MessageFormat,
    style: Style,
    width: usize,
    /// JSON diagnostics go to stderr when stdout carries a command's output.
    json_on_stderr: bool,
}

impl Printer {
    /// Colour only on a terminal and when `NO_COLOR` is unset.
    fn for_terminal(format: MessageFormat) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let style = if !no_color && std::io::stderr().is_terminal() {
            Style::Colored
        } else {
            Style::Plain
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100);
        Printer {
            format,
            style,
            width,
            json_on_stderr: false,
        }
    }

    pub fn format(&self) -> MessageFormat {
        self.format
    }

    /// The same printer, keeping stdout for the command's own output.
    pub fn keeping_stdout(&self) -> Printer {
        Printer {
            json_on_stderr: true,
            ..*self
        }
    }

    pub fn print(&self, sources: &SourceMap, diagnostics: &[Diagnostic]) {
        match self.format {
            MessageFormat::Human => {
                let mut err = std::io::stderr().lock();
                for d in diagnostics {
                    let _ = write!(
                        err,
                        "{}",
                        render::render(sources, d, self.style, self.width)
                    );
                    let _ = writeln!(err);
                }
            }
            MessageFormat::Json if self.json_on_stderr => {
                let mut err = std::io::stderr().lock();
                for d in diagnostics {
                    let _ = writeln!(err, "{}", render::to_json(sources, d));
                }
            }
            MessageFormat::Json => {
                let mut lines = String::new();
                for d in diagnostics {
                    lines.push_str(&render::to_json(sources, d));
                    lines.push('\n');
                }
                print_stdout(&lines);
            }
        }
    }

    /// A closing line on stderr for people ("2 errors, 1 warning in 3 files").
    pub fn summary(&self, files: usize, diagnostics: &[Diagnostic]) {
        if self.format != MessageFormat::Human {
            return;
        }
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diagnostics.len() - errors;
        let files = plural(files, "file");
        let line = match (errors, warnings) {
            (0, 0) => format!("checked {files}: no problems"),
            (0, w) => format!("checked {files}: {}", plural(w, "warning")),
            (e, 0) => format!("checked {files}: {}", plural(e, "error")),
            (e, w) => format!(
                "checked {files}: {}, {}",
                plural(e, "error"),
                plural(w, "warning")
            ),
        };
        print_stderr(&format!("{line}\n"));
    }

    /// A line of progress for people, on stderr; nothing with `--message-format json`.
    /// It may name files, whose names are escaped for the terminal.
    pub fn note(&self, line: &str) {
        if self.format == MessageFormat::Human {
            print_stderr(&format!("{}\n", crate::diag::escape::line(line)));
        }
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
