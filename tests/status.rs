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
        text.contains("in sync: the cluster's 8 guests match the project"),
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
        "differs   vm db-01 (VMID 101): node is pve2, the plan says pve1",
        "differs   vm db-01 (VMID 101): memory is 4096 MiB, the plan says 8192 MiB",
        "missing   vm worker-3 (VMID 104) is not on the cluster",
        "orphan    `old-web` (VMID 150 on pve1) is managed by pxic but no longer in the project",
        "drift: 4 differences between the project and the cluster (9 guests on it)",
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
    assert!(text.contains("in sync: the cluster's 8 guests"), "{text}");

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
