//! What `pxic plan` reports: Terraform's changes (destruction first), the templates
//! Packer would build, and each host's changes from Ansible's check run.

use super::tfplan;
use super::{Builds, Stage, Why};
use crate::diag;
use std::collections::BTreeSet;

/// What `pxic plan` found: the hosts' check run and Terraform's plan.
#[derive(Default)]
pub struct Report {
    pub hosts: Vec<String>,
    pub terraform: Option<tfplan::Changes>,
}

impl Report {
    pub fn text(&self, builds: &Builds, stages: &BTreeSet<Stage>) -> String {
        let templates = stages.contains(&Stage::Templates);
        // A template built again is deleted first: a replacement, shown first and
        // loudly, as Terraform's are (and it happens before them).
        let mut lines: Vec<String> = builds
            .iter()
            .filter(|(_, why)| templates && why.replaces())
            .map(|(name, why)| rebuild_line(name, *why))
            .collect();
        if let Some(changes) = &self.terraform {
            lines.extend(changes.lines());
        }
        if templates {
            if builds.is_empty() {
                lines.push(
                    "Packer: every template is on the cluster and up to date; nothing to build"
                        .into(),
                );
            }
            for (name, why) in builds {
                let verb = if why.replaces() { "rebuilds" } else { "builds" };
                lines.push(format!("Packer: {verb} template {name} ({})", why.words()));
            }
        }
        lines.extend(
            self.hosts
                .iter()
                .map(|h| format!("Ansible on the hosts: {h}")),
        );
        let mut text = diag::escape::lines(&lines.join("\n")).into_owned();
        text.push('\n');
        text
    }
}

/// The line of a template Packer deletes and builds again.
pub fn rebuild_line(name: &str, why: Why) -> String {
    format!(
        "!! rebuild  template {name} ({}; Packer deletes it, then builds it again)",
        why.words()
    )
}

/// The `host : ok=… changed=…` lines of an Ansible run's PLAY RECAP, as
/// `host: N changes`.
pub fn recap(output: &str) -> Vec<String> {
    let Some(start) = output.find("PLAY RECAP") else {
        return Vec::new();
    };
    output[start..]
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (host, counts) = line.split_once(" : ")?;
            let changed = counts
                .split_whitespace()
                .find_map(|c| c.strip_prefix("changed="))?;
            Some(format!("{}: {changed} to change", host.trim()))
        })
        .collect()
}
