//! `pxic apply`: the order of the steps, templates built only when the cluster lacks
//! them, the first failure stopping the run with its step, exit code, last lines and
//! log, secrets masked, `--dry-run`, `--only`/`--skip`, approval, one apply at a time,
//! Ctrl-C passed on once and waited for, a missing tool found before anything runs.
//!
//! The cluster is fakepve (`tests/fakepve/`), as for `pxic status`. The three tools
//! are `tests/apply/stub-tool` under their names on PATH: these tests are about what
//! pxic runs, in which order, and what it does when a tool fails or hangs, which a
//! stub that records its calls and fails on demand shows exactly. (Packer's proxmox
//! plugin and the bpg provider cannot run here; the generated files themselves are
//! run by real Ansible and checked by real Terraform and Packer in their own tests.)

mod common;

use common::fakepve::{Fake, SECRET, TOKEN, homelab_guests, seeded, start};
use common::{homelab_copy, output_text, repo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A folder with the stub under each tool's name (`tools` of them).
fn stub_path(name: &str, tools: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("apply-stubs")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for tool in tools {
        std::os::unix::fs::symlink(repo().join("tests/apply/stub-tool"), dir.join(tool))
            .expect("link the stub");
    }
    dir
}

const ALL_TOOLS: [&str; 4] = ["ansible-galaxy", "ansible-playbook", "packer", "terraform"];

/// `pxic apply` on a copy of the homelab example against `fake`, with the stubs.
struct Run {
    project: PathBuf,
    record: PathBuf,
    path: String,
    fake_host: String,
    ca: PathBuf,
}

impl Run {
    fn new(name: &str, fake: &Fake, tools: &[&str]) -> Run {
        let project = homelab_copy("apply", name);
        let record = project.with_file_name("calls.txt");
        let stubs = stub_path(name, tools);
        // Nothing of the machine's PATH (which may have a real packer) but what the
        // stub itself uses.
        let basics = stubs.join("basics");
        std::fs::create_dir_all(&basics).expect("mkdir");
        for program in ["bash", "basename", "cat", "sleep"] {
            let real = ["/usr/bin", "/bin"]
                .iter()
                .map(|dir| Path::new(dir).join(program))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("{program} is not installed"));
            std::os::unix::fs::symlink(real, basics.join(program)).expect("link");
        }
        let path = format!("{}:{}", stubs.display(), basics.display());
        Run {
            project,
            record,
            path,
            fake_host: fake.host.clone(),
            ca: fake.ca.clone(),
        }
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pxic"));
        command
            .arg("apply")
            .arg(&self.project)
            .args(args)
            .env_clear()
            .env("PATH", &self.path)
            .env(
                "PROXMOX_VE_ENDPOINT",
                format!("https://{}:8006/", self.fake_host),
            )
            .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
            .env("PXIC_CA_FILE", &self.ca)
            .env("PXIC_STUB_LOG", &self.record)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "1000")
            .stdin(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        command
    }

    fn apply(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let output: Output = self.command(args, env).output().expect("pxic runs");
        let text = output_text(&output);
        assert!(
            !text.contains(SECRET),
            "the token's secret was printed:\n{text}"
        );
        (output.status.code().unwrap_or(-1), text)
    }

    /// The tools' calls, in order.
    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Every log file of every run, concatenated.
    fn logs(&self) -> String {
        let mut text = String::new();
        for run in std::fs::read_dir(self.project.join(".pxic/logs")).expect("logs") {
            let mut files: Vec<PathBuf> = std::fs::read_dir(run.expect("run").path())
                .expect("run folder")
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            for file in files {
                text.push_str(&std::fs::read_to_string(file).expect("log"));
            }
        }
        text
    }
}

const IN_ORDER: [&str; 9] = [
    "ansible-galaxy install -r requirements.yml | in ansible | token present",
    "ansible-playbook -i inventory.yml proxmox-hosts.yml | in ansible | token present",
    "packer init ubuntu-2404-docker.pkr.hcl | in packer | token present",
    "packer build ubuntu-2404-docker.pkr.hcl | in packer | token present",
    "terraform init -input=false | in terraform | token present",
    "terraform plan -input=false -out pxic.tfplan | in terraform | token present",
    "terraform show -json pxic.tfplan | in terraform | token present",
    "terraform apply -input=false pxic.tfplan | in terraform | token present",
    "ansible-playbook -i inventory.yml vms.yml | in ansible | token present",
];

/// The homelab cluster before its first apply: the nodes, no guests.
fn empty_cluster() -> Fake {
    start(seeded(Vec::new()))
}

#[test]
fn the_steps_run_in_order_and_packer_builds_only_missing_templates() {
    let fake = empty_cluster();
    let run = Run::new("order", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(run.calls(), IN_ORDER, "{text}");
    assert!(text.contains("finished: 9 steps done"), "{text}");
    // The build came first: the steps ran the files it wrote.
    assert!(run.project.join("terraform/vms.tf").is_file());
    let logs = run.logs();
    assert!(logs.contains("terraform: using token [redacted]"), "{logs}");
    assert!(!logs.contains(SECRET), "{logs}");
    // The progress display stays out of the logs.
    assert!(
        !logs.contains("done in") && !logs.contains("[1/9]"),
        "{logs}"
    );
    assert!(
        text.contains("[4/9] packer build ubuntu-2404-docker\n      done in"),
        "{text}"
    );

    // With the template on the cluster, Packer has nothing to do.
    let fake = start(seeded(homelab_guests()));
    let run = Run::new("template-there", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !run.calls().iter().any(|c| c.starts_with("packer")),
        "{text}"
    );
    assert!(text.contains("Packer builds nothing"), "{text}");
}

#[test]
fn the_first_failing_step_stops_the_run_and_says_why() {
    let fake = empty_cluster();
    let run = Run::new("fails", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[("PXIC_STUB_FAIL", "terraform plan")]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(run.calls(), IN_ORDER[..6], "{text}");
    for part in [
        "PXI0472",
        "step 6/9 `terraform plan` failed with exit code 3",
        "terraform: Error: something broke",
        "terraform: using token [redacted]",
        "3 later steps not run",
        "06-guests-plan.log",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[test]
fn dry_run_only_and_skip_choose_what_runs() {
    let fake = empty_cluster();
    let run = Run::new("dry", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--dry-run"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(run.calls().is_empty(), "a dry run ran {:?}", run.calls());
    assert!(
        !run.project.join("terraform").exists(),
        "a dry run wrote files"
    );
    assert!(
        !run.project.join(".pxic").exists(),
        "a dry run made the run folder"
    );
    assert!(
        text.contains("8. [guests] terraform apply -input=false pxic.tfplan")
            && text.contains("environment: TF_INPUT, TF_VAR_proxmox_endpoint, SSL_CERT_FILE, PROXMOX_VE_API_TOKEN"),
        "{text}"
    );

    let (code, text) = run.apply(&["--auto-approve", "--only", "hosts,config"], &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        run.calls(),
        [IN_ORDER[0], IN_ORDER[1], IN_ORDER[8]],
        "{text}"
    );

    let run = Run::new(
        "skip",
        &fake,
        &["ansible-galaxy", "ansible-playbook", "terraform"],
    );
    let (code, text) = run.apply(&["--auto-approve", "--skip", "templates"], &[]);
    assert_eq!(
        code, 0,
        "without packer on PATH, skipping its step is enough: {text}"
    );
    assert_eq!(run.calls().len(), 7, "{text}");

    let (code, text) = run.apply(&["--only", "terraform"], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("PXI0475"), "{text}");
}

#[test]
fn nothing_runs_without_approval_or_without_a_tool() {
    let fake = empty_cluster();
    let run = Run::new("approval", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&[], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("PXI0474"), "{text}");
    assert!(run.calls().is_empty(), "{:?}", run.calls());

    let run = Run::new(
        "no-packer",
        &fake,
        &["ansible-galaxy", "ansible-playbook", "terraform"],
    );
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0471") && text.contains("`packer` is not on PATH"),
        "{text}"
    );
    assert!(run.calls().is_empty(), "{:?}", run.calls());
}

#[test]
fn a_cluster_that_cannot_take_the_project_stops_the_run_before_any_tool() {
    let mut scenario = seeded(Vec::new());
    scenario["offline"] = serde_json::json!(["pve1"]);
    let fake = start(scenario);
    let run = Run::new("preflight", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("PXI0460"), "{text}");
    assert!(run.calls().is_empty(), "{:?}", run.calls());
}

#[test]
fn ctrl_c_reaches_the_tool_once_and_a_second_apply_waits_for_nobody() {
    let fake = empty_cluster();
    let run = Run::new("interrupt", &fake, &ALL_TOOLS);
    let first = run
        .command(
            &["--auto-approve"],
            &[("PXIC_STUB_HANG", "terraform apply")],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pxic runs");
    // Wait until the hanging step has started.
    let started = std::time::Instant::now();
    while !run.calls().iter().any(|c| c.starts_with("terraform apply")) {
        assert!(
            started.elapsed().as_secs() < 60,
            "the run never reached terraform apply"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // A second apply on the same project is refused at once.
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("PXI0470"), "{text}");

    // SAFETY: signals the pxic process this test started.
    unsafe { libc::kill(first.id() as libc::pid_t, libc::SIGINT) };
    let output = first.wait_with_output().expect("pxic ends");
    let text = output_text(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("PXI0473") && text.contains("step 8/9 `terraform apply` was interrupted"),
        "{text}"
    );
    let got = run
        .calls()
        .iter()
        .filter(|c| c.ends_with("got SIGINT"))
        .count();
    assert_eq!(
        got,
        1,
        "the tool must get Ctrl-C exactly once: {:?}",
        run.calls()
    );
    assert!(
        !run.calls().iter().any(|c| c.contains("vms.yml")),
        "{:?}",
        run.calls()
    );

    // The lock went with the process: the next apply runs.
    let (code, text) = run.apply(&["--auto-approve", "--only", "config"], &[]);
    assert_eq!(code, 0, "{text}");
}

/// A Terraform plan (as `terraform show -json` prints it) that replaces db-01 and
/// makes web-02.
fn destructive_plan(dir: &Path) -> PathBuf {
    let file = dir.join("plan.json");
    std::fs::write(
        &file,
        r#"{"format_version": "1.2", "resource_changes": [
            {"address": "proxmox_virtual_environment_vm.web_02", "change": {"actions": ["create"]}},
            {"address": "proxmox_virtual_environment_vm.db_01", "change": {"actions": ["delete", "create"]}},
            {"address": "proxmox_virtual_environment_vm.web_01", "change": {"actions": ["no-op"]}}]}"#,
    )
    .expect("write plan");
    file
}

#[test]
fn a_plan_that_replaces_a_guest_is_shown_first_and_loudly() {
    let fake = start(seeded(homelab_guests()));
    let run = Run::new("destructive", &fake, &ALL_TOOLS);
    let plan = destructive_plan(run.project.parent().expect("parent"));
    let plan = plan.to_string_lossy().into_owned();
    let (code, text) = run.apply(&["--auto-approve"], &[("PXIC_STUB_PLAN", &plan)]);
    assert_eq!(code, 0, "{text}");
    let replace = text
        .find("!! replace  proxmox_virtual_environment_vm.db_01 (destroyed, then made anew)")
        .unwrap_or_else(|| panic!("no replacement shown:\n{text}"));
    let create = text
        .find("   create   proxmox_virtual_environment_vm.web_02")
        .unwrap_or_else(|| panic!("no creation shown:\n{text}"));
    assert!(replace < create, "{text}");
    assert!(
        text.contains("Terraform: 1 to create, 0 to update in place, 1 to replace, 0 to destroy"),
        "{text}"
    );
}

#[test]
fn plan_changes_nothing_and_says_what_apply_would_do() {
    let fake = empty_cluster();
    let run = Run::new("plan", &fake, &ALL_TOOLS);
    let plan = destructive_plan(run.project.parent().expect("parent"));
    let plan = plan.to_string_lossy().into_owned();
    let output = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .arg("plan")
        .arg(&run.project)
        .env_clear()
        .env("PATH", &run.path)
        .env(
            "PROXMOX_VE_ENDPOINT",
            format!("https://{}:8006/", fake.host),
        )
        .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
        .env("PXIC_CA_FILE", &fake.ca)
        .env("PXIC_STUB_LOG", &run.record)
        .env("PXIC_STUB_PLAN", &plan)
        .stdin(Stdio::null())
        .output()
        .expect("pxic runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", output_text(&output));
    assert_eq!(
        run.calls(),
        [
            IN_ORDER[0],
            "ansible-playbook -i inventory.yml proxmox-hosts.yml --check --diff | in ansible | token present",
            IN_ORDER[4],
            IN_ORDER[5],
            IN_ORDER[6],
        ],
        "{}",
        output_text(&output)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "!! replace  proxmox_virtual_environment_vm.db_01 (destroyed, then made anew)",
            "   create   proxmox_virtual_environment_vm.web_02",
            "Terraform: 1 to create, 0 to update in place, 1 to replace, 0 to destroy",
            "Packer: builds template ubuntu-2404-docker (not on the cluster)",
            "Ansible on the hosts: pve1: 2 to change",
        ],
        "{}",
        output_text(&output)
    );
}

#[test]
fn a_vmid_held_by_another_guest_stops_the_run_before_any_tool() {
    let mut guests = homelab_guests();
    for guest in &mut guests {
        if guest["name"] == "worker-1" {
            guest["name"] = serde_json::json!("someones-vm");
            guest["config"]["description"] = serde_json::json!("made by hand");
        }
    }
    let fake = start(seeded(guests));
    let run = Run::new("taken", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0461")
            && text.contains("vm `worker-1` is to have VMID 102, which holds `someones-vm`"),
        "{text}"
    );
    assert!(run.calls().is_empty(), "{:?}", run.calls());
}

/// The homelab's guests as after an apply, with the Packer template's description
/// set to `description` and `more` guests besides.
fn with_template_description(description: &str, more: Vec<serde_json::Value>) -> Fake {
    let mut guests = homelab_guests();
    for guest in &mut guests {
        if guest["name"] == "ubuntu-2404-docker" {
            guest["config"]["description"] = serde_json::json!(description);
        }
    }
    guests.extend(more);
    start(seeded(guests))
}

const OLD_BUILD: &str = "Built by Packer from image os.ubuntu_2404; generated by pxic from hosts.pxi; build inputs sha256:0000000000000000000000000000000000000000000000000000000000000000.";

#[test]
fn a_template_whose_build_inputs_changed_is_built_again() {
    let fake = with_template_description(OLD_BUILD, Vec::new());
    let run = Run::new("inputs-changed", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("  !! rebuild  template ubuntu-2404-docker (inputs changed since it was built; Packer deletes it, then builds it again)"),
        "{text}"
    );
    // The template there is deleted first: `-force`.
    assert_eq!(
        run.calls()[2..4],
        [
            IN_ORDER[2],
            "packer build -force ubuntu-2404-docker.pkr.hcl | in packer | token present"
        ],
        "{text}"
    );

    // `pxic plan` says the same, and why.
    let output = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .arg("plan")
        .arg(&run.project)
        .env_clear()
        .env("PATH", &run.path)
        .env(
            "PROXMOX_VE_ENDPOINT",
            format!("https://{}:8006/", fake.host),
        )
        .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
        .env("PXIC_CA_FILE", &fake.ca)
        .env("PXIC_STUB_LOG", &run.record)
        .stdin(Stdio::null())
        .output()
        .expect("pxic runs");
    // First and loudly: the template is deleted before it is built again.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(
            "!! rebuild  template ubuntu-2404-docker (inputs changed since it was built; Packer deletes it, then builds it again)\n"
        ) && stdout.contains(
            "Packer: rebuilds template ubuntu-2404-docker (inputs changed since it was built)"
        ),
        "{}",
        output_text(&output)
    );

    // Marked as pxic's but with no fingerprint: what it was made from is unknown.
    let fake = with_template_description(
        "Built by Packer; generated by pxic from hosts.pxi.",
        Vec::new(),
    );
    let run = Run::new("inputs-unrecorded", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("template ubuntu-2404-docker (built without a record of its inputs;"),
        "{text}"
    );
    assert!(
        run.calls()
            .iter()
            .any(|c| c.starts_with("packer build -force")),
        "{text}"
    );
}

#[test]
fn a_template_linked_clones_use_is_not_deleted_to_rebuild_it() {
    let clone = serde_json::json!({"vmid": 150, "name": "app-01", "node": "pve1",
        "status": "running", "config": {"cores": 1, "memory": "1024",
        "scsi0": "local-lvm:base-9001-disk-0/vm-150-disk-0,iothread=1,size=20G",
        "description": "made by hand from the docker template"}});
    let fake = with_template_description(OLD_BUILD, vec![clone]);
    let run = Run::new("linked-clones", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0476")
            && text.contains("template `ubuntu-2404-docker` must be rebuilt, but linked clones still use its disks: app-01 (VMID 150)"),
        "{text}"
    );
    assert!(run.calls().is_empty(), "{:?}", run.calls());

    // With the templates step skipped, the rest runs.
    let (code, text) = run.apply(&["--auto-approve", "--skip", "templates"], &[]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn a_template_pxic_did_not_build_is_left_alone() {
    let fake = with_template_description("our golden image, made by hand", Vec::new());
    let run = Run::new("not-ours", &fake, &ALL_TOOLS);
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("PXI0477") && text.contains("was not built by pxic"),
        "{text}"
    );
    assert!(
        !run.calls().iter().any(|c| c.starts_with("packer")),
        "{:?}",
        run.calls()
    );
}

/// Two more Packer templates beside the homelab's, independent of it.
fn add_templates(project: &Path) {
    let mut hosts = std::fs::read_to_string(project.join("hosts.pxi")).expect("read");
    for (name, vmid) in [("tpl-b", 9002), ("tpl-c", 9003)] {
        hosts.push_str(&format!(
            "\ntemplate {name} {{\n  host    = pve1\n  vmid    = {vmid}\n  image   = os.ubuntu_2404\n  storage = local-lvm\n  build {{ packages = [\"jq\"] }}\n}}\n"
        ));
    }
    std::fs::write(project.join("hosts.pxi"), hosts).expect("write");
}

/// The calls of the template builds, as the stub recorded them (start, then
/// `| done`), without the folder and token.
fn builds(run: &Run) -> Vec<String> {
    run.calls()
        .into_iter()
        .filter(|c| c.starts_with("packer build"))
        .map(|c| {
            let name = c
                .split_whitespace()
                .nth(2)
                .unwrap_or("")
                .replace(".pkr.hcl", "");
            if c.ends_with("| done") {
                format!("{name} done")
            } else {
                format!("{name} starts")
            }
        })
        .collect()
}

/// The most builds running at once in a record of [`builds`].
fn most_at_once(seen: &[String]) -> usize {
    let mut now = 0usize;
    let mut most = 0;
    for event in seen {
        if event.ends_with("starts") {
            now += 1;
            most = most.max(now);
        } else {
            now -= 1;
        }
    }
    most
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut items = items.to_vec();
    items.sort();
    items
}

#[test]
fn independent_templates_build_side_by_side_within_the_bound() {
    let fake = empty_cluster();
    let run = Run::new("parallel", &fake, &ALL_TOOLS);
    add_templates(&run.project);
    let slow = [("PXIC_STUB_SLOW", "packer build")];
    let (code, text) = run.apply(&["--auto-approve"], &slow);
    assert_eq!(code, 0, "{text}");
    // The inits one at a time, first; then two builds at once, the third when one
    // of them is done.
    let calls = run.calls();
    let inits: Vec<usize> = (0..calls.len())
        .filter(|&i| calls[i].starts_with("packer init"))
        .collect();
    assert_eq!(inits, [2, 3, 4], "{calls:?}");
    let seen = builds(&run);
    assert_eq!(
        sorted(&seen[..2]),
        ["tpl-b starts", "tpl-c starts"],
        "{calls:?}"
    );
    assert_eq!(most_at_once(&seen), 2, "{calls:?}");
    assert_eq!(seen.len(), 6, "{calls:?}");
    assert!(text.contains("finished: 13 steps done"), "{text}");
    // Side by side, each line says which build ended.
    assert!(
        text.contains("      [7/13] packer build tpl-c: done in"),
        "{text}"
    );

    // One at a time with --parallel 1.
    std::fs::remove_file(&run.record).expect("rm");
    let (code, text) = run.apply(&["--auto-approve", "--parallel", "1"], &slow);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        builds(&run),
        [
            "tpl-b starts",
            "tpl-b done",
            "tpl-c starts",
            "tpl-c done",
            "ubuntu-2404-docker starts",
            "ubuntu-2404-docker done"
        ],
        "{text}"
    );
}

#[test]
fn a_failed_build_stops_new_ones_and_each_failure_is_reported() {
    let fake = empty_cluster();
    let run = Run::new("parallel-fails", &fake, &ALL_TOOLS);
    add_templates(&run.project);
    let (code, text) = run.apply(
        &["--auto-approve"],
        &[
            ("PXIC_STUB_SLOW", "packer build"),
            ("PXIC_STUB_FAIL", "packer build tpl-"),
        ],
    );
    assert_eq!(code, 1, "{text}");
    // Both running builds ended and are reported; the third never started.
    let seen = builds(&run);
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(
        sorted(&seen[..2]),
        ["tpl-b starts", "tpl-c starts"],
        "{text}"
    );
    assert_eq!(sorted(&seen[2..]), ["tpl-b done", "tpl-c done"], "{text}");
    for part in [
        "step 6/13 `packer build tpl-b` failed with exit code 3",
        "step 7/13 `packer build tpl-c` failed with exit code 3",
        "06-templates-tpl-b-build.log",
        "07-templates-tpl-c-build.log",
        "6 later steps not run",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
    assert!(
        !run.calls().iter().any(|c| c.starts_with("terraform")),
        "{:?}",
        run.calls()
    );
}

/// The cluster as `runner::templates` reads it, from a table; counts the reads.
struct Table {
    descriptions: std::collections::BTreeMap<u32, String>,
    configs: std::collections::BTreeMap<u32, serde_json::Value>,
    reads: Vec<u32>,
}

impl pxic::runner::templates::Cluster for Table {
    fn description(
        &mut self,
        guest: &pxic::pve::LiveGuest,
    ) -> Result<String, pxic::diag::Diagnostic> {
        Ok(self
            .descriptions
            .get(&guest.vmid)
            .cloned()
            .unwrap_or_default())
    }

    fn config(
        &mut self,
        guest: &pxic::pve::LiveGuest,
    ) -> Result<serde_json::Value, pxic::diag::Diagnostic> {
        self.reads.push(guest.vmid);
        Ok(self.configs.get(&guest.vmid).cloned().unwrap_or_default())
    }
}

#[test]
fn linked_clones_are_looked_for_only_where_they_can_be() {
    use pxic::runner::templates::{Why, to_build};
    let plan = common::plan_of(&repo().join("examples/homelab"));
    let guest = |vmid: u32, name: &str, node: &str, template: bool| pxic::pve::LiveGuest {
        vmid,
        name: name.into(),
        node: node.into(),
        kind: "qemu".into(),
        template,
        cpus: 1,
        memory: 1 << 30,
        tags: Vec::new(),
        pool: None,
    };
    let live = vec![
        guest(9001, "ubuntu-2404-docker", "pve1", true),
        guest(150, "app-01", "pve1", false),
        // local-lvm is not shared: a VM on another node cannot be a linked clone.
        guest(151, "far-01", "pve2", false),
    ];
    let wanted = std::collections::BTreeSet::from(["ubuntu-2404-docker".to_string()]);
    let fingerprints = pxic::backend::packer::fingerprints(&plan);
    let mut table = Table {
        descriptions: [(9001, OLD_BUILD.to_string())].into(),
        configs: [(
            150,
            serde_json::json!({"scsi0": "local-lvm:vm-150-disk-0,size=20G", "scsihw": "virtio-scsi-single"}),
        )]
        .into(),
        reads: Vec::new(),
    };
    let mut problems = Vec::new();
    let builds = to_build(
        &plan,
        &wanted,
        &fingerprints,
        &live,
        &mut table,
        &mut problems,
    )
    .expect("no linked clone");
    assert_eq!(builds.get("ubuntu-2404-docker"), Some(&Why::Changed));
    assert_eq!(table.reads, [150], "read a VM that cannot be a clone");
    assert!(problems.is_empty(), "{problems:?}");

    // Up to date: nothing to build, no VM read.
    let description = format!(
        "generated by pxic from hosts.pxi; {}{}.",
        pxic::backend::packer::INPUTS_MARK,
        fingerprints["ubuntu-2404-docker"]
    );
    table.descriptions.insert(9001, description);
    table.reads.clear();
    let builds = to_build(
        &plan,
        &wanted,
        &fingerprints,
        &live,
        &mut table,
        &mut problems,
    )
    .expect("nothing to build");
    assert!(builds.is_empty(), "{builds:?}");
    assert!(table.reads.is_empty());
}

fn reach() -> pxic::runner::Reach {
    pxic::runner::Reach {
        endpoint: "https://10.9.9.9:8006".into(),
        ca_file: Some(PathBuf::from("/etc/pxic/pve-root-ca.pem")),
    }
}

/// bpg's provider reads PROXMOX_VE_ENDPOINT only when its block names no endpoint, and
/// Packer's files name one: the runner hands both the endpoint (and CA) it checked.
#[test]
fn terraform_and_packer_reach_the_cluster_pxic_checked() {
    use pxic::runner::{Mode, Stage, Why};
    let plan = common::plan_of(&repo().join("examples/homelab"));
    let builds = [("ubuntu-2404-docker".to_string(), Why::Missing)].into();
    let steps = pxic::runner::steps(
        &plan,
        Path::new("/project"),
        &reach(),
        &Stage::ALL.into_iter().collect(),
        &builds,
        Mode::Apply,
    );
    let ca = (
        "SSL_CERT_FILE".to_string(),
        "/etc/pxic/pve-root-ca.pem".to_string(),
    );
    for (program, variable, value) in [
        (
            "terraform",
            "TF_VAR_proxmox_endpoint",
            "https://10.9.9.9:8006/",
        ),
        (
            "packer",
            "PKR_VAR_proxmox_url",
            "https://10.9.9.9:8006/api2/json",
        ),
    ] {
        let of_tool: Vec<_> = steps.iter().filter(|s| s.program == program).collect();
        assert!(!of_tool.is_empty(), "no {program} step");
        for step in of_tool {
            assert!(
                step.env
                    .contains(&(variable.to_string(), value.to_string()))
                    && step.env.contains(&ca),
                "{}: {:?}",
                step.title,
                step.env
            );
        }
    }
    let terraform = std::fs::read_to_string(repo().join("terraform/provider.tf")).expect("read");
    assert!(
        terraform.contains("endpoint  = var.proxmox_endpoint"),
        "{terraform}"
    );
    let packer =
        std::fs::read_to_string(repo().join("packer/ubuntu-2404-docker.pkr.hcl")).expect("read");
    assert!(
        packer.contains("proxmox_url              = var.proxmox_url"),
        "{packer}"
    );
}

#[test]
fn a_template_cloned_from_another_is_built_after_it() {
    use pxic::runner::{Mode, Stage, Why};
    let mut plan = common::plan_of(&repo().join("examples/homelab"));
    // A template Packer clones from the docker one (the language has no way to say
    // so yet; the runner is ready for it), named to sort first.
    let mut child = plan.templates["ubuntu-2404-docker"].clone();
    child.name = "a-child".into();
    child.vmid = 9100;
    child.base_vmid = Some(9001);
    plan.templates.insert(child.name.clone(), child);
    let builds = [
        ("a-child".to_string(), Why::Missing),
        ("ubuntu-2404-docker".to_string(), Why::Changed),
    ]
    .into();
    let steps = pxic::runner::steps(
        &plan,
        Path::new("/project"),
        &reach(),
        &Stage::ALL.into_iter().collect(),
        &builds,
        Mode::Apply,
    );
    let packer: Vec<(String, Vec<String>)> = steps
        .iter()
        .filter(|s| s.program == "packer")
        .map(|s| (s.args.join(" "), s.after.clone()))
        .collect();
    assert_eq!(
        packer,
        [
            ("init a-child.pkr.hcl".to_string(), vec![]),
            ("init ubuntu-2404-docker.pkr.hcl".to_string(), vec![]),
            (
                "build -force ubuntu-2404-docker.pkr.hcl".to_string(),
                vec![]
            ),
            (
                "build a-child.pkr.hcl".to_string(),
                vec!["ubuntu-2404-docker".to_string()]
            ),
        ]
    );
}

#[test]
fn on_a_terminal_the_steps_are_lines_updated_in_place() {
    let fake = empty_cluster();
    let run = Run::new("terminal", &fake, &ALL_TOOLS);
    // `script` gives pxic a terminal (util-linux); its output is the terminal's.
    let typescript = run.project.with_file_name("typescript");
    let inner = format!(
        "{} apply {} --auto-approve",
        env!("CARGO_BIN_EXE_pxic"),
        run.project.display()
    );
    let command = run.command(&[], &[("PXIC_STUB_SLOW", "packer build")]);
    // The same environment, around `script` rather than pxic.
    let output = Command::new("/usr/bin/script")
        .args(["-qfec", &inner])
        .arg(&typescript)
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("TERM", "xterm")
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let shown = std::fs::read_to_string(&typescript).expect("typescript");
    assert!(output.status.success(), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    // Updated in place (carriage return, erase line), then one line when it ends.
    assert!(shown.contains("\r\u{1b}[2K"), "{shown:?}");
    assert!(
        shown.contains("[4/9] packer build ubuntu-2404-docker: done in "),
        "{shown:?}"
    );
    let logs = run.logs();
    assert!(
        !logs.contains('\u{1b}') && !logs.contains("done in"),
        "{logs}"
    );
}

/// The provider writes containers' id maps over SSH with the agent's keys: without an
/// agent, apply stops before any tool (PXI0478); `plan` and a run without the guests
/// need none.
#[test]
fn an_idmap_without_an_ssh_agent_stops_the_run_before_any_tool() {
    let fake = empty_cluster();
    let run = Run::new("idmap-agent", &fake, &ALL_TOOLS);
    let vms = run.project.join("vms.pxi");
    let text = std::fs::read_to_string(&vms).expect("vms.pxi");
    let with_idmap = text.replacen(
        "  network lan { ip = 10.10.0.53 }",
        "  network lan { ip = 10.10.0.53 }\n  idmap { uids = [1000] }",
        1,
    );
    assert_ne!(text, with_idmap, "the example's container moved");
    std::fs::write(&vms, with_idmap).expect("write");
    let (code, text) = run.apply(&["--auto-approve"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("PXI0478") && text.contains("nothing was run"),
        "{text}"
    );
    assert!(run.calls().is_empty(), "{:?}", run.calls());
    let (code, text) = run.apply(&["--auto-approve", "--skip", "guests"], &[]);
    assert!(!text.contains("PXI0478"), "{code}: {text}");
    let (code, text) = run.apply(&["--auto-approve"], &[("SSH_AUTH_SOCK", "/tmp/agent.sock")]);
    assert!(!text.contains("PXI0478"), "{code}: {text}");
}
