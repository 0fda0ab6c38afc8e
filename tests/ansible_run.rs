//! The generated playbooks, run for real: four Debian 12 targets booted with
//! systemd-nspawn in network namespaces (`tests/ansible/targets/`) stand in for a
//! Proxmox host, two VMs and a container. No Proxmox or VM can exist here, so the
//! narrowest seams are faked: `pvesm` and `pveum` are stubs on the targets that log
//! and remember, `cloud-init status --wait` answers at once, and apt installs from an
//! offline signed repository. Everything else is real: systemd, sshd, apt, users,
//! ufw, nginx, ifupdown2. `site.yml` must succeed, and a second run must change
//! nothing. A second test runs `pxic apply --only hosts,config` itself on a project
//! whose node and guests are the targets (`tests/ansible/apply/`), so pxic's runner
//! calls Ansible, with fakepve answering preflight. Needs root and Debian's apt (for
//! debootstrap); it fails, never skips. The tests take turns with the targets.

mod common;
#[path = "common/packer_ansible.rs"]
mod packer_ansible;

use common::{run, script};
use std::path::PathBuf;
use std::process::Command;

/// Stops the targets however the test ends.
struct Targets;

/// The targets use host-wide names (network namespaces `pxtgtN`, veths, a routing
/// table): two sets cannot run at once, in this process or another (another
/// checkout's tests). Each test that boots them holds this lock, a `flock` on a file
/// of the whole machine, from before `up.sh` until after `down.sh`. Rust opens it
/// close-on-exec, so the booted targets do not inherit it.
fn lock_targets() -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open("/tmp/pxic-ansible-targets.lock")
        .expect("open /tmp/pxic-ansible-targets.lock");
    file.lock().expect("lock /tmp/pxic-ansible-targets.lock");
    file
}

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
    let packer = pxic::backend::packer::emit(&plan);
    let mut files = pxic::backend::ansible::emit(&plan);
    files.extend(packer.clone());
    let out = common::write_case("ansible-run", "site", &files);
    let ansible: PathBuf = out.join("ansible");

    let (ok, output) = run(Command::new("bash").arg(common::repo().join("tests/ansible/setup.sh")));
    assert!(ok, "tests/ansible/setup.sh failed:\n{output}");
    let (ok, output) = run(&mut script("tests/ansible/targets/base.sh"));
    assert!(ok, "tests/ansible/targets/base.sh failed:\n{output}");
    let _lock = lock_targets();
    let (ok, output) = run(script("tests/ansible/targets/up.sh").arg("4"));
    let _targets = Targets;
    assert!(ok, "tests/ansible/targets/up.sh failed:\n{output}");
    // pve1 (the inventory's first host, tgt1) as a fresh Proxmox VE node has it: no
    // python3-debian, the enterprise repositories, the stock `local` storage, and a
    // NIC in its network file that pxic does not declare.
    let (ok, output) = run(script("tests/ansible/targets/pve-node.sh").arg("1"));
    assert!(ok, "tests/ansible/targets/pve-node.sh failed:\n{output}");

    let venv = common::repo().join("target/ansible-venv/bin");
    let (ok, merged) = run(Command::new(venv.join("python"))
        .arg(common::repo().join("tests/ansible/targets/merge-inventory.py"))
        .arg(ansible.join("inventory.yml")));
    assert!(ok, "merge-inventory.py failed:\n{merged}");
    std::fs::write(ansible.join("ci-inventory.yml"), merged).expect("write");
    // The targets' offline repository stands in for Proxmox's; its key is in
    // trusted.gpg.d, as Proxmox's is on PVE 8, so pxic's stanza has no Signed-By.
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
    let on_node = |command: &str| {
        ansible_command(
            "ansible",
            &["pve1", "-m", "ansible.builtin.command", "-a", command],
        )
    };
    network_change_that_fails_its_check_is_put_back(&ansible_command, &on_node);

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
    node_is_configured_and_keeps_its_own(&on_node, "the first run");

    // What Packer's ansible provisioner runs on the build VM, run here on a VM target
    // (web-1, tgt2) as the provisioner runs it: its INI inventory in a file without an
    // extension, its arguments, the generated template's `ansible_env_vars`.
    let template = &packer["packer/built.pkr.hcl"];
    let provisioner = packer_ansible::provisioner(template).expect("an ansible provisioner");
    let key = common::repo().join("target/ansible-targets/id_ed25519");
    let (ok, output) = run(&mut packer_ansible::command(
        &venv,
        &out,
        &provisioner,
        &packer_ansible::Target {
            host: "169.254.77.10",
            user: "root",
            key: &key,
        },
        &[],
    ));
    assert!(
        ok,
        "the template's playbook failed as Packer runs it:\n{output}"
    );

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
    node_is_configured_and_keeps_its_own(&on_node, "the second run");
}

/// An Ansible program (`ansible`, `ansible-playbook`) run against the targets with
/// its arguments: whether it succeeded, and what it printed.
type AnsibleCommand<'a> = dyn Fn(&str, &[&str]) -> (bool, String) + 'a;

/// A run whose network check fails (the node cannot reach 169.254.77.254, as a node
/// that lost its gateway): the play puts the node's own file back, reloads it,
/// cancels the revert it had scheduled, and stops.
fn network_change_that_fails_its_check_is_put_back(
    ansible_command: &AnsibleCommand<'_>,
    on_node: &dyn Fn(&str) -> (bool, String),
) {
    let (ok, before) = on_node("cat /etc/network/interfaces");
    assert!(ok, "{before}");
    let (ok, output) = ansible_command(
        "ansible-playbook",
        &[
            "proxmox-hosts.yml",
            "-e",
            r#"{"pxi_network_check": ["169.254.77.254"]}"#,
        ],
    );
    assert!(
        !ok && output.contains("failed its check and was put back"),
        "a network that fails its check stops the play:\n{output}"
    );
    assert!(
        output.contains("TASK [Reload the network]")
            && output.contains("TASK [Put the old network back]"),
        "{output}"
    );
    let (ok, after) = on_node("cat /etc/network/interfaces");
    assert!(ok, "{after}");
    let body = |text: &str| text.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&after), body(&before), "the node's own file is back");
    let (_, timer) = on_node("systemctl is-active pxic-network-revert.timer");
    assert!(
        timer.contains("inactive"),
        "the scheduled revert is cancelled:\n{timer}"
    );
    let (ok, addresses) = on_node("ip -brief address show");
    assert!(
        ok && addresses
            .lines()
            .any(|l| l.starts_with("pxcoro0") && l.contains("10.99.0.2/24")),
        "{addresses}"
    );
}

/// What a run leaves on the node (tgt1), as a fresh Proxmox VE node had it before:
/// its own NIC kept in the network file and up, pxic's bridge there too; the stock
/// `local` storage with the content pxic declares added and its own kept; the
/// enterprise repositories disabled, not deleted; python3-debian installed.
fn node_is_configured_and_keeps_its_own(on_node: &dyn Fn(&str) -> (bool, String), run: &str) {
    let (ok, interfaces) = on_node("cat /etc/network/interfaces");
    assert!(ok, "{run}: {interfaces}");
    for line in [
        "iface pxcoro0 inet static",
        "\taddress 10.99.0.2/24",
        "iface vmbr0 inet static",
        "\taddress 10.77.0.2/24",
    ] {
        assert!(
            interfaces.contains(line),
            "{run}: the network file lacks `{line}`:\n{interfaces}"
        );
    }
    assert_eq!(
        interfaces.matches("iface pxcoro0").count(),
        1,
        "{run}: pxcoro0 once:\n{interfaces}"
    );
    let (ok, addresses) = on_node("ip -brief address show");
    assert!(ok, "{run}: {addresses}");
    for (nic, address) in [("pxcoro0", "10.99.0.2/24"), ("vmbr0", "10.77.0.2/24")] {
        assert!(
            addresses
                .lines()
                .any(|l| l.starts_with(nic) && l.contains(address)),
            "{run}: {nic} does not have {address}:\n{addresses}"
        );
    }
    let (ok, state) = on_node("pvesm stub-state");
    assert!(ok, "{run}: {state}");
    let json = &state[state.find('{').expect("the stub's state")..];
    let state: serde_json::Value = serde_json::from_str(json).expect("the stub's state is JSON");
    let content = |id: &str| -> Vec<String> {
        let mut list: Vec<String> = state["storage"][id]["content"]
            .as_str()
            .unwrap_or_default()
            .split(',')
            .map(String::from)
            .collect();
        list.sort();
        list
    };
    assert_eq!(
        content("local"),
        ["backup", "import", "iso", "vztmpl"],
        "{run}: the stock `local` gains import and keeps its own content"
    );
    let (ok, sources) = on_node(
        "cat /etc/apt/sources.list.d/pve-enterprise.list /etc/apt/sources.list.d/ceph.list /etc/apt/sources.list.d/ceph-squid.sources /etc/apt/sources.list.d/mixed.sources /etc/apt/sources.list.d/pve-no-subscription.sources",
    );
    assert!(ok, "{run}: {sources}");
    for line in [
        "# deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise",
        "# deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise",
        "URIs: https://enterprise.proxmox.com/debian/ceph-squid\nSuites: trixie\nComponents: enterprise\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\nEnabled: false",
        "URIs: https://enterprise.proxmox.com/debian/pve\nSuites: bookworm\nComponents: pve-enterprise\nEnabled: false\n\nTypes: deb\nURIs: file:/srv/pxrepo\nSuites: ./\nEnabled: yes\n",
    ] {
        assert!(
            sources.contains(line),
            "{run}: the sources lack `{line}`:\n{sources}"
        );
    }
    // On PVE 8 Proxmox's key is in trusted.gpg.d: a Signed-By here would clash with the
    // admin's own no-subscription line (pve-nosub.list) and stop every `apt update`.
    let (ok, ours) = on_node("cat /etc/apt/sources.list.d/pve-no-subscription.sources");
    assert!(ok, "{run}: {ours}");
    assert!(
        ours.contains("URIs: file:/srv/pxrepo") && !ours.contains("Signed-By"),
        "{run}: the no-subscription stanza names its source and no key:\n{ours}"
    );
    let (ok, acl) = on_node("pveum acl list --output-format json");
    assert!(ok, "{run}: {acl}");
    let acl: serde_json::Value =
        serde_json::from_str(&acl[acl.find('[').expect("a JSON list")..]).expect("JSON");
    let mut paths: Vec<&str> = acl
        .as_array()
        .expect("a list")
        .iter()
        .filter(|a| a["ugid"] == "pxic@pve")
        .filter_map(|a| a["path"].as_str())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["/nodes", "/pool", "/sdn/zones", "/storage", "/vms"],
        "{run}: pxic's role is granted where it works, not on `/`"
    );
    let (ok, debian) = on_node("dpkg-query -W -f=${Status} python3-debian");
    assert!(
        ok && debian.contains("install ok installed"),
        "{run}: python3-debian is not installed:\n{debian}"
    );
}

/// The merge the network play writes with (`library/pxic_interfaces.py`), on a stock
/// node's file: the node's other interfaces are kept as they are and a second merge
/// changes nothing; an interface that clashes with the declared ones (it enslaves a
/// declared port, holds the node's address, sets a second gateway) is refused, and
/// dropped only when told to. Needs the Ansible venv only (no targets).
#[test]
fn the_network_module_keeps_foreign_interfaces_and_refuses_to_drop_clashing_ones() {
    let project = common::repo().join("examples/homelab");
    let files = pxic::backend::ansible::emit(&common::plan_of(&project));
    let out = common::write_case("ansible-run", "network-module", &files);
    let (ok, output) = run(Command::new("bash").arg(common::repo().join("tests/ansible/setup.sh")));
    assert!(ok, "tests/ansible/setup.sh failed:\n{output}");
    let python = common::repo().join("target/ansible-venv/bin/python");
    let script = r#"
import sys
sys.path.insert(0, sys.argv[1] + "/library")
import pxic_interfaces as m
ours = open(sys.argv[1] + "/files/pve1/interfaces").read()
stock = """auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet static
	address 10.10.0.2/24
	gateway 10.10.0.1
	bridge-ports eno1
	bridge-stp off
	bridge-fd 0

iface eno4 inet manual

auto vmbr9
iface vmbr9 inet static
	address 10.99.0.2/24
	bridge-ports eno4
	bridge-stp off
	bridge-fd 0

allow-hotplug eno3

source /etc/network/interfaces.d/*
"""
merged, kept, clashes = m.merge(ours, stock, "10.10.0.2", False)
assert clashes == [], clashes
assert kept == ["eno4", "vmbr9", "eno3"], kept
assert "\nallow-hotplug eno3\n" in merged, merged
assert "auto vmbr9\niface vmbr9 inet static\n\taddress 10.99.0.2/24\n\tbridge-ports eno4" in merged, merged
assert merged.count("source /etc/network/interfaces.d/*") == 1, merged
assert merged.startswith(ours.rstrip("\n").rsplit("\n", 1)[0]), merged
again, _, _ = m.merge(ours, merged, "10.10.0.2", False)
assert again == merged, (again, merged)
# The stock bridge renamed: it holds eno1 (a port pxic declares), the address and
# the gateway.
clash = stock.replace("vmbr0", "vmbr7")
refused, kept, clashes = m.merge(ours, clash, "10.10.0.2", False)
assert refused is None and len(clashes) == 1 and clashes[0].startswith("vmbr7 (uses eno1"), clashes
assert "holds the node's address 10.10.0.2" in clashes[0] and "second default gateway" in clashes[0], clashes
dropped, kept, clashes = m.merge(ours, clash, "10.10.0.2", True)
assert "vmbr7" not in dropped and "iface vmbr9" in dropped, dropped
print("merge ok")
"#;
    let (ok, output) = run(Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(out.join("ansible")));
    assert!(ok && output.contains("merge ok"), "{output}");
}

/// Storage IDs are cluster-wide (`/etc/pve/storage.cfg`): in `examples/cluster`, whose
/// three nodes each declare `local` and `local-zfs`, the host playbook has one
/// definition of each, limited to the three nodes, and every storage task runs once
/// (nodes adding the same ID side by side fail on all but one). A storage with
/// `import` content is refused before Proxmox VE 8.4. Needs nothing but the emitter.
#[test]
fn storages_are_defined_once_for_the_cluster() {
    let plan = common::plan_of(&common::repo().join("examples/cluster"));
    let files = pxic::backend::ansible::emit(&plan);
    let out = common::write_case("ansible-run", "cluster-storages", &files);
    let (ok, output) = run(Command::new("bash").arg(common::repo().join("tests/ansible/setup.sh")));
    assert!(ok, "tests/ansible/setup.sh failed:\n{output}");
    // The venv's PyYAML reads the playbook as Ansible does.
    let (ok, json) = run(
        Command::new(common::repo().join("target/ansible-venv/bin/python"))
            .arg("-c")
            .arg("import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))")
            .arg(out.join("ansible/proxmox-hosts.yml")),
    );
    assert!(ok, "{json}");
    let playbook: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let play = &playbook[0];
    let storages = play["vars"]["pxi_storages"]
        .as_array()
        .expect("pxi_storages");
    let names: Vec<&str> = storages.iter().filter_map(|s| s["name"].as_str()).collect();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(names, unique, "one definition per storage ID");
    for id in ["local", "local-zfs"] {
        let storage = storages
            .iter()
            .find(|s| s["name"] == id)
            .unwrap_or_else(|| panic!("{id} is defined"));
        assert_eq!(
            storage["nodes"],
            serde_json::json!(["pve1", "pve2", "pve3"]),
            "{id}"
        );
        let options: Vec<&str> = storage["options"]
            .as_array()
            .expect("options")
            .iter()
            .filter_map(|o| o.as_str())
            .collect();
        assert!(
            options
                .windows(2)
                .any(|w| w == ["--nodes", "pve1,pve2,pve3"]),
            "{id}: {options:?}"
        );
    }
    let tasks = play["tasks"].as_array().expect("tasks");
    let storage_tasks: Vec<&serde_json::Value> = tasks
        .iter()
        .filter(|t| {
            let text = t.to_string();
            text.contains("pvesh") || text.contains("pxi_storage")
        })
        .collect();
    assert!(storage_tasks.len() >= 5, "{storage_tasks:?}");
    for task in &storage_tasks {
        assert_eq!(task["run_once"], true, "{task}");
    }
    assert!(
        tasks.iter().any(|t| t["ansible.builtin.assert"]["that"]
            .to_string()
            .contains("is version('8.4', '>=')")),
        "the cluster's storages hold import content: the version is checked"
    );
    // The network is written one node at a time.
    let network = playbook
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"].as_str().is_some_and(|n| n.contains("network")))
        .expect("a network play");
    assert_eq!(network["serial"], 1);
}

/// The PLAY RECAPs of each log of a `pxic apply` run (`<project>/.pxic/logs/<run>/`):
/// the newest run when `newest`, else the oldest.
fn run_logs(project: &std::path::Path, newest: bool) -> String {
    let logs = project.join(".pxic/logs");
    let mut runs: Vec<PathBuf> = std::fs::read_dir(&logs)
        .unwrap_or_else(|e| panic!("{}: {e}", logs.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    runs.sort();
    let run = if newest { runs.last() } else { runs.first() }.expect("a run's logs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(run)
        .expect("the run's logs")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("a log");
            format!("==== {}\n{text}", f.display())
        })
        .collect()
}

#[test]
fn pxic_apply_runs_the_host_and_guest_playbooks_itself_and_a_second_apply_changes_nothing() {
    // A project whose host and guests are the targets: pve1 is tgt1, the VM tgt2,
    // the container tgt3. pxic's runner calls ansible-galaxy and ansible-playbook
    // (the venv's, on PATH) as it would on a real estate; fakepve answers preflight.
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ansible-apply");
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("project");
    common::copy_dir(&common::repo().join("tests/ansible/apply"), &project);

    let (ok, output) = run(Command::new("bash").arg(common::repo().join("tests/ansible/setup.sh")));
    assert!(ok, "tests/ansible/setup.sh failed:\n{output}");
    let (ok, output) = run(&mut script("tests/ansible/targets/base.sh"));
    assert!(ok, "tests/ansible/targets/base.sh failed:\n{output}");
    let key = common::repo().join("target/ansible-targets/id_ed25519");
    // The guests' user logs in with the targets' key, as cloud-init would have let it.
    std::fs::create_dir_all(project.join("keys")).expect("mkdir");
    std::fs::copy(key.with_extension("pub"), project.join("keys/targets.pub")).expect("key");

    let _lock = lock_targets();
    let (ok, output) = run(script("tests/ansible/targets/up.sh").arg("3"));
    let _targets = Targets;
    assert!(ok, "tests/ansible/targets/up.sh failed:\n{output}");
    // What cloud-init does on a VM cloned from a cloud image before Ansible can log
    // in: the first user, with its key and sudo. The container logs in as root.
    let ssh = |target: &str, command: &str| {
        run(Command::new("ssh")
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
            ])
            .args([
                "-o",
                "LogLevel=ERROR",
                "-o",
                "BatchMode=yes",
                "-o",
                "IdentitiesOnly=yes",
            ])
            .arg("-i")
            .arg(&key)
            .arg(format!("root@{target}"))
            .arg(command))
    };
    let (ok, output) = ssh(
        "169.254.77.10",
        "useradd -m -s /bin/bash admin && install -d -m 700 -o admin -g admin ~admin/.ssh \
         && install -m 600 -o admin -g admin ~/.ssh/authorized_keys ~admin/.ssh/authorized_keys \
         && echo 'admin ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-cloud-init-users",
    );
    assert!(ok, "the VM's first user could not be made:\n{output}");

    let fake = common::fakepve::start(common::fakepve::seeded(Vec::new()));
    let venv = common::repo().join("target/ansible-venv/bin");
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("mkdir");
    let apply = || {
        let output = Command::new(env!("CARGO_BIN_EXE_pxic"))
            .args(["apply", "--auto-approve", "--only", "hosts,config"])
            .arg(&project)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    venv.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            // The host step saves pxic's API token under $HOME/.config/pxic.
            .env("HOME", &home)
            .env(
                "PROXMOX_VE_ENDPOINT",
                format!("https://{}:8006/", fake.host),
            )
            .env(
                "PROXMOX_VE_API_TOKEN",
                format!("{}={}", common::fakepve::TOKEN, common::fakepve::SECRET),
            )
            .env("PXIC_CA_FILE", &fake.ca)
            .env_remove("PROXMOX_VE_INSECURE")
            // The seam for the targets' login, through variables Ansible reads: the
            // key, and host keys that change with every boot. The inventory's users
            // (root on the node and the container, admin on the VM) are the ones a
            // real estate has.
            .env("ANSIBLE_PRIVATE_KEY_FILE", &key)
            .env("ANSIBLE_HOST_KEY_CHECKING", "False")
            .env(
                "ANSIBLE_SSH_COMMON_ARGS",
                "-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o LogLevel=ERROR",
            )
            .env("ANSIBLE_HOME", root.join(".ansible-home"))
            .env("ANSIBLE_LOCAL_TEMP", root.join(".ansible-tmp"))
            .env("ANSIBLE_SSH_CONTROL_PATH_DIR", "/tmp/pxic-apply-cp")
            .env("ANSIBLE_NOCOLOR", "1")
            .env("NO_COLOR", "1")
            .output()
            .expect("pxic runs");
        (output.status.code(), common::output_text(&output))
    };

    let (code, first) = apply();
    let logs = if project.join(".pxic/logs").exists() {
        run_logs(&project, true)
    } else {
        String::new()
    };
    assert_eq!(code, Some(0), "the first apply failed:\n{first}\n{logs}");
    let hosts = recap(&logs);
    let names: Vec<&str> = hosts.iter().map(|(h, _)| h.as_str()).collect();
    assert!(
        ["pve1", "app-01", "ct-01"]
            .iter()
            .all(|h| names.contains(h)),
        "the node and both guests in the recaps:\n{logs}"
    );
    assert!(
        hosts
            .iter()
            .all(|(_, [_, changed, unreachable, failed])| *changed > 0
                && *unreachable == 0
                && *failed == 0),
        "every host is configured by the first apply:\n{logs}"
    );
    for target in ["169.254.77.10", "169.254.77.14"] {
        let (ok, motd) = ssh(target, "cat /etc/motd");
        assert!(ok, "{motd}");
        assert!(
            motd.contains(": configured by pxic apply."),
            "{target}: {motd}"
        );
    }
    assert!(
        !logs.contains(common::fakepve::SECRET) && !first.contains(common::fakepve::SECRET),
        "the token's secret was printed or logged"
    );

    let (code, second) = apply();
    let logs = run_logs(&project, true);
    assert_eq!(code, Some(0), "the second apply failed:\n{second}\n{logs}");
    let hosts = recap(&logs);
    assert!(hosts.len() >= 3, "{logs}");
    assert!(
        hosts
            .iter()
            .all(|(_, [_, changed, unreachable, failed])| *changed == 0
                && *unreachable == 0
                && *failed == 0),
        "the second apply changes nothing (changed=0 everywhere):\n{logs}"
    );
}
