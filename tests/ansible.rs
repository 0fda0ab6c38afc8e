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

/// The Ansible files of an example, by path.
fn example(name: &str) -> pxic::backend::Emitted {
    pxic::backend::ansible::emit(&common::plan_of(
        &common::repo().join("examples").join(name),
    ))
}

/// A Galaxy role keeps what its `.pxi` role says (issue 14, item 20): Redis in the
/// cluster example gets its `maxmemory` and its 6379 rule.
#[test]
fn a_galaxy_role_keeps_its_vars_firewall_and_packages() {
    let files = example("cluster");
    let tasks = &files["ansible/roles/cache/tasks/main.yml"];
    for line in [
        "ansible.builtin.include_role:\n    name: \"geerlingguy.redis\"\n  vars:\n    redis_maxmemory: \"6gb\"\n    redis_maxmemory_policy: \"allkeys-lru\"",
        "- name: \"Allow 6379/tcp from 10.20.0.0/24\"",
    ] {
        assert!(
            tasks.contains(line),
            "the cache role lacks {line:?}:\n{tasks}"
        );
    }
    let requirements = &files["ansible/requirements.yml"];
    for name in ["geerlingguy.redis", "community.general", "ansible.posix"] {
        assert!(
            requirements.contains(&format!("name: \"{name}\"")),
            "{requirements}"
        );
    }
    let inventory = &files["ansible/inventory.yml"];
    assert!(inventory.contains("- \"cache\""), "{inventory}");
}

/// Rocky guests get dnf and firewalld, never apt or ufw (item 7); a role for any
/// family guards each by the guest's `os_family`.
#[test]
fn roles_install_and_filter_per_os_family() {
    let files = example("cluster");
    for role in ["erp", "el_common"] {
        let tasks = &files[&format!("ansible/roles/{role}/tasks/main.yml")];
        assert!(tasks.contains("ansible.builtin.dnf:"), "{tasks}");
        assert!(!tasks.contains("ansible.builtin.apt:"), "{tasks}");
        assert!(!tasks.contains("community.general.ufw"), "{tasks}");
    }
    let erp = &files["ansible/roles/erp/tasks/main.yml"];
    assert!(
        erp.contains("rich_rule: \"rule family=\\\"ipv4\\\" source address=\\\"10.20.0.0/24\\\" port port=\\\"8443\\\" protocol=\\\"tcp\\\" accept\""),
        "{erp}"
    );
    let app = &files["ansible/roles/app/tasks/main.yml"];
    assert!(
        app.contains("  ansible.builtin.apt:")
            && app.contains("  ansible.builtin.dnf:")
            && app.contains("when: \"ansible_facts['os_family'] == 'RedHat'\""),
        "{app}"
    );
}

/// Every role with a firewall allows Ansible's port before it turns the firewall on
/// (item 9; `tests/ansible_run.rs` shows it on a real target).
#[test]
fn every_firewall_keeps_ansibles_port_open_before_it_starts() {
    for name in ["cluster", "homelab"] {
        for (path, text) in example(name) {
            if !path.ends_with("tasks/main.yml") {
                continue;
            }
            for (on, keep) in [
                (
                    "ufw:\n    state: \"enabled\"",
                    "community.general.ufw:\n    rule: \"allow\"\n    port: \"{{ ansible_port | default(22) }}\"",
                ),
                (
                    "name: \"firewalld\"\n    enabled: true",
                    "ansible.posix.firewalld:\n    port: \"{{ ansible_port | default(22) }}/tcp\"",
                ),
            ] {
                if let Some(at) = text.find(on) {
                    let kept = text.find(keep);
                    assert!(
                        kept.is_some(),
                        "{path} turns the firewall on without keeping SSH open:\n{text}"
                    );
                    if on.starts_with("ufw") {
                        assert!(kept < Some(at), "{path}: SSH is allowed too late:\n{text}");
                    }
                }
            }
        }
    }
}

/// A unit file reloads systemd before its service restarts, and before the service
/// is started; a file's missing folder and owner are made first (items 21 and 8).
#[test]
fn unit_files_reload_systemd_and_files_get_their_folders_and_owners() {
    let files = example("cluster");
    let handlers = &files["ansible/roles/app/handlers/main.yml"];
    let reload = handlers.find("- name: \"Reload systemd\"").expect(handlers);
    let restart = handlers
        .find("- name: \"Restart shop-api\"")
        .expect(handlers);
    assert!(reload < restart, "{handlers}");
    let tasks = &files["ansible/roles/app/tasks/main.yml"];
    let order = [
        "- name: \"Create the users that own the role's files\"",
        "- \"/etc/shop\"",
        "- name: \"Write /etc/shop/env\"",
        "    - \"Reload systemd\"\n    - \"Restart shop-api\"",
        "ansible.builtin.meta: \"flush_handlers\"",
        "- name: \"Enable and start shop-api\"",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|line| {
            tasks
                .find(line)
                .unwrap_or_else(|| panic!("no {line:?}:\n{tasks}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "out of order:\n{tasks}");
}

/// `site.yml` is step 1 only: the guests' playbook runs after Packer and Terraform,
/// and leaves out the guests Ansible cannot log in to (item 25).
#[test]
fn the_guests_play_runs_last_and_skips_guests_without_a_login() {
    let files = example("homelab");
    let site = &files["ansible/site.yml"];
    assert!(
        site.contains("import_playbook: \"proxmox-hosts.yml\""),
        "{site}"
    );
    assert!(!site.contains("vms.yml\"\n"), "{site}");
    let vms = &files["ansible/vms.yml"];
    assert_eq!(
        vms.matches("hosts: \"vms:containers:!no_login\"").count(),
        3,
        "{vms}"
    );
    assert!(
        vms.contains("failed_when: \"pxi_cloud_init.rc not in [0, 2]\""),
        "{vms}"
    );
    let sudo = vms.find("Install sudo for the sudo users").expect(vms);
    let sudoers = vms.find("Let sudo users run any command").expect(vms);
    assert!(sudo < sudoers, "{vms}");
    let inventory = &files["ansible/inventory.yml"];
    assert!(
        inventory.contains("    no_login:\n      hosts:\n        dns-01: {}\n"),
        "{inventory}"
    );
}
