//! Running `ansible-playbook` the way Packer's ansible provisioner does
//! (packer-plugin-ansible, `provisioner/ansible/provisioner.go`: `createInventoryFile`
//! and `createCmdArgs`, with `use_proxy = false`): an INI inventory of one line in an
//! extension-less temporary file, the provisioner's `-e`/`--ssh-extra-args`
//! arguments, and the `ansible_env_vars` of the generated template added to the
//! environment. Paths are those of `packer build packer/<name>.pkr.hcl` run from the
//! project's root, where `${path.root}` is `packer`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a generated template's `provisioner "ansible"` block says.
pub struct Provisioner {
    /// `playbook_file`, relative to the project's root.
    pub playbook: String,
    /// `ansible_env_vars`, as `NAME=value`.
    pub env: Vec<(String, String)>,
}

/// The ansible provisioner of a generated template, if it has one.
pub fn provisioner(template: &str) -> Option<Provisioner> {
    let start = template.find("provisioner \"ansible\" {")?;
    let block = &template[start..start + template[start..].find("\n  }")?];
    let value = |key: &str| -> Option<String> {
        let line = block
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{key} ")))?;
        Some(line.split_once('=')?.1.trim().to_string())
    };
    let root = |text: &str| text.replace("${path.root}", "packer");
    let playbook = root(value("playbook_file")?.trim_matches('"'));
    let env = value("ansible_env_vars")?
        .trim_matches(['[', ']'])
        .split(',')
        .filter_map(|item| {
            let item = root(item.trim().trim_matches('"'));
            let (name, value) = item.split_once('=')?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    Some(Provisioner { playbook, env })
}

/// Where the connection goes.
pub struct Target<'a> {
    pub host: &'a str,
    pub user: &'a str,
    pub key: &'a Path,
}

/// `ansible-playbook` (from `venv`) as the provisioner runs it, in `project` (the
/// folder holding `packer/` and `ansible/`), with `extra` arguments before `-i`.
pub fn command(
    venv: &Path,
    project: &Path,
    provisioner: &Provisioner,
    target: &Target,
    extra: &[&str],
) -> Command {
    let scratch: PathBuf = project.join(".packer-tmp");
    std::fs::create_dir_all(&scratch).expect("mkdir");
    // os.CreateTemp(dir, "packer-provisioner-ansible"): no extension.
    let inventory = scratch.join("packer-provisioner-ansible3141592653");
    std::fs::write(
        &inventory,
        format!(
            "default ansible_host={} ansible_user={} ansible_port=22\n",
            target.host, target.user
        ),
    )
    .expect("write the inventory");
    let playbook = project.join(&provisioner.playbook);
    let mut command = Command::new(venv.join("ansible-playbook"));
    command
        .args(["-e", "packer_builder_type=proxmox-clone"])
        .args(["--ssh-extra-args", "'-o IdentitiesOnly=yes'"])
        .arg("-e")
        .arg(format!(
            "ansible_ssh_private_key_file={}",
            target.key.display()
        ))
        .args(extra)
        .arg("-i")
        .arg(&inventory)
        .arg(&playbook)
        .current_dir(project)
        .env(
            "PATH",
            format!(
                "{}:{}",
                venv.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("ANSIBLE_HOME", scratch.join("ansible-home"))
        .env("ANSIBLE_LOCAL_TEMP", scratch.join("ansible-tmp"))
        .env("ANSIBLE_NOCOLOR", "1");
    for (name, value) in &provisioner.env {
        command.env(name, value);
    }
    command
}
