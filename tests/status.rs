//! `pxic status` against fakepve, a fake Proxmox VE 9 API from PyPI that answers with
//! PVE's own shapes and wording (`tests/fakepve/`, pinned in its requirements.txt and
//! installed by `tests/fakepve/setup.sh` into `target/fakepve-venv`). Each test starts
//! its own fake on a loopback address of its own, seeded from the homelab example's
//! plan, and runs the real binary. Without Python 3.11 these tests fail, never skip.

mod common;

use common::fakepve::{Fake, SECRET, TOKEN, homelab_guests, next_host, seeded, start};
use common::{output_text, plan_of, repo};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

/// `pxic status examples/homelab` against the fake, with the token and the CA.
fn status(fake: &Fake, extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pxic"));
    command
        .arg("status")
        .arg(repo().join("examples/homelab"))
        .args(extra)
        .env(
            "PROXMOX_VE_ENDPOINT",
            format!("https://{}:8006/", fake.host),
        )
        .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
        .env("PXIC_CA_FILE", &fake.ca)
        .env_remove("PROXMOX_VE_INSECURE")
        .env("NO_COLOR", "1")
        // One line per message, whatever the message's length.
        .env("COLUMNS", "1000");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("pxic runs");
    let text = output_text(&output);
    assert!(
        !text.contains(SECRET),
        "the token's secret was printed:\n{text}"
    );
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn a_cluster_that_matches_the_project_is_in_sync() {
    let fake = start(seeded(homelab_guests()));
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("in sync: the cluster's 10 guests match the project"),
        "{text}"
    );
}

#[test]
fn drift_is_reported_guest_by_guest_and_exits_1() {
    let mut guests = homelab_guests();
    // db-01 was resized and migrated by hand; worker-3 was deleted.
    for guest in &mut guests {
        if guest["name"] == "db-01" {
            guest["node"] = json!("pve2");
            guest["config"]["memory"] = json!("4096");
        }
    }
    guests.retain(|g| g["name"] != "worker-3");
    // A guest pxic made, since removed from the project; and one nobody told pxic of.
    guests.push(json!({"vmid": 150, "name": "old-web", "node": "pve1",
        "config": {"description": "Managed by pxic from vms.pxi."}}));
    guests.push(json!({"vmid": 151, "name": "hand-made", "node": "pve1",
        "config": {"description": "made in the web UI"}}));
    let fake = start(seeded(guests));
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    for line in [
        "differs   vm db-01 (VMID 101): node pve1 → pve2 on the cluster",
        "differs   vm db-01 (VMID 101): memory 8192 MiB → 4096 MiB on the cluster",
        "missing   vm worker-3 (VMID 104) is not on the cluster",
        "orphan    `old-web` (VMID 150 on pve1) is managed by pxic but no longer in the project",
        "drift: 4 differences between the project and the cluster (11 guests on it)",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(!text.contains("hand-made"), "{text}");

    let (code, text) = status(&fake, &["--message-format", "json"], &[]);
    assert_eq!(code, 1, "{text}");
    let report: Value = serde_json::from_str(text.trim()).expect("one JSON object");
    assert_eq!(report["in_sync"], json!(false));
    assert_eq!(report["drift"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        report["drift"][0],
        json!({"drift": "differs", "kind": "vm", "name": "db-01", "vmid": 101,
               "field": "node", "want": "pve1", "have": "pve2"})
    );
}

/// A template built from other inputs than the project gives now is one `apply`
/// would build again: status says so, as drift.
#[test]
fn a_template_built_from_other_inputs_is_drift() {
    let mut guests = homelab_guests();
    let old = "0".repeat(64);
    for guest in &mut guests {
        if guest["name"] == "ubuntu-2404-docker" {
            let description = guest["config"]["description"].as_str().expect("text");
            let start = description.find("sha256:").expect("a fingerprint") + 7;
            let changed = format!("{}{old}.", &description[..start]);
            guest["config"]["description"] = json!(changed);
        }
    }
    let fake = start(seeded(guests));
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("differs   template ubuntu-2404-docker (VMID 9001): build inputs (inputs changed since it was built)")
            && text.contains("→ 000000000000 on the cluster"),
        "{text}"
    );
}

#[test]
fn a_vmid_held_by_a_guest_pxic_does_not_manage_is_never_taken_for_ours() {
    let mut guests = homelab_guests();
    for guest in &mut guests {
        if guest["name"] == "worker-1" {
            guest["name"] = json!("someones-vm");
            guest["config"]["description"] = json!("not ours");
        }
    }
    let fake = start(seeded(guests));
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "taken     vm worker-1: VMID 102 holds `someones-vm`, which pxic does not manage"
        ),
        "{text}"
    );
}

#[test]
fn the_cluster_ca_is_required_unless_checks_are_turned_off_loudly() {
    let fake = start(seeded(homelab_guests()));
    let (code, text) = status(&fake, &[], &[("PXIC_CA_FILE", "")]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("PXI0451"), "{text}");
    assert!(text.contains("signed by an unknown authority"), "{text}");

    let ca = fake.ca.to_string_lossy().into_owned();
    let (code, text) = status(&fake, &["--ca-file", &ca], &[("PXIC_CA_FILE", "")]);
    assert_eq!(code, 0, "{text}");

    let (code, text) = status(
        &fake,
        &[],
        &[("PXIC_CA_FILE", ""), ("PROXMOX_VE_INSECURE", "true")],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("PXI0457"), "{text}");

    let key = fake.ca.with_extension("key").to_string_lossy().into_owned();
    let (code, text) = status(&fake, &["--ca-file", &key], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("PXI0456") && text.contains("holds no PEM certificate"),
        "{text}"
    );
}

#[test]
fn tokens_that_are_missing_wrong_or_short_of_a_privilege_say_which() {
    let mut scenario = seeded(homelab_guests());
    // Tokens with privilege separation: one may audit each of the project's guests
    // but not /vms as a whole (so it would not see a guest it may not audit), the
    // other may audit /vms.
    scenario["tokens"]["pxic@pve!some"] = json!("some-secret");
    scenario["tokens"]["pxic@pve!all"] = json!("all-secret");
    let mut grants: Vec<Value> = [100, 101, 102, 103, 104, 105, 9001]
        .iter()
        .map(|id| json!(["pxic@pve!some", format!("/vms/{id}"), ["VM.Audit"]]))
        .collect();
    grants.push(json!(["pxic@pve!all", "/vms", ["VM.Audit"]]));
    // Without Datastore.Audit a token sees no storage, and finds them missing.
    grants.push(json!(["pxic@pve!all", "/storage", ["Datastore.Audit"]]));
    scenario["grants"] = json!(grants);
    let fake = start(scenario);

    let (code, text) = status(&fake, &[], &[("PROXMOX_VE_API_TOKEN", "")]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("PXI0452"), "{text}");

    let (code, text) = status(
        &fake,
        &[],
        &[("PROXMOX_VE_API_TOKEN", "root@pam!pxic=bad-secret-7781")],
    );
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("PXI0453") && text.contains("`root@pam!pxic`"),
        "{text}"
    );
    assert!(
        !text.contains("bad-secret-7781"),
        "the refused secret was printed:\n{text}"
    );

    let (code, text) = status(
        &fake,
        &[],
        &[("PROXMOX_VE_API_TOKEN", "pxic@pve!some=some-secret")],
    );
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("PXI0454") && text.contains("it lacks VM.Audit on /vms"),
        "{text}"
    );

    let (code, text) = status(
        &fake,
        &[],
        &[("PROXMOX_VE_API_TOKEN", "pxic@pve!all=all-secret")],
    );
    assert_eq!(code, 0, "{text}");
}

#[test]
fn passing_trouble_is_tried_again_and_lasting_trouble_is_reported() {
    let mut scenario = seeded(homelab_guests());
    scenario["fail"] = json!([["GET", "/cluster/resources", 503, "service unavailable", 2]]);
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 0, "two 503s, then an answer: {text}");

    let mut scenario = seeded(homelab_guests());
    scenario["fail"] = json!([[
        "GET",
        "/cluster/resources",
        500,
        "cluster not ready - no quorum?",
        null
    ]]);
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("PXI0455") && text.contains("no quorum"),
        "{text}"
    );
}

#[test]
fn an_endpoint_nobody_answers_is_unreachable() {
    // An address of this machine's loopback on which nothing listens.
    let fake = Fake {
        child: Command::new("true").spawn().expect("true runs"),
        host: next_host(),
        ca: PathBuf::from("/nonexistent"),
    };
    let (code, text) = status(&fake, &[], &[("PXIC_CA_FILE", "")]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("PXI0450") && text.contains("cannot reach"),
        "{text}"
    );
}

#[test]
fn the_marks_status_looks_for_are_the_ones_the_generated_files_write() {
    // A guest is pxic's when its description carries a mark: if a backend changed its
    // wording, `status` would stop seeing the guests it made.
    let plan = plan_of(&repo().join("examples/homelab"));
    let files = pxic::backend::emit_all(&plan);
    let all = common::overview(&files);
    for (mark, file) in pxic::drift::MARKS.iter().zip([
        "terraform/vms.tf",
        "packer/ubuntu-2404-docker.pkr.hcl",
        "ansible/inventory.yml",
    ]) {
        let text = files
            .get(file)
            .unwrap_or_else(|| panic!("no {file} in:\n{all}"));
        assert!(text.contains(mark), "{file} lacks {mark:?}");
    }
}

#[test]
fn a_cluster_that_cannot_take_the_project_says_why() {
    // homelab's `local` storage holds `import` content: Proxmox VE 8.4 or later.
    let mut scenario = seeded(homelab_guests());
    scenario["version"] = json!("8.3.5");
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0458")
            && text.contains("the cluster runs Proxmox VE 8.3.5, and the project needs 8.4 or later: storage `local` holds `import` content"),
        "{text}"
    );
    assert!(text.contains("in sync: the cluster's 10 guests"), "{text}");

    let mut scenario = seeded(homelab_guests());
    scenario["version"] = json!("8.4.1");
    scenario["offline"] = json!(["pve1"]);
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(!text.contains("PXI0458"), "{text}");
    assert!(
        text.contains("PXI0460") && text.contains("node `pve1` (host `pve1`) is offline"),
        "{text}"
    );

    let mut scenario = seeded(Vec::new());
    scenario["drop_nodes"] = json!(["pve1"]);
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0459")
            && text.contains("host `pve1` is node `pve1`, which the cluster does not have"),
        "{text}"
    );
}

#[test]
fn storages_and_bridges_the_project_uses_must_be_on_its_nodes() {
    // `local` never gained `import`, `local-lvm` is down, and pve1's bridge is
    // neither of the project's vmbr0 and vmbr1.
    let mut scenario = seeded(homelab_guests());
    scenario["storages"]["local"]["content"] = json!("backup,iso,vztmpl");
    scenario["storages"]["local-lvm"]["active"] = json!(0);
    scenario["bridges"] = json!({"pve1": ["vmbr9"]});
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    for line in [
        "PXI0464",
        "storage `local` on node `pve1` does not take `import` content, and template `ubuntu-2404` downloads its cloud image there",
        "`pvesm set local --content backup,import,iso,vztmpl`",
        "PXI0463",
        "storage `local-lvm` is not active on node `pve1`, and template `ubuntu-2404` puts its disk there: its backing does not answer",
        "PXI0465",
        "node `pve1` has no bridge `vmbr0`, and the build VM of template `ubuntu-2404-docker` is on it",
        "host `pve1` declares it, and the host step makes it",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // One message per storage, bridge and node, not one per guest.
    assert!(
        text.contains("node `pve1` has no bridge `vmbr1`, and vm `router` has a NIC on it"),
        "{text}"
    );
    assert_eq!(text.matches("PXI0465").count(), 2, "{text}");
    // `local`'s other content is there: `vztmpl` for the container, `iso` unused.
    assert!(!text.contains("`vztmpl` content"), "{text}");

    // A storage the node does not have at all, and one disabled.
    let mut scenario = seeded(homelab_guests());
    let storages = scenario["storages"].as_object_mut().expect("storages");
    storages.remove("local-lvm");
    storages["local"]["disable"] = json!(1);
    let fake = start(scenario);
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    for line in [
        "PXI0462",
        "node `pve1` has no storage `local-lvm`, and template `ubuntu-2404` puts its disk there",
        "PXI0463",
        "storage `local` is not active on node `pve1`, and template `ubuntu-2404` downloads its cloud image there: it is disabled, or not configured for this node",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn disks_and_nics_that_differ_from_the_project_are_drift() {
    let mut guests = homelab_guests();
    for guest in &mut guests {
        let name = guest["name"].as_str().unwrap_or_default().to_string();
        let config = &mut guest["config"];
        match Some(name.as_str()) {
            // Grown by hand, and moved to another storage.
            // Grown by hand, and moved to another storage; its data disk grown past
            // what the project says, which Proxmox cannot shrink back.
            Some("db-01") => {
                config["scsi0"] = json!("tank:vm-101-disk-0,size=120G");
                config["scsi1"] = json!("local-lvm:vm-101-disk-1,backup=0,size=250G");
            }
            // Plugged into another bridge and VLAN, with a new MAC, and its firewall
            // turned on.
            Some("web-01") => {
                config["net0"] = json!("virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,tag=20,firewall=1");
            }
            // A second NIC added in the web interface.
            Some("worker-1") => config["net1"] = json!("virtio=BC:24:11:00:00:99,bridge=vmbr0"),
            // Its root file system shrunk (restored from a backup), its NIC gone.
            Some("dns-01") => {
                let rootfs = config["rootfs"]
                    .as_str()
                    .expect("rootfs")
                    .replace("8G", "4G");
                config["rootfs"] = json!(rootfs);
                config.as_object_mut().expect("config").remove("net0");
                // Its mount point detached by hand.
                config.as_object_mut().expect("config").remove("mp0");
            }
            _ => {}
        }
    }
    let plan = plan_of(&repo().join("examples/homelab"));
    let web_nic = &plan.vms["web-01"].guest.nics[0];
    assert!(!web_nic.firewall, "the homelab's NICs have no firewall");
    let web_mac = &web_nic.mac;
    let fake = start(seeded(guests));
    let (code, text) = status(&fake, &[], &[]);
    assert_eq!(code, 1, "{text}");
    for line in [
        "differs   vm db-01 (VMID 101): disk scsi0, which Proxmox cannot shrink, 100G → 120G on the cluster".to_string(),
        "differs   vm db-01 (VMID 101): disk scsi0 storage local-lvm → tank on the cluster".into(),
        "differs   vm web-01 (VMID 100): nic net0 bridge vmbr0 → vmbr1 on the cluster".into(),
        "differs   vm web-01 (VMID 100): nic net0 vlan none → 20 on the cluster".into(),
        format!(
            "differs   vm web-01 (VMID 100): nic net0 mac {web_mac} → BC:24:11:AA:BB:CC on the cluster"
        ),
        "differs   vm web-01 (VMID 100): nic net0 firewall off → on on the cluster".into(),
        "differs   vm worker-1 (VMID 102): nic net1 none → on vmbr0 on the cluster".into(),
        "differs   container dns-01 (VMID 105): disk rootfs 8G → 4G on the cluster".into(),
        "differs   container dns-01 (VMID 105): nic net0 on vmbr0 → none on the cluster".into(),
        "differs   vm db-01 (VMID 101): disk scsi1, which Proxmox cannot shrink, 200G → 250G on the cluster".into(),
        "differs   container dns-01 (VMID 105): mount mp0 2G → none on the cluster".into(),
        "drift: 11 differences between the project and the cluster (10 guests on it)".into(),
    ] {
        assert!(text.contains(&line), "missing {line:?} in:\n{text}");
    }

    let (code, text) = status(&fake, &["--message-format", "json"], &[]);
    assert_eq!(code, 1, "{text}");
    let report: Value = serde_json::from_str(text.trim()).expect("one JSON object");
    assert_eq!(
        report["drift"][0],
        json!({"drift": "differs", "kind": "vm", "name": "web-01", "vmid": 100,
               "field": "nic net0 bridge", "want": "vmbr0", "have": "vmbr1"})
    );
}

/// `pxic apply --auto-approve` on a copy of the homelab example against the fake,
/// with no tool on PATH: preflight runs, and nothing after it could.
fn apply(fake: &Fake, name: &str, token: &str, extra: &[&str]) -> (i32, String) {
    let project = common::homelab_copy("status-apply", name);
    let empty = project.with_file_name("no-tools");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let output = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .arg("apply")
        .arg(&project)
        .arg("--auto-approve")
        .args(extra)
        .env_clear()
        .env("PATH", &empty)
        .env(
            "PROXMOX_VE_ENDPOINT",
            format!("https://{}:8006/", fake.host),
        )
        .env("PROXMOX_VE_API_TOKEN", token)
        .env("PXIC_CA_FILE", &fake.ca)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "1000")
        .output()
        .expect("pxic runs");
    (output.status.code().unwrap_or(-1), output_text(&output))
}

#[test]
fn apply_stops_when_the_token_lacks_a_privilege_of_a_step_that_will_run() {
    let mut scenario = seeded(homelab_guests());
    // Packer's template is not built yet.
    let guests = scenario["guests"].as_array_mut().expect("guests");
    guests.retain(|g| g["name"] != "ubuntu-2404-docker");
    scenario["tokens"]["ci@pve!pxic"] = json!("ci-secret");
    let vm_admin = [
        "VM.Allocate",
        "VM.Audit",
        "VM.Clone",
        "VM.Config.CPU",
        "VM.Config.Cloudinit",
        "VM.Config.Disk",
        "VM.Config.HWType",
        "VM.Config.Memory",
        "VM.Config.Network",
        "VM.Config.Options",
        "VM.PowerMgmt",
    ];
    scenario["grants"] = json!([
        ["ci@pve!pxic", "/vms", vm_admin],
        // A grant on one guest replaces, for that guest, what /vms gives.
        ["ci@pve!pxic", "/vms/9000", ["VM.Audit"]],
        [
            "ci@pve!pxic",
            "/storage",
            ["Datastore.Audit", "Datastore.AllocateTemplate"]
        ],
        [
            "ci@pve!pxic",
            "/storage/local-lvm",
            ["Datastore.Audit", "Datastore.AllocateSpace"]
        ],
        ["ci@pve!pxic", "/nodes", ["Sys.Audit", "Sys.Modify"]],
        ["ci@pve!pxic", "/pool/prod", ["Pool.Allocate"]],
    ]);
    let fake = start(scenario);
    let token = "ci@pve!pxic=ci-secret";

    // Terraform would clone from a template the token may not clone, and plug NICs
    // into a bridge it may not use (Proxmox VE 8 and later check SDN.Use); Packer
    // would do the same.
    let (code, text) = apply(&fake, "lacking", token, &[]);
    assert_eq!(code, 1, "{text}");
    for line in [
        "PXI0466",
        "the API token `ci@pve!pxic` lacks VM.Clone on /vms/9000, which the guests step (Terraform) needs: to clone vm `db-01` from template `ubuntu-2404`",
        "`pveum acl modify /vms/9000 --tokens 'ci@pve!pxic' --roles PVEVMAdmin`",
        "a token with privilege separation holds only what is granted to the token itself",
        "the API token `ci@pve!pxic` lacks SDN.Use on /sdn/zones/localnetwork/vmbr0 and /sdn/zones/localnetwork/vmbr1, which the guests step (Terraform) needs",
        "--roles PVESDNUser",
        "the API token `ci@pve!pxic` lacks SDN.Use on /sdn/zones/localnetwork/vmbr0, which the templates step (Packer) needs: to build template `ubuntu-2404-docker`",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(!text.contains("ci-secret"), "{text}");
    assert!(!text.contains("PXI0471"), "a tool was looked for: {text}");
    // One message per step and privilege, whatever the number of guests.
    assert_eq!(text.matches("lacks SDN.Use").count(), 2, "{text}");

    // The host step runs over SSH, not through the API: nothing to lack.
    let (code, text) = apply(&fake, "hosts", token, &["--only", "hosts"]);
    assert_eq!(code, 1, "{text}");
    assert!(!text.contains("PXI0466"), "{text}");
    assert!(text.contains("PXI0471"), "{text}");
}

#[test]
fn apply_leaves_the_storages_and_bridges_it_declares_to_the_host_step() {
    let mut scenario = seeded(homelab_guests());
    scenario["storages"]["local"]["content"] = json!("backup,iso,vztmpl");
    scenario["bridges"] = json!({"pve1": []});
    let fake = start(scenario);
    let token = format!("{TOKEN}={SECRET}");
    // The host step runs first: it adds `import` and makes vmbr0.
    let (code, text) = apply(&fake, "with-hosts", &token, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        !text.contains("PXI0464") && !text.contains("PXI0465"),
        "{text}"
    );
    assert!(text.contains("PXI0471"), "{text}");
    // Without it, Terraform would meet them missing.
    let (code, text) = apply(&fake, "guests-only", &token, &["--only", "guests"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0464") && text.contains("PXI0465") && !text.contains("PXI0471"),
        "{text}"
    );
}
