//! `pxic status [PATH]`: read the live cluster through its API and report how it
//! differs from the project (see `drift`) and what keeps it from taking the project
//! (see `preflight`). Exit 0 in sync, 1 on drift or a preflight error, 2 when it
//! cannot tell (the project has errors, the cluster cannot be read).

use super::args::{MessageFormat, StatusArgs};
use super::project;
use super::{Outcome, Printer};
use crate::diag::{self, Diagnostic};
use crate::drift::Drift;
use crate::preflight;
use crate::pve::{self, Client, connect, drift_of};

pub fn run(args: &StatusArgs, printer: &Printer) -> Outcome {
    let printer = &printer.keeping_stdout();
    let (loaded, plan) =
        match project::load_plan(&args.path, &args.files_from, printer, Outcome::Unusable) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
    let plan = &plan;
    let mut problems = Vec::new();
    let report = connect(plan, args.ca_file.clone(), &mut problems)
        .and_then(|client| read_drift(&client, plan));
    let (guests, drift, unfit) = match report {
        Ok(found) => found,
        Err(problem) => {
            problems.push(problem);
            printer.print(&loaded.sources, &problems);
            return Outcome::Unusable;
        }
    };
    problems.extend(unfit);
    printer.print(&loaded.sources, &problems);
    print_report(printer, guests, &drift);
    if drift.is_empty() && !diag::has_errors(&problems) {
        Outcome::Clean
    } else {
        Outcome::Errors
    }
}

/// How many guests the cluster has, their drift from the plan, and the reasons the
/// cluster cannot take the plan.
type Report = (usize, Vec<Drift>, Vec<Diagnostic>);

fn read_drift(client: &Client, plan: &crate::ir::Plan) -> Result<Report, Diagnostic> {
    pve::require_audit(client)?;
    let unfit = preflight::check(plan, &pve::version(client)?, &pve::nodes(client)?);
    let live = pve::guests(client)?;
    let drift = drift_of(client, plan, &live)?;
    Ok((live.len(), drift, unfit))
}

fn print_report(printer: &Printer, guests: usize, drift: &[Drift]) {
    if printer.format() == MessageFormat::Json {
        let report = serde_json::json!({
            "in_sync": drift.is_empty(),
            "guests": guests,
            "drift": drift,
        });
        super::print_stdout(&format!("{report}\n"));
        return;
    }
    let mut text = String::new();
    for d in drift {
        text.push_str(&diag::escape::line(&d.line()));
        text.push('\n');
    }
    text.push_str(&match drift.len() {
        0 => format!(
            "in sync: the cluster's {} match the project\n",
            super::plural(guests, "guest")
        ),
        n => format!(
            "drift: {} between the project and the cluster ({} on it)\n",
            super::plural(n, "difference"),
            super::plural(guests, "guest")
        ),
    });
    super::print_stdout(&text);
}
