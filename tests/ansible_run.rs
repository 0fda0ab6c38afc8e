//! The generated playbooks, run for real: four Debian 12 targets booted with
//! systemd-nspawn in network namespaces (`tests/ansible/targets/`) stand in for a
//! Proxmox host, two VMs and a container. No Proxmox or VM can exist here, so the
//! narrowest seams are faked: `pvesm` and `pveum` are stubs on the targets that log
//! and remember, `cloud-init status --wait` answers at once, and apt installs from an
//! offline signed repository. Everything else is real: systemd, sshd, apt, users,
//! ufw, nginx, ifupdown2. `site.yml` must succeed, and a second run must change
//! nothing. Needs root and Debian's apt (for debootstrap); it fails, never skips.

mod common;

use common::{run, script};
use std::path::PathBuf;
use std::process::Command;

/// Stops the targets however the test ends.
struct Targets;

impl Drop for Targets {
    fn drop(&mut self) {
        let (ok, output) = run(&mut script("tests/ansible/targets/down.sh"));
        if !ok {
            eprintln!("tests/ansible/targets/down.sh failed:\n{output}");
        }
    }
}

/// The `ok`, `changed`, `unreachable` and `failed` counts of each host in a run's
/// PLAY RECAP.
fn recap(output: &str) -> Vec<(String, [u32; 4])> {
    let Some(start) = output.find("PLAY RECAP") else {
        return Vec::new();
    };
    output[start..]
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (host, counts) = line.split_once(" : ")?;
            let count = |key: &str| {
                counts
                    .split_whitespace()
                    .find_map(|c| c.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
                    .unwrap_or(u32::MAX)
            };
            Some((
                host.trim().to_string(),
                [
                    count("ok"),
                    count("changed"),
                    count("unreachable"),
                    count("failed"),
                ],
            ))
        })
        .collect()
}

#[test]
fn the_generated_playbooks_configure_real_targets_and_a_second_run_changes_nothing() {
    let project = common::repo().join("tests/ui/emit/ansible_run");
    let plan = common::plan_of(&project);
    let base_vmid = plan.templates["built"].base_vmid.expect("a clone build");
    let files = pxic::backend::ansible::emit(&plan);
    let out = common::write_case("ansible-run", "site", &files);
    let ansible: PathBuf = out.join("ansible");

    let (ok, output) = run(Command::new("bash").arg(common::repo().join("tests/ansible/setup.sh")));
    assert!(ok, "tests/ansible/setup.sh failed:\n{output}");
    let (ok, output) = run(&mut script("tests/ansible/targets/base.sh"));
    assert!(ok, "tests/ansible/targets/base.sh failed:\n{output}");
    let (ok, output) = run(script("tests/ansible/targets/up.sh").arg("4"));
    let _targets = Targets;
    assert!(ok, "tests/ansible/targets/up.sh failed:\n{output}");

    let venv = common::repo().join("target/ansible-venv/bin");
    let (ok, merged) = run(Command::new(venv.join("python"))
        .arg(common::repo().join("tests/ansible/targets/merge-inventory.py"))
        .arg(ansible.join("inventory.yml")));
    assert!(ok, "merge-inventory.py failed:\n{merged}");
    std::fs::write(ansible.join("ci-inventory.yml"), merged).expect("write");
    // The targets' offline repository stands in for Proxmox's.
    std::fs::write(
        ansible.join("ci-vars.yml"),
        "---\npxi_pve_repository_url: \"file:/srv/pxrepo\"\npxi_pve_repository_suite: \"./\"\npxi_pve_repository_components: []\n",
    )
    .expect("write");

    // The API token pxic's Terraform and Packer use is saved on this machine.
    let token = out.join("lab.token");
    let ansible_command = |program: &str, args: &[&str]| {
        run(Command::new(venv.join(program))
            .args(["-i", "ci-inventory.yml", "-e", "@ci-vars.yml", "-e"])
            .arg(format!("pxi_api_token_file={}", token.display()))
            .args(args)
            .current_dir(&ansible)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    venv.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("ANSIBLE_HOME", out.join(".ansible-home"))
            .env("ANSIBLE_LOCAL_TEMP", out.join(".ansible-tmp"))
            .env("ANSIBLE_NOCOLOR", "1"))
    };
    let playbook = || ansible_command("ansible-playbook", &["site.yml"]);
    let (ok, first) = playbook();
    assert!(ok, "the first run failed:\n{first}");
    let hosts = recap(&first);
    assert_eq!(hosts.len(), 4, "four hosts in the recap:\n{first}");
    assert!(
        hosts
            .iter()
            .all(|(_, [_, changed, unreachable, failed])| *changed > 0
                && *unreachable == 0
                && *failed == 0),
        "every host is configured on the first run:\n{first}"
    );

    let saved = std::fs::read_to_string(&token).expect("the API token was saved");
    assert!(saved.starts_with("pxic@pve!pxic="), "{saved}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token)
            .expect("token")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the token is readable by its owner only"
        );
    }
    assert!(
        !first.contains(saved.trim().split('=').nth(1).unwrap_or("?")),
        "the secret never appears in Ansible's output"
    );

    // The base VM of the clone build: made from the downloaded image, grown, templated.
    let (ok, config) = ansible_command(
        "ansible",
        &[
            "pve1",
            "-m",
            "ansible.builtin.command",
            "-a",
            &format!("qm config {base_vmid}"),
        ],
    );
    assert!(ok, "the base VM {base_vmid} exists on pve1:\n{config}");
    for line in [
        "scsi0: local-lvm:0,import-from=local:import/test-cloud.qcow2",
        "scsi0-size: 4G",
        "template: 1",
    ] {
        assert!(config.contains(line), "base VM lacks `{line}`:\n{config}");
    }
    // What Packer's ansible provisioner runs on the build VM, run here on a VM target.
    let (ok, template) = ansible_command(
        "ansible-playbook",
        &["template-built.yml", "--limit", "web-1"],
    );
    assert!(ok, "the template's playbook failed:\n{template}");

    let (ok, second) = playbook();
    assert!(ok, "the second run failed:\n{second}");
    let hosts = recap(&second);
    assert_eq!(hosts.len(), 4, "four hosts in the recap:\n{second}");
    for (host, [_, changed, unreachable, failed]) in &hosts {
        assert_eq!(
            (*changed, *unreachable, *failed),
            (0, 0, 0),
            "{host} changed on the second run:\n{second}"
        );
    }
}
