//! `pxic status [PATH]`: read the live cluster through its API and report how it
//! differs from the project (see `drift`) and what keeps it from taking the project
//! (see `preflight`). Exit 0 in sync, 1 on drift or a preflight error, 2 when it
//! cannot tell (the project has errors, the cluster cannot be read).

use super::args::{MessageFormat, StatusArgs};
use super::project;
use super::{Outcome, Printer};
use crate::diag::{self, Diagnostic};
use crate::drift::{self, Drift};
use crate::preflight::{self, HostStep};
use crate::pve::{self, Client, connect, drift_of};
use std::collections::BTreeMap;

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
    let nodes = pve::nodes(client)?;
    let mut unfit = preflight::check(plan, &pve::version(client)?, &nodes);
    unfit.extend(node_checks(client, plan, &nodes, HostStep::Skipped)?);
    let live = pve::guests(client)?;
    let mut drift = drift_of(client, plan, &live)?;
    // An offline node answers nothing about its guests (preflight reports it).
    let online: Vec<&pve::LiveGuest> = live
        .iter()
        .filter(|g| nodes.iter().any(|n| n.name == g.node && n.online))
        .collect();
    drift.extend(hardware_drift(client, plan, &online, &drift)?);
    let reachable: Vec<pve::LiveGuest> = online.iter().map(|g| (*g).clone()).collect();
    drift.extend(template_drift(client, plan, &reachable, &mut unfit)?);
    drift.sort_by_key(Drift::vmid);
    Ok((live.len(), drift, unfit))
}

/// The Packer templates on the cluster that `apply` would build again: built from
/// other inputs than the project gives now, or without a record of them (one read of
/// each template's description). Missing ones are drift already.
fn template_drift(
    client: &Client,
    plan: &crate::ir::Plan,
    live: &[pve::LiveGuest],
    problems: &mut Vec<Diagnostic>,
) -> Result<Vec<Drift>, Diagnostic> {
    use crate::backend::packer;
    let fingerprints = packer::fingerprints(plan);
    let wanted = fingerprints.keys().cloned().collect();
    let stale = crate::runner::templates::stale(
        plan,
        &wanted,
        &fingerprints,
        live,
        &mut super::apply::Api(client),
        problems,
    )?;
    let mut drift = Vec::new();
    for (name, why) in stale.into_iter().filter(|(_, why)| why.replaces()) {
        let Some(template) = plan.templates.get(&name) else {
            continue;
        };
        let have = live
            .iter()
            .find(|g| g.vmid == template.vmid)
            .map(|g| pve::description(client, g))
            .transpose()?
            .and_then(|d| packer::fingerprint_in(&d).map(|f| f[..12].to_string()))
            .unwrap_or_else(|| "none recorded".to_string());
        drift.push(Drift::Differs {
            kind: drift::Kind::Template,
            name,
            vmid: template.vmid,
            field: format!("build inputs ({})", why.words()),
            want: fingerprints[&template.name][..12].to_string(),
            have,
        });
    }
    Ok(drift)
}

/// How many configurations are read at once: a cluster's API serves several
/// requests side by side, and a thousand guests read one by one take seconds.
const CONFIG_READERS: usize = 4;

/// The drift of the disks and NICs of the plan's guests that are on the cluster as
/// the plan's kind of guest: one read of each one's configuration.
fn hardware_drift(
    client: &Client,
    plan: &crate::ir::Plan,
    live: &[&pve::LiveGuest],
    found: &[Drift],
) -> Result<Vec<Drift>, Diagnostic> {
    let wanted = drift::guests(plan);
    let volumes = drift::volumes(plan);
    // Missing, held by another guest, or another kind of guest: nothing to compare.
    let skip: std::collections::BTreeSet<u32> = found
        .iter()
        .filter(|d| match d {
            Drift::Missing { .. } | Drift::Taken { .. } => true,
            Drift::Differs { field, .. } => field == "kind",
            Drift::Orphan { .. } => false,
        })
        .map(Drift::vmid)
        .collect();
    let compared: Vec<(&pve::LiveGuest, drift::Kind, &crate::ir::Guest)> = live
        .iter()
        .filter(|g| !skip.contains(&g.vmid))
        .filter_map(|g| wanted.get(&g.vmid).map(|(kind, want)| (*g, *kind, *want)))
        .collect();
    // Side by side, as the readers of `parallel` split work; results in VMID order.
    let parts = crate::parallel::map_ranges(compared.len(), CONFIG_READERS, |range| {
        let mut drift = Vec::new();
        for (have, kind, want) in &compared[range] {
            let config = pve::config(client, have)?;
            drift.extend(drift::hardware(*kind, want, &config));
            if let Some(volumes) = volumes.get(&want.vmid) {
                drift.extend(drift::volume_drift(*kind, want, volumes, &config));
            }
        }
        Ok::<_, Diagnostic>(drift)
    });
    let mut drift = Vec::new();
    for part in parts {
        drift.extend(part?);
    }
    Ok(drift)
}

/// Preflight's checks of the storages and bridges of the plan's nodes: one read of
/// each for every node the plan uses that is online.
pub(super) fn node_checks(
    client: &Client,
    plan: &crate::ir::Plan,
    nodes: &[pve::LiveNode],
    host_step: HostStep,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let mut storages = BTreeMap::new();
    let mut bridges = BTreeMap::new();
    for node in preflight::nodes_to_read(plan, nodes) {
        storages.insert(node.clone(), pve::storages(client, &node)?);
        bridges.insert(node.clone(), pve::bridges(client, &node)?);
    }
    let mut problems = preflight::storages(plan, &storages, host_step);
    problems.extend(preflight::bridges(plan, &bridges, host_step));
    Ok(problems)
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
