//! Every clap type of the command line.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// pxic — compile `.pxi` Proxmox VE infrastructure into Ansible, Terraform and Packer.
#[derive(Debug, Parser)]
#[command(name = "pxic", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print diagnostics as `human` text or as `json` lines.
    // Global: clap repeats this help under every command, so it stays one line; where
    // each format goes is in docs/cli.md.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value_t = MessageFormat::Human
    )]
    pub message_format: MessageFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check `.pxi` files for errors without writing anything.
    Check(CheckArgs),
    /// Check a project, update `pxi.lock` and write the generated files.
    Build(BuildArgs),
    /// Show what the `.pxi` changes since a git revision do to the generated files.
    Diff(DiffArgs),
    /// Build, check the live cluster, then run the four steps in order: Ansible on
    /// the hosts, Packer for missing templates, Terraform for the guests, Ansible on
    /// the guests.
    Apply(ApplyArgs),
    /// Find out what apply would change, changing nothing on the cluster: Ansible's
    /// check run on the hosts, the templates Packer would build, Terraform's plan
    /// (destruction first).
    Plan(PlanArgs),
    /// Compare the live cluster with the project: guests missing, settings that
    /// differ, guests pxic manages that the project no longer has. Exit 0 in sync,
    /// 1 on drift, 2 when it cannot tell.
    Status(StatusArgs),
    /// Explain a diagnostic code, such as `pxic explain PXI0002`, or list them all
    /// (`pxic explain --list`).
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A `.pxi` file, or a project folder (every `.pxi` file below it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// A folder outside the project that `file("…")` may also read (repeatable). A
    /// `.pxi` file can name only files inside its project unless the command line
    /// allows more.
    #[arg(long, value_name = "DIR")]
    pub files_from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// A project folder (every `.pxi` file below it), or one `.pxi` file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Instead of writing files, print `ir`, the checked plan, as JSON on stdout.
    #[arg(long, value_enum)]
    pub emit: Option<Emit>,
    /// The folder to write `terraform/` (and the other generated folders) into; by
    /// default the project's folder.
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Fail instead of changing `pxi.lock` (for CI).
    #[arg(long)]
    pub locked: bool,
    /// Write nothing; exit 1 with a diff when the generated files (or `pxi.lock`) are
    /// not what the `.pxi` files generate now (for CI).
    #[arg(long, conflicts_with_all = ["emit", "force"])]
    pub check: bool,
    /// Write over generated files edited by hand, and over files in the way that pxic
    /// did not write.
    #[arg(long)]
    pub force: bool,
    /// A folder outside the project that `file("…")` may also read (repeatable). A
    /// `.pxi` file can name only files inside its project unless the command line
    /// allows more.
    #[arg(long, value_name = "DIR")]
    pub files_from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// A project folder (every `.pxi` file below it), or one `.pxi` file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The git revision to compare with: a commit, branch or tag.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub against: String,
    /// A folder outside the project that `file("…")` may also read (repeatable). A
    /// `.pxi` file can name only files inside its project unless the command line
    /// allows more.
    #[arg(long, value_name = "DIR")]
    pub files_from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Run without asking (for CI). Without it, apply asks on a terminal and refuses
    /// to run anywhere else.
    #[arg(long)]
    pub auto_approve: bool,
    /// Print each command, its folder and the names of the variables it reads; run
    /// nothing and contact no cluster.
    #[arg(long)]
    pub dry_run: bool,
    /// Build at most this many templates at once (those cloned from another wait for
    /// it).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..))]
    pub parallel: u16,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub run: RunArgs,
}

/// What `plan` and `apply` share.
#[derive(Clone, Debug, Args)]
pub struct RunArgs {
    /// A project folder (every `.pxi` file below it), or one `.pxi` file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only these steps (comma-separated: hosts, templates, guests, config).
    #[arg(
        long,
        value_name = "STEPS",
        value_delimiter = ',',
        conflicts_with = "skip"
    )]
    pub only: Vec<String>,
    /// Every step but these (comma-separated: hosts, templates, guests, config).
    #[arg(long, value_name = "STEPS", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Stop a step that runs longer than this many minutes (default: no limit).
    #[arg(long, value_name = "MINUTES")]
    pub step_timeout: Option<u64>,
    /// A PEM file of the CA to trust for the cluster's certificate; also read from
    /// PXIC_CA_FILE.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// A folder outside the project that `file("…")` may also read (repeatable).
    #[arg(long, value_name = "DIR")]
    pub files_from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A project folder (every `.pxi` file below it), or one `.pxi` file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// A PEM file of the CA to trust for the cluster's certificate (a node has it at
    /// /etc/pve/pve-root-ca.pem); also read from PXIC_CA_FILE.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// A folder outside the project that `file("…")` may also read (repeatable).
    #[arg(long, value_name = "DIR")]
    pub files_from: Vec<PathBuf>,
}

/// What `pxic build` emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    Ir,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code to explain, such as `PXI0002`.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its name and what it reports, one per line.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

/// The format diagnostics are printed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
