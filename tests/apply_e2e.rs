//! `pxic apply` with real Terraform, end to end: the homelab example against fakepve
//! (`tests/fakepve/`), with the bpg/proxmox stand-in of `tests/terraform/` in its
//! CRUD mode (`PXIC_TF_STANDIN_CRUD=1`: it creates, reads, updates and deletes
//! through the Proxmox VE API, see `tests/terraform/standin_crud.py`). After
//! `pxic apply --only templates,guests` the fake holds the guests the plan describes;
//! a second apply plans no change; `pxic status` finds the cluster in sync, then the
//! drift made through the API. Packer, whose proxmox plugin cannot run here, is the
//! stub of `tests/apply/`; the scenario holds the template it would build.
//!
//! Needs Terraform (`/usr/local/bin/terraform`, or `TERRAFORM=/path`) and Python
//! 3.11 with the two venvs the setup scripts build: without them this test fails, it
//! never skips.

mod common;

use common::fakepve::{Fake, SECRET, TOKEN, built_template, seeded, start};
use common::{copy_dir, output_text, plan_of, repo, run, script};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Terraform as the tests' setup scripts find it.
fn terraform() -> PathBuf {
    if let Ok(path) = std::env::var("TERRAFORM") {
        return PathBuf::from(path);
    }
    let default = Path::new("/usr/local/bin/terraform");
    assert!(
        default.is_file(),
        "Terraform is not at /usr/local/bin/terraform (set TERRAFORM=/path): this test needs it"
    );
    default.to_path_buf()
}

/// The files already on the cluster's storages before the apply: the cloud images
/// the Terraform-made templates import, which the host playbook downloads (the run
/// skips it), as `[storage, content, file name, bytes]`.
fn imported_images() -> Vec<Value> {
    let files = pxic::backend::terraform::emit(&plan_of(&repo().join("examples/homelab")));
    let mut images = Vec::new();
    for text in files.values() {
        for line in text.lines() {
            let Some(value) = line.trim().strip_prefix("import_from") else {
                continue;
            };
            let volume = value.trim_start_matches([' ', '=']).trim_matches('"');
            let (storage, file) = volume.split_once(":import/").expect("storage:import/file");
            images.push(json!([storage, "import", file, 600_000_000u64]));
        }
    }
    assert!(
        !images.is_empty(),
        "the homelab has a template from an image"
    );
    images
}

/// The homelab cluster before its first apply: its nodes and storages, the cloud
/// image on `local`, and the templates Packer builds (already built: the Packer stub
/// builds nothing).
fn scenario() -> Value {
    let plan = plan_of(&repo().join("examples/homelab"));
    let fingerprints = pxic::backend::packer::fingerprints(&plan);
    let guests = plan
        .templates
        .values()
        .filter(|t| t.builder == pxic::ir::Builder::Packer)
        .map(|t| built_template(t, &fingerprints))
        .collect();
    let mut scenario = seeded(guests);
    scenario["volumes"] = json!(imported_images());
    scenario
}

/// A call to the fake's API (the venv's Python, trusting the fake's CA): the answer's
/// `data`; panics on an error.
fn api(fake: &Fake, method: &str, path: &str, params: &[(&str, &str)]) -> Value {
    const CLIENT: &str = r#"
import json, ssl, sys, urllib.parse, urllib.request
base, token, ca, method, path, params = sys.argv[1:7]
data = urllib.parse.urlencode(json.loads(params)).encode() if method in ("POST", "PUT") else None
req = urllib.request.Request(base + path, data=data, method=method,
                             headers={"Authorization": "PVEAPIToken=" + token})
with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=ca)) as r:
    print(json.dumps(json.load(r)["data"]))
"#;
    let params: serde_json::Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let output = Command::new(repo().join("target/fakepve-venv/bin/python"))
        .arg("-c")
        .arg(CLIENT)
        .arg(format!("https://{}:8006/api2/json", fake.host))
        .arg(format!("{TOKEN}={SECRET}"))
        .arg(&fake.ca)
        .arg(method)
        .arg(path)
        .arg(Value::Object(params).to_string())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{method} {path}: {}",
        output_text(&output)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// The homelab project, its endpoint the fake's, in a folder of its own; and a
/// PATH with the Packer stub, real Terraform and what the stub needs.
struct Project {
    dir: PathBuf,
    path: String,
    home: PathBuf,
    record: PathBuf,
}

impl Project {
    fn new(fake: &Fake) -> Project {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("apply-e2e");
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("homelab");
        copy_dir(&repo().join("examples/homelab"), &dir);
        let main = dir.join("main.pxi");
        let text = std::fs::read_to_string(&main).expect("main.pxi");
        let endpoint = format!("https://{}:8006/", fake.host);
        assert!(text.contains("https://10.10.0.2:8006/"), "{text}");
        std::fs::write(&main, text.replace("https://10.10.0.2:8006/", &endpoint))
            .expect("write main.pxi");
        let bin = root.join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::os::unix::fs::symlink(repo().join("tests/apply/stub-tool"), bin.join("packer"))
            .expect("link the Packer stub");
        std::os::unix::fs::symlink(terraform(), bin.join("terraform")).expect("link terraform");
        for program in ["bash", "basename", "cat", "sleep"] {
            let real = ["/usr/bin", "/bin"]
                .iter()
                .map(|d| Path::new(d).join(program))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("{program} is not installed"));
            std::os::unix::fs::symlink(real, bin.join(program)).expect("link");
        }
        let home = root.join("home");
        std::fs::create_dir_all(&home).expect("mkdir");
        Project {
            dir,
            path: bin.display().to_string(),
            home,
            record: root.join("calls.txt"),
        }
    }

    /// `pxic ARGS PROJECT` with only the environment the run needs.
    fn pxic(&self, fake: &Fake, args: &[&str]) -> (i32, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_pxic"))
            .args(args)
            .arg(&self.dir)
            .env_clear()
            .env("PATH", &self.path)
            .env("HOME", &self.home)
            .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
            // The runner hands it to Terraform as SSL_CERT_FILE, which the stand-in,
            // like bpg (Go), trusts.
            .env("PXIC_CA_FILE", &fake.ca)
            .env(
                "TF_CLI_CONFIG_FILE",
                repo().join("target/tf-provider/terraformrc"),
            )
            .env("PXIC_TF_STANDIN_CRUD", "1")
            .env("PXIC_STUB_LOG", &self.record)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "1000")
            .stdin(Stdio::null())
            .output()
            .expect("pxic runs");
        let text = output_text(&output);
        assert!(!text.contains(SECRET), "the secret was printed:\n{text}");
        (output.status.code().unwrap_or(-1), text)
    }

    /// `terraform ARGS` in the project's terraform/ folder, as pxic runs it.
    fn terraform(&self, fake: &Fake, args: &[&str]) -> (bool, String) {
        run(Command::new(terraform())
            .args(args)
            .arg("-no-color")
            .current_dir(self.dir.join("terraform"))
            .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
            .env("SSL_CERT_FILE", &fake.ca)
            .env(
                "TF_CLI_CONFIG_FILE",
                repo().join("target/tf-provider/terraformrc"),
            )
            .env("PXIC_TF_STANDIN_CRUD", "1")
            .env("TF_INPUT", "0"))
    }
}

/// The guest's entry in `/cluster/resources`.
fn resource(fake: &Fake, vmid: u32) -> Value {
    let all = api(fake, "GET", "/cluster/resources?type=vm", &[]);
    all.as_array()
        .expect("a list")
        .iter()
        .find(|r| r["vmid"] == json!(vmid))
        .unwrap_or_else(|| panic!("no guest {vmid} on the cluster: {all}"))
        .clone()
}

fn number(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn apply_makes_the_planned_guests_then_changes_nothing_and_status_sees_drift() {
    let started = std::time::Instant::now();
    let (ok, text) = run(&mut script("tests/terraform/setup.sh"));
    assert!(ok, "{text}");
    let fake = start(scenario());
    let project = Project::new(&fake);

    let (code, text) = project.pxic(
        &fake,
        &["apply", "--auto-approve", "--only", "templates,guests"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("every template is on the cluster and up to date: Packer builds nothing"),
        "{text}"
    );
    assert!(
        !std::fs::read_to_string(&project.record)
            .unwrap_or_default()
            .contains("packer build"),
        "Packer built a template the cluster has"
    );

    // The cluster holds what the plan describes.
    let plan = plan_of(&project.dir);
    for t in plan.templates.values() {
        let r = resource(&fake, t.vmid);
        assert_eq!(r["template"], json!(1), "{r}");
        assert_eq!(r["name"], json!(t.name), "{r}");
    }
    for vm in plan.vms.values() {
        let g = &vm.guest;
        let r = resource(&fake, g.vmid);
        let want = json!({"type": "qemu", "name": g.name, "node": g.node, "status": "running",
            "maxcpu": g.cores * vm.sockets.max(1), "maxmem": g.memory,
            "maxdisk": g.disk, "pool": g.pool});
        let have = json!({"type": r["type"], "name": r["name"], "node": r["node"],
            "status": r["status"], "maxcpu": r["maxcpu"], "maxmem": r["maxmem"],
            "maxdisk": r["maxdisk"], "pool": r.get("pool")});
        assert_eq!(have, want, "{}", g.name);
        let mut tags = g.tags.clone();
        tags.sort();
        assert_eq!(
            r.get("tags").map_or(String::new(), |t| t
                .as_str()
                .unwrap_or_default()
                .to_string()),
            tags.join(";"),
            "{}",
            g.name
        );
        let config = api(
            &fake,
            "GET",
            &format!("/nodes/{}/qemu/{}/config", g.node, g.vmid),
            &[],
        );
        let description = config["description"].as_str().unwrap_or_default();
        assert!(pxic::drift::is_managed(description), "{}: {config}", g.name);
        let nic = &g.nics[0];
        let net0 = config["net0"].as_str().unwrap_or_default();
        assert!(
            net0.contains(&nic.mac) && net0.contains(&format!("bridge={}", nic.bridge)),
            "{}: {net0}",
            g.name
        );
        // A DHCP NIC's ipconfig says so; a static one's has the address and prefix.
        let ip = match nic.address {
            pxic::ir::NicIp::Static(a) => format!("ip={a}/{}", nic.prefix),
            other => format!("ip={other}"),
        };
        assert!(
            config["ipconfig0"]
                .as_str()
                .unwrap_or_default()
                .contains(&ip),
            "{}: {config}",
            g.name
        );
        assert_eq!(
            config["onboot"].to_string().trim_matches('"'),
            if g.on_boot { "1" } else { "0" },
            "{}",
            g.name
        );
        assert_eq!(
            config
                .get("protection")
                .map(|p| p.to_string().trim_matches('"').to_string()),
            g.protection.then(|| "1".to_string()),
            "{}",
            g.name
        );
    }
    for ct in plan.containers.values() {
        let g = &ct.guest;
        let r = resource(&fake, g.vmid);
        assert_eq!(
            (
                r["type"].clone(),
                r["name"].clone(),
                r["node"].clone(),
                r["status"].clone()
            ),
            (json!("lxc"), json!(g.name), json!(g.node), json!("running")),
            "{r}"
        );
        assert_eq!(
            (number(&r["maxcpu"]), number(&r["maxmem"])),
            (u64::from(g.cores), g.memory),
            "{r}"
        );
        let config = api(
            &fake,
            "GET",
            &format!("/nodes/{}/lxc/{}/config", g.node, g.vmid),
            &[],
        );
        assert!(
            pxic::drift::is_managed(config["description"].as_str().unwrap_or_default()),
            "{config}"
        );
        let rootfs = config["rootfs"].as_str().unwrap_or_default();
        assert!(
            rootfs.ends_with(&format!("size={}G", g.disk >> 30)),
            "{config}"
        );
    }
    let pools = api(&fake, "GET", "/pools", &[]);
    for pool in plan.pools.values() {
        assert!(
            pools
                .as_array()
                .expect("list")
                .iter()
                .any(|p| p["poolid"] == json!(pool.name)),
            "pool {} missing: {pools}",
            pool.name
        );
    }

    // A second apply finds nothing to do.
    let (code, text) = project.pxic(
        &fake,
        &["apply", "--auto-approve", "--only", "templates,guests"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("Terraform: 0 to create, 0 to update in place, 0 to replace, 0 to destroy"),
        "{text}"
    );
    assert!(
        text.contains("every template is on the cluster and up to date")
            && !text.contains("packer build"),
        "the templates were built by the fingerprint they carry:\n{text}"
    );
    let (ok, text) = project.terraform(&fake, &["plan", "-input=false", "-detailed-exitcode"]);
    assert!(
        ok,
        "terraform plan finds changes after two applies:\n{text}"
    );
    assert!(text.contains("No changes."), "{text}");

    let (code, text) = project.pxic(&fake, &["status"]);
    assert_eq!(code, 0, "not in sync after the apply:\n{text}");

    // Someone gives a VM more memory through the API (and restarts it, so the change
    // is current, not pending).
    let vm = plan.vms.values().next().expect("a VM");
    let (node, vmid) = (&vm.guest.node, vm.guest.vmid);
    let memory = ((vm.guest.memory >> 20) * 2).to_string();
    api(
        &fake,
        "POST",
        &format!("/nodes/{node}/qemu/{vmid}/status/stop"),
        &[],
    );
    api(
        &fake,
        "PUT",
        &format!("/nodes/{node}/qemu/{vmid}/config"),
        &[("memory", &memory)],
    );
    api(
        &fake,
        "POST",
        &format!("/nodes/{node}/qemu/{vmid}/status/start"),
        &[],
    );
    let (code, text) = project.pxic(&fake, &["status"]);
    assert_eq!(code, 1, "the drift was not seen:\n{text}");
    assert!(
        text.contains(&vm.guest.name) && text.contains("memory"),
        "{text}"
    );
    // Terraform sees it too, through the stand-in's read.
    let (ok, text) = project.terraform(&fake, &["plan", "-input=false", "-detailed-exitcode"]);
    assert!(!ok, "terraform plan missed the drift:\n{text}");
    assert!(
        text.contains(&format!(
            "proxmox_virtual_environment_vm.{}",
            vm.guest.name.replace('-', "_")
        )) && text.contains(&format!(
            "dedicated = {memory} -> {}",
            vm.guest.memory >> 20
        )),
        "{text}"
    );

    // What the stand-in cannot send to the API is refused, not dropped.
    let vms = project.dir.join("terraform/vms.tf");
    let text = std::fs::read_to_string(&vms).expect("vms.tf");
    std::fs::write(
        &vms,
        text.replacen(
            "  migrate     = true\n",
            "  migrate     = true\n  bios        = \"ovmf\"\n",
            1,
        ),
    )
    .expect("write vms.tf");
    let (ok, text) = project.terraform(&fake, &["plan", "-input=false"]);
    assert!(
        !ok && text.contains("The stand-in does not map bios"),
        "{text}"
    );

    eprintln!("apply_e2e: {:.1} s", started.elapsed().as_secs_f64());
}
