//! Real Ansible tools on every generated `ansible/` tree: yamllint, ansible-inventory,
//! `ansible-playbook --syntax-check` and ansible-lint with the production profile
//! (plus `args`, strict) must find nothing (`tests/ansible/check.sh`, with the pinned
//! tools of `tests/ansible/requirements.txt` in `target/ansible-venv`). And strings
//! from `.pxi` files must reach Ansible unchanged: not read as YAML booleans or
//! numbers, not evaluated as Jinja. Python 3.11 must be installed: without it these
//! tests fail, they never skip.

mod common;

use common::{run, script};
use pxic::backend::yaml::{self, Yaml};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The tools share a venv; one run at a time.
static ANSIBLE: Mutex<()> = Mutex::new(());

fn check(dir: &Path) -> (bool, String) {
    let _one_at_a_time = ANSIBLE.lock().unwrap_or_else(|e| e.into_inner());
    run(script("tests/ansible/check.sh").arg(dir))
}

#[test]
fn every_generated_tree_passes_the_ansible_linters() {
    for (name, dir) in common::emit_cases() {
        // A cluster alone (the remote-state cases) has nothing for Ansible to lint
        // that the other cases do not have.
        if name.starts_with("remote_state_") {
            continue;
        }
        let files = pxic::backend::ansible::emit(&common::plan_of(&dir));
        let (ok, output) = check(&write_case(&name, &files));
        assert!(
            ok,
            "{name}: the Ansible tools refuse the generated files:\n{output}"
        );
    }
}

/// The check can fail: a task without a name, and a `yes` where a boolean is meant.
#[test]
fn the_linters_refuse_what_production_lint_forbids() {
    let dir = common::repo().join("examples/homelab");
    let files = pxic::backend::ansible::emit(&common::plan_of(&dir));
    let mut broken = files.clone();
    let vms = broken.get_mut("ansible/vms.yml").expect("vms.yml");
    *vms = vms.replacen(
        "    - name: \"Gather facts\"\n      ansible.builtin.setup:",
        "    - ansible.builtin.setup:",
        1,
    );
    *vms = vms.replacen("gather_facts: false", "gather_facts: yes", 1);
    let (ok, output) = check(&write_case("broken", &broken));
    assert!(!ok, "a broken tree passed:\n{output}");
    assert!(output.contains("name[missing]"), "{output}");
    assert!(output.contains("truthy"), "{output}");
}

/// Strings that YAML or Jinja would read as something else.
fn tricky_strings() -> Vec<String> {
    let mut strings: Vec<String> = [
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "true",
        "False",
        "null",
        "~",
        "1e3",
        "0x1F",
        "0644",
        "010",
        "1_000",
        ".inf",
        "-",
        "- item",
        "? key",
        ": colon",
        "a: b",
        "a #b",
        "#comment",
        "*alias",
        "&anchor",
        "!tag",
        "!unsafe x",
        "%directive",
        "@at",
        "`tick",
        "|",
        ">",
        "'single'",
        "\"double\"",
        "back\\slash",
        "{{ 1 + 1 }}",
        "{% if true %}x{% endif %}",
        "{# comment #}",
        "{{",
        "}}",
        "${HOME}",
        "line\nbreak",
        "tab\there",
        "trailing ",
        " leading",
        "",
        "ünïcödé ☕",
        "\u{2028}sep",
        "\r\n",
        "[list]",
        "{map: 1}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // And generated ones, from the same pieces.
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let pieces = proptest::sample::select(vec![
        "a", "1", " ", ":", "#", "*", "&", "!", "{{", "}}", "{%", "%}", "\"", "'", "\\", "\n",
        "yes", "é", "-", "?", "|", ">", "[", "]", "{", "}", ",", "%", "@", "`",
    ]);
    let strategy = proptest::collection::vec(pieces, 0..12).prop_map(|p| p.concat());
    for _ in 0..300 {
        let tree = strategy.new_tree(&mut runner).expect("a value");
        strings.push(tree.current());
    }
    strings
}

/// Every string, written as pxic writes `.pxi` text, comes back from Ansible the same:
/// an inventory variable holds them all, and a play writes that variable out as JSON.
/// A string Jinja evaluated, or YAML read as another type, would differ.
#[test]
fn text_from_pxi_files_reaches_ansible_unchanged() {
    let strings = tricky_strings();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ansible/round-trip");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let inventory = yaml::map()
        .entry(
            "all",
            yaml::map()
                .entry(
                    "hosts",
                    yaml::map()
                        .entry(
                            "probe",
                            yaml::map()
                                .entry("ansible_connection", Yaml::str("local"))
                                .entry(
                                    "ansible_python_interpreter",
                                    Yaml::str("{{ ansible_playbook_python }}"),
                                )
                                .entry("pxi_values", Yaml::strings(&strings))
                                .yaml(),
                        )
                        .yaml(),
                )
                .yaml(),
        )
        .yaml();
    std::fs::write(dir.join("inventory.yml"), yaml::document(&[], &inventory)).expect("write");
    let out = dir.join("out.json");
    std::fs::write(
        dir.join("probe.yml"),
        "---\n- name: Write the values out\n  hosts: probe\n  gather_facts: false\n  tasks:\n    - name: Write them as JSON\n      ansible.builtin.copy:\n        content: \"{{ pxi_values | to_json }}\"\n        dest: \"{{ pxi_out }}\"\n        mode: \"0644\"\n",
    )
    .expect("write");
    let _one_at_a_time = ANSIBLE.lock().unwrap_or_else(|e| e.into_inner());
    let (ok, output) = run(&mut script("tests/ansible/setup.sh"));
    assert!(ok, "{output}");
    let (ok, output) = run(Command::new(
        common::repo().join("target/ansible-venv/bin/ansible-playbook"),
    )
    .args(["-i", "inventory.yml", "probe.yml", "-e"])
    .arg(format!("pxi_out={}", out.display()))
    .current_dir(&dir)
    .env("ANSIBLE_HOME", dir.join(".ansible"))
    .env("ANSIBLE_LOCAL_TEMP", dir.join(".ansible/tmp")));
    assert!(ok, "{output}");
    let json = std::fs::read_to_string(&out).expect("the play wrote its output");
    let back: Vec<String> = serde_json::from_str(&json).expect("a JSON list of strings");
    assert_eq!(back.len(), strings.len());
    for (sent, received) in strings.iter().zip(&back) {
        assert_eq!(sent, received, "changed on its way through YAML and Jinja");
    }
}

/// Writes a case's Ansible files into a fresh folder: the `ansible/` in it.
fn write_case(name: &str, files: &pxic::backend::Emitted) -> PathBuf {
    common::write_case("ansible", name, files).join("ansible")
}
