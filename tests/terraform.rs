//! Real Terraform on every generated configuration: `terraform fmt -check` must find
//! nothing to change and `terraform validate` must pass against the bpg/proxmox
//! schema. The registry cannot be reached here, so the provider is a schema-only
//! stand-in (`tests/terraform/`, see its README) that Terraform loads through
//! `dev_overrides`; it knows every resource, attribute, block, type and limit of the
//! provider, and here manages nothing (its plan-and-apply mode is for
//! `tests/apply_e2e.rs`). Terraform itself must be installed: without it these tests
//! fail, they never skip.

mod common;
#[path = "terraform/fidelity.rs"]
mod fidelity;

use common::{run, script};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// `validate.sh` sets up the stand-in's venv on first use; one run at a time.
static TERRAFORM: Mutex<()> = Mutex::new(());

/// Runs `tests/terraform/validate.sh DIR`.
fn validate(dir: &Path) -> (bool, String) {
    let _one_at_a_time = TERRAFORM.lock().unwrap_or_else(|e| e.into_inner());
    run(script("tests/terraform/validate.sh").arg(dir))
}

#[test]
fn every_generated_configuration_is_formatted_and_valid() {
    for (name, dir) in common::emit_cases() {
        let files = pxic::backend::terraform::emit(&common::plan_of(&dir));
        let (ok, output) = validate(&write_case(&name, &files));
        assert!(
            ok,
            "{name}: terraform rejects the generated files:\n{output}"
        );
    }
}

/// The check can fail: an attribute the provider does not have is refused, and so is
/// a file `terraform fmt` would change.
#[test]
fn validation_fails_on_what_the_provider_or_fmt_would_refuse() {
    let (_, dir) = &common::emit_cases()[0];
    let files = pxic::backend::terraform::emit(&common::plan_of(dir));

    let mut unknown = files.clone();
    let vms = unknown.get_mut("terraform/vms.tf").expect("vms.tf");
    *vms = vms.replacen("  started ", "  cpu_count = 2\n  started ", 1);
    let (ok, output) = validate(&write_case("broken-unknown-attribute", &unknown));
    assert!(!ok, "an unknown attribute passed validation:\n{output}");
    assert!(output.contains("Unsupported argument"), "{output}");

    let mut misaligned = files;
    let vms = misaligned.get_mut("terraform/vms.tf").expect("vms.tf");
    // The first aligned `started`, its padding taken away.
    let aligned = vms
        .lines()
        .find(|l| l.starts_with("  started  "))
        .expect("an aligned `started`")
        .to_string();
    *vms = vms.replacen(&aligned, "  started = true", 1);
    let (ok, output) = validate(&write_case("broken-format", &misaligned));
    assert!(!ok, "a badly formatted file passed fmt -check:\n{output}");
    assert!(output.contains("terraform fmt -check"), "{output}");
}

/// Runs `terraform init` (backend included) in a generated folder; returns everything
/// it printed. Credentials are dummies: the backend is configured, then fails to
/// connect, as nothing here answers.
fn init_backend(dir: &Path) -> String {
    let _one_at_a_time = TERRAFORM.lock().unwrap_or_else(|e| e.into_inner());
    set_up_stand_in();
    let data = dir.with_extension("tf-data");
    let _ = std::fs::remove_dir_all(&data);
    let (_, output) = run(Command::new(terraform())
        .args(["init", "-input=false", "-no-color"])
        .current_dir(dir)
        .env("TF_DATA_DIR", &data)
        .env(
            "TF_CLI_CONFIG_FILE",
            common::repo().join("target/tf-provider/terraformrc"),
        )
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("PG_CONN_STR", "postgres://test:test@127.0.0.1:1/state"));
    output
}

/// Builds the stand-in provider (once; `validate.sh` does it too).
fn set_up_stand_in() {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        let (ok, output) = run(&mut script("tests/terraform/setup.sh"));
        assert!(ok, "tests/terraform/setup.sh failed:\n{output}");
    });
}

/// Terraform, where `tests/terraform/validate.sh` looks for it.
fn terraform() -> PathBuf {
    let local = PathBuf::from("/usr/local/bin/terraform");
    if local.exists() {
        local
    } else {
        PathBuf::from("terraform")
    }
}

/// `terraform validate` does not look at a `backend` block; `terraform init` checks
/// it against the backend's schema before it connects. Each remote state therefore
/// must get as far as the network ("dial tcp …", as no server answers here), and a
/// misspelt argument must stop it before.
#[test]
fn remote_state_blocks_are_accepted_by_terraform_init() {
    for (name, dir) in common::emit_cases() {
        if !name.starts_with("remote_state_") {
            continue;
        }
        let files = pxic::backend::terraform::emit(&common::plan_of(&dir));
        let output = init_backend(&write_case(&name, &files));
        assert!(
            output.contains("Initializing the backend"),
            "{name}:\n{output}"
        );
        assert!(
            output.contains("dial tcp") && !output.contains("Unsupported argument"),
            "{name}: the backend block was refused:\n{output}"
        );

        let mut broken = files.clone();
        let versions = broken
            .get_mut("terraform/versions.tf")
            .expect("versions.tf");
        let block = versions.find("  backend \"").expect("a backend block");
        let body = block + versions[block..].find("{\n").expect("its body") + 2;
        versions.insert_str(body, "    bogus_argument = 1\n");
        let output = init_backend(&write_case(&format!("{name}-broken"), &broken));
        assert!(
            output.contains("Unsupported argument") && !output.contains("dial tcp"),
            "{name}: a misspelt argument got through:\n{output}"
        );
    }
}

/// The stand-in's own self-test: its schema and regex translation, a good sample that
/// passes, and one sample per kind of mistake (unknown argument, too many blocks,
/// wrong type, a value outside an enum, a range or a pattern) that fails with
/// Terraform's error pointing at the right line.
#[test]
fn the_stand_in_provider_catches_each_kind_of_mistake() {
    let _one_at_a_time = TERRAFORM.lock().unwrap_or_else(|e| e.into_inner());
    let (ok, output) = run(&mut script("tests/terraform/run_samples.sh"));
    assert!(ok, "{output}");
}

/// Writes a case's Terraform files into a fresh folder: the `terraform/` in it.
fn write_case(name: &str, files: &pxic::backend::Emitted) -> PathBuf {
    common::write_case("terraform", name, files).join("terraform")
}
