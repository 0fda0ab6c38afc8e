//! The runner behind `pxic apply`: the four steps that take a built project to a
//! configured estate, in the one order that works, encoded here and nowhere else:
//!
//! 0. before the first playbook, `ansible-galaxy install -r requirements.yml`;
//! 1. `hosts`: Ansible configures the Proxmox hosts (`ansible/proxmox-hosts.yml`):
//!    networks, storage, the API user, the base VMs Packer clones;
//! 2. `templates`: Packer builds each template the cluster does not have yet, or
//!    whose build inputs changed since it was built (`templates.rs`);
//! 3. `guests`: Terraform makes the VMs and containers (`init`, `plan -out`, `apply` of
//!    exactly that plan);
//! 4. `config`: Ansible waits for the guests and configures them (`ansible/vms.yml`).
//!
//! This file decides which commands run (pure); `exec.rs` runs one, with its log.

pub mod exec;
pub mod place;
pub mod progress;
pub mod redact;
pub mod report;
pub mod schedule;
pub mod templates;
pub mod tfplan;

use crate::backend::PROVIDER_TOKEN_ENV;
use crate::ir::{Builder, Plan};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
pub use templates::{Builds, Why};

/// A step of the run, as `--only` and `--skip` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Hosts,
    Templates,
    Guests,
    Config,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Hosts, Stage::Templates, Stage::Guests, Stage::Config];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Hosts => "hosts",
            Stage::Templates => "templates",
            Stage::Guests => "guests",
            Stage::Config => "config",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == text.trim())
    }
}

/// One command of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub stage: Stage,
    /// What it does, for people (`packer build ubuntu-2404`).
    pub title: String,
    /// A short name for its log file (`templates-ubuntu-2404-build`).
    pub slug: String,
    pub program: &'static str,
    pub args: Vec<String>,
    /// The folder it runs in.
    pub dir: PathBuf,
    /// Variables set for it, besides the environment it inherits.
    pub env: Vec<(String, String)>,
    /// The variables of the inherited environment it reads (names only, for
    /// `--dry-run`: the values may be secrets).
    pub reads: Vec<String>,
    /// Whether the runner reads what it prints on stdout (`terraform show -json`).
    pub capture: bool,
    /// The templates whose builds must succeed before this one starts (a template
    /// cloned from another); the builds of a run go side by side otherwise.
    pub after: Vec<String>,
}

impl Step {
    /// Whether it builds a template: such steps, one after the other in the list, run
    /// side by side.
    pub fn builds_template(&self) -> bool {
        self.stage == Stage::Templates
            && self.program == "packer"
            && self.args.first().is_some_and(|a| a == "build")
    }
}

/// The Terraform plan file `apply` applies, in `terraform/`.
pub const TERRAFORM_PLAN: &str = "pxic.tfplan";

/// What the run is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `pxic apply`: change the cluster.
    Apply,
    /// `pxic plan`: only find out what apply would change (Ansible `--check --diff`
    /// on the hosts, Terraform's plan); no template is built, no guest configured.
    Plan,
}

/// Where the tools reach the cluster: where pxic's own checks reached it. The
/// generated files name the project's endpoint; Terraform's and Packer's are
/// variables the runner sets, since a provider's `endpoint` written in its block wins
/// over the provider's own `PROXMOX_VE_ENDPOINT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// `https://host:port`.
    pub endpoint: String,
    /// The CA the tools trust (Go reads `SSL_CERT_FILE`), from `--ca-file` or
    /// `PXIC_CA_FILE`.
    pub ca_file: Option<PathBuf>,
}

impl Reach {
    /// The variables a tool that talks to the API gets.
    fn env(&self, url_variable: &str, url: String) -> Vec<(String, String)> {
        let mut env = vec![(url_variable.to_string(), url)];
        if let Some(ca) = &self.ca_file {
            env.push(("SSL_CERT_FILE".into(), ca.to_string_lossy().into_owned()));
        }
        env
    }
}

/// The steps for a plan whose files are in `out`, in order: `stages` are the ones
/// to run, `builds` the templates Packer must build (see `templates::to_build`).
pub fn steps(
    plan: &Plan,
    out: &Path,
    reach: &Reach,
    stages: &BTreeSet<Stage>,
    builds: &Builds,
    mode: Mode,
) -> Vec<Step> {
    let token = plan
        .cluster
        .token
        .as_ref()
        .map_or(PROVIDER_TOKEN_ENV, |s| s.env.as_str())
        .to_string();
    let ansible = out.join("ansible");
    // The generated configuration, for every Ansible command of the run.
    let ansible_env = vec![(
        "ANSIBLE_CONFIG".to_string(),
        ansible.join("ansible.cfg").to_string_lossy().into_owned(),
    )];
    let playbook = |stage: Stage, file: &str, title: &str| Step {
        stage,
        title: title.to_string(),
        slug: stage.name().to_string(),
        program: "ansible-playbook",
        args: ["-i", "inventory.yml", file]
            .into_iter()
            .chain(if mode == Mode::Plan {
                vec!["--check", "--diff"]
            } else {
                Vec::new()
            })
            .map(str::to_string)
            .collect(),
        dir: ansible.clone(),
        env: ansible_env.clone(),
        reads: vec![token.clone()],
        // `plan` reads the PLAY RECAP of the check run.
        capture: mode == Mode::Plan,
        after: Vec::new(),
    };
    let mut all = Vec::new();
    if !plan.hosts.is_empty() {
        all.push(playbook(
            Stage::Hosts,
            "proxmox-hosts.yml",
            "configure the Proxmox hosts",
        ));
    }
    // Packer first installs each file's plugins, one file at a time (two `packer
    // init` at once would write the same plugin folder); then the builds, which the
    // run starts side by side, each after the template it clones.
    let building: Vec<(&crate::ir::Template, Why)> = plan
        .templates
        .values()
        .filter_map(|t| {
            let why = builds.get(&t.name)?;
            (mode == Mode::Apply && t.builder == Builder::Packer).then_some((t, *why))
        })
        .collect();
    let needs: Vec<schedule::Needs> = building
        .iter()
        .map(|(t, _)| {
            (0..building.len())
                .filter(|&o| t.base_vmid == Some(building[o].0.vmid))
                .collect()
        })
        .collect();
    let packer = |template: &crate::ir::Template, verb: &str, args: Vec<String>| Step {
        stage: Stage::Templates,
        title: format!("packer {verb} {}", template.name),
        slug: format!("templates-{}-{verb}", template.name),
        program: "packer",
        args: std::iter::once(verb.to_string()).chain(args).collect(),
        dir: out.join("packer"),
        env: reach.env(
            &format!("PKR_VAR_{}", crate::backend::packer::URL_VARIABLE),
            format!("{}/api2/json", reach.endpoint),
        ),
        reads: vec![token.clone()],
        capture: false,
        after: Vec::new(),
    };
    for (template, _) in &building {
        all.push(packer(
            template,
            "init",
            vec![format!("{}.pkr.hcl", template.name)],
        ));
    }
    for i in schedule::order(&needs) {
        let (template, why) = building[i];
        // A template that is there is deleted first, then built again.
        let force = why.replaces().then(|| "-force".to_string());
        let file = format!("{}.pkr.hcl", template.name);
        let mut step = packer(template, "build", force.into_iter().chain([file]).collect());
        step.after = needs[i]
            .iter()
            .map(|&o| building[o].0.name.clone())
            .collect();
        all.push(step);
    }
    let terraform = |verb: &str, args: &[&str]| Step {
        stage: Stage::Guests,
        title: format!("terraform {verb}"),
        slug: format!("guests-{verb}"),
        program: "terraform",
        args: std::iter::once(verb)
            .chain(args.iter().copied())
            .map(str::to_string)
            .collect(),
        dir: out.join("terraform"),
        // Never a prompt: the runner has asked already, and has no terminal to lend.
        env: std::iter::once(("TF_INPUT".to_string(), "0".to_string()))
            .chain(reach.env(
                &format!("TF_VAR_{}", crate::backend::terraform::ENDPOINT_VARIABLE),
                format!("{}/", reach.endpoint),
            ))
            .collect(),
        reads: vec![token.clone()],
        capture: verb == "show",
        after: Vec::new(),
    };
    all.push(terraform("init", &["-input=false"]));
    all.push(terraform("plan", &["-input=false", "-out", TERRAFORM_PLAN]));
    // What the plan does, read before it is applied: destruction is shown first.
    all.push(terraform("show", &["-json", TERRAFORM_PLAN]));
    if mode == Mode::Apply {
        all.push(terraform("apply", &["-input=false", TERRAFORM_PLAN]));
    }
    if mode == Mode::Apply && (!plan.vms.is_empty() || !plan.containers.is_empty()) {
        all.push(playbook(Stage::Config, "vms.yml", "configure the guests"));
    }
    all.retain(|s| stages.contains(&s.stage));
    // The collections and Galaxy roles the playbooks use, before the first of them.
    if let Some(first) = all.iter().position(|s| s.program == "ansible-playbook") {
        let stage = all[first].stage;
        all.insert(
            first,
            Step {
                stage,
                title: "install the Ansible collections and Galaxy roles".to_string(),
                slug: format!("{}-galaxy", stage.name()),
                program: "ansible-galaxy",
                args: ["install", "-r", "requirements.yml"]
                    .map(str::to_string)
                    .to_vec(),
                dir: ansible.clone(),
                env: ansible_env.clone(),
                reads: Vec::new(),
                capture: false,
                after: Vec::new(),
            },
        );
    }
    all
}

/// The programs the steps need, each once, in order.
pub fn programs(steps: &[Step]) -> Vec<&'static str> {
    let mut seen = Vec::new();
    for step in steps {
        if !seen.contains(&step.program) {
            seen.push(step.program);
        }
    }
    seen
}

/// How to install a program the run needs.
pub fn install_hint(program: &str) -> &'static str {
    match program {
        "ansible-playbook" => {
            "install Ansible (`pipx install ansible-core`, or your distribution's `ansible` package)"
        }
        "packer" => {
            "install Packer from https://developer.hashicorp.com/packer/install (then `packer init` fetches the proxmox plugin)"
        }
        "terraform" => {
            "install Terraform (or OpenTofu as `terraform`) from https://developer.hashicorp.com/terraform/install"
        }
        _ => "install it and make sure it is on PATH",
    }
}
