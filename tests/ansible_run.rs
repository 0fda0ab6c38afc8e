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
/// PLAY RECAP (in each recap, when the output is that of several runs).
fn recap(output: &str) -> Vec<(String, [u32; 4])> {
    output
        .match_indices("PLAY RECAP")
        .flat_map(|(start, _)| recap_at(&output[start..]))
        .collect()
}

fn recap_at(output: &str) -> Vec<(String, [u32; 4])> {
    output
        .lines()
        .skip(1)
        .take_while(|line| line.contains(" : "))
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
    // site.yml is step 1 (the hosts); vms.yml is step 4, once Packer and Terraform
    // have made the guests (here they are targets already).
    let playbook = || {
        let (ok, site) = ansible_command("ansible-playbook", &["site.yml"]);
        if !ok {
            return (ok, site);
        }
        let (ok, guests) = ansible_command("ansible-playbook", &["vms.yml"]);
        (ok, format!("{site}\n{guests}"))
    };
    // ── guests and roles (issue 14): real-guest conditions before the first run ──
    // A stock Debian container template has no sudo; Ubuntu 24.04's cloud-init ends
    // "degraded" (exit 2) with Proxmox's user-data.
    let on = |host: &str, command: &str| {
        let (ok, output) = ansible_command(
            "ansible",
            &[host, "-m", "ansible.builtin.shell", "-a", command],
        );
        assert!(ok, "`{command}` on {host} failed:\n{output}");
        output
    };
    on(
        "metrics",
        "SUDO_FORCE_REMOVE=yes DEBIAN_FRONTEND=noninteractive apt-get -y purge sudo",
    );
    on(
        "web-1",
        "mkdir -p /etc/pxic-stubs && touch /etc/pxic-stubs/cloud-init-degraded",
    );
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

    // ── guests and roles (issue 14): what the roles left behind ──
    // Every guest still takes new SSH connections after two runs, the container whose
    // only firewall rule is 8080 too (no shared master connection: a new one each).
    let (ok, ping) = ansible_command(
        "ansible",
        &[
            "vms:containers",
            "-m",
            "ansible.builtin.ping",
            "-e",
            "ansible_ssh_args='-o ControlMaster=no -o ControlPath=none -o ConnectTimeout=10'",
        ],
    );
    assert!(ok, "a guest shut SSH out after two runs:\n{ping}");
    // The role's file went into a folder it made, owned by the user it made, and its
    // service runs from the unit it wrote; sudo came back for the sudo user.
    let state = on(
        "metrics",
        "stat -c '%U:%G %a' /etc/pxic-shop/env; systemctl is-active pxic-shop; getent passwd shop | cut -d: -f7; command -v sudo; cat /etc/sudoers.d/pxic-ops",
    );
    for line in [
        "shop:shop 640",
        "active",
        "/usr/sbin/nologin",
        "/usr/bin/sudo",
        "ops ALL=(ALL) NOPASSWD:ALL",
    ] {
        assert!(state.contains(line), "metrics lacks `{line}`:\n{state}");
    }
}
