//! Generated Packer templates, checked offline. The only Packer that installs here,
//! Debian's 1.6.6, cannot load the Proxmox plugin 1.2.x, so two checks stand in for
//! `packer validate`: `packer fmt -check` (`tests/packer/fmt.sh`), which needs no
//! plugin, and a comparison of every `source` block with the plugin's own field table
//! (`tests/packer/schema.json`, from the plugin's source, v1.2.4): names, attribute or
//! block, how often a block may appear, and the types of literal values. The autoinstall
//! user-data is rendered as Packer's `templatefile()` would, then read by PyYAML, the
//! YAML parser of cloud-init. Packer (installed by `tests/packer/setup.sh`) and the
//! Ansible venv (`tests/ansible/setup.sh`) must be there: without them these tests
//! fail, they never skip.

mod common;
#[path = "common/packer_ansible.rs"]
mod packer_ansible;

use common::{run, script};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The plugin's field table, `tests/packer/schema.json`.
fn schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = common::repo().join("tests/packer/schema.json");
        let text = std::fs::read_to_string(&path).expect("tests/packer/schema.json is readable");
        serde_json::from_str(&text).expect("tests/packer/schema.json is JSON")
    })
}

// --- the schema check ------------------------------------------------------------------

/// The blocks Packer's HCL2 templates may hold at their top level.
const TOP_LEVEL_BLOCKS: &[&str] = &[
    "packer",
    "variable",
    "variables",
    "locals",
    "local",
    "data",
    "source",
    "build",
];

/// What in a `.pkr.hcl` text Packer or the Proxmox plugin would refuse or warn about,
/// one line per finding; empty when the text conforms. Each `source` block is compared
/// with its builder's fields in `schema` (the layout of `tests/packer/schema.json`),
/// nested blocks with their block type's fields. A text that does not parse, a source
/// of an unknown builder, and an unknown top-level block are findings too.
fn nonconforming(text: &str, schema: &Json) -> Vec<String> {
    let body = match hcl::parse(text) {
        Ok(body) => body,
        Err(error) => return vec![format!("does not parse: {error}")],
    };
    let mut findings = Vec::new();
    for attr in body.attributes() {
        findings.push(format!(
            "{}: an attribute at the top level, where Packer takes blocks only",
            attr.key()
        ));
    }
    for block in body.blocks() {
        let kind = block.identifier();
        if kind == "source" {
            check_source(block, schema, &mut findings);
        } else if !TOP_LEVEL_BLOCKS.contains(&kind) {
            findings.push(format!(
                "{kind}: Packer has no top-level block of that type"
            ));
        }
    }
    findings
}

/// Checks one `source "<builder>" "<name>"` block against its builder's fields.
fn check_source(block: &hcl::Block, schema: &Json, findings: &mut Vec<String>) {
    let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
    if labels.len() != 2 {
        findings.push(format!(
            "source {labels:?}: a source takes two labels, the builder and a name"
        ));
        return;
    }
    let (builder, name) = (labels[0], labels[1]);
    let path = format!("source.{builder}.{name}");
    match schema["builder_fields"].get(builder) {
        Some(fields) => check_body(block.body(), fields, schema, &path, findings),
        None => findings.push(format!("{path}: the plugin has no builder `{builder}`")),
    }
}

/// Checks a body against `fields`, the fields of its builder or block type: each
/// attribute and block must be one of them, written the way the plugin reads it (an
/// attribute as an attribute, a block as a block, a single block at most once), and a
/// literal value must be of the field's type. Nested blocks are checked against their
/// own block type. `path` names the body in findings (`source.proxmox-iso.x.disks[0]`).
fn check_body(
    body: &hcl::Body,
    fields: &Json,
    schema: &Json,
    path: &str,
    findings: &mut Vec<String>,
) {
    // An attribute set twice is a parse error already, found by `nonconforming`.
    for attr in body.attributes() {
        let key = attr.key();
        let at = format!("{path}.{key}");
        let Some(field) = lookup(fields, key) else {
            findings.push(format!("{at}: no such attribute"));
            continue;
        };
        if field["kind"] != "attribute" {
            findings.push(format!(
                "{at}: a block, written as an attribute (write `{key} {{ ... }}`)"
            ));
            continue;
        }
        check_usable(field, &at, findings);
        if let Some(problem) = type_mismatch(attr.expr(), field_type(field)) {
            findings.push(format!("{at}: {problem}"));
        }
    }

    let mut blocks_seen: BTreeMap<&str, usize> = BTreeMap::new();
    for block in body.blocks() {
        let name = block.identifier();
        let count = blocks_seen.entry(name).or_insert(0);
        let index = *count;
        *count += 1;
        let Some(field) = lookup(fields, name) else {
            findings.push(format!("{path}.{name}: no such block"));
            continue;
        };
        let at = match field["kind"].as_str() {
            Some("block_list") => format!("{path}.{name}[{index}]"),
            Some("block") => format!("{path}.{name}"),
            _ => {
                findings.push(format!(
                    "{path}.{name}: an attribute, written as a block (write `{name} = ...`)"
                ));
                continue;
            }
        };
        if field["kind"] == "block" && index == 1 {
            findings.push(format!(
                "{at}: repeated, where the plugin takes one `{name}` block at most"
            ));
        }
        if !block.labels().is_empty() {
            findings.push(format!("{at}: a `{name}` block takes no labels"));
        }
        check_usable(field, &at, findings);
        let block_type = field["block_type"].as_str().unwrap_or_default();
        match schema["nested_block_types"].get(block_type) {
            Some(nested) => check_body(block.body(), &nested["fields"], schema, &at, findings),
            None => findings.push(format!("{at}: no block type `{block_type}` in the schema")),
        }
    }
}

/// The field called `name` in a list of fields of the schema.
fn lookup<'s>(fields: &'s Json, name: &str) -> Option<&'s Json> {
    fields
        .as_array()?
        .iter()
        .find(|field| field["name"].as_str() == Some(name))
}

/// Fields the plugin still reads but warns about (`deprecated`: the old top-level
/// `iso_file`, `ssh_wait_timeout`, ...) and those Packer fills in itself (`internal`)
/// have no place in a generated template.
fn check_usable(field: &Json, at: &str, findings: &mut Vec<String>) {
    if let Some(why) = field["deprecated"].as_str() {
        findings.push(format!("{at}: deprecated ({why})"));
    }
    if field["internal"].as_bool() == Some(true) {
        findings.push(format!("{at}: set by Packer itself, never by a template"));
    }
}

/// The HCL type of an attribute field: `string`, `number`, `bool`, `list(T)` or
/// `map(T)`. The table says in brackets what some strings hold (`string (duration)`):
/// they are strings all the same.
fn field_type(field: &Json) -> &str {
    let ty = field["type"].as_str().unwrap_or_default();
    ty.split(" (").next().unwrap_or(ty)
}

/// `T` of the type `list(T)` (with `wrapper` "list") or `map(T)` (with "map").
fn element_type<'t>(ty: &'t str, wrapper: &str) -> Option<&'t str> {
    ty.strip_prefix(wrapper)?
        .strip_prefix('(')?
        .strip_suffix(')')
}

/// Why a value cannot be of type `ty`, or None when it can. Only literals are judged.
/// This is stricter than HCL, which would turn `"2"` into a number or `10` into a
/// string: a generated template writes each value in its field's own type.
fn type_mismatch(expr: &hcl::Expression, ty: &str) -> Option<String> {
    use hcl::Expression as E;
    let wrong = || Some(format!("{} where the plugin wants {ty}", describe(expr)));
    match expr {
        E::Bool(_) if ty != "bool" => wrong(),
        E::Number(_) if ty != "number" => wrong(),
        E::String(_) if ty != "string" => wrong(),
        E::Array(items) => match element_type(ty, "list") {
            Some(element) => items
                .iter()
                .find_map(|item| type_mismatch(item, element))
                .map(|problem| format!("an item is {problem}")),
            None => wrong(),
        },
        E::Object(object) => match element_type(ty, "map") {
            Some(element) => object
                .values()
                .find_map(|value| type_mismatch(value, element))
                .map(|problem| format!("a value is {problem}")),
            None => wrong(),
        },
        E::Parenthesis(inner) => type_mismatch(inner, ty),
        // `null` leaves a field unset; `var.x`, function calls, templates and other
        // expressions have a type only once Packer evaluates them.
        _ => None,
    }
}

/// What kind of literal an expression is, for findings.
fn describe(expr: &hcl::Expression) -> &'static str {
    use hcl::Expression as E;
    match expr {
        E::Bool(_) => "a bool",
        E::Number(_) => "a number",
        E::String(_) => "a string",
        E::Array(_) => "a list",
        E::Object(_) => "a map",
        _ => "an expression",
    }
}

/// The layout of a generated template: one `packer`, one `source` and one `build`
/// block whose `sources` names that source and nothing else, so that each file builds
/// on its own (`packer build ubuntu-2404.pkr.hcl`). A text that does not parse gives
/// nothing here: [`nonconforming`] reports it.
fn layout_findings(text: &str) -> Vec<String> {
    let Ok(body) = hcl::parse(text) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for kind in ["packer", "source", "build"] {
        let count = body.blocks().filter(|b| b.identifier() == kind).count();
        if count != 1 {
            findings.push(format!("{count} `{kind}` blocks, where one is expected"));
        }
    }
    let source = body.blocks().find(|b| b.identifier() == "source");
    let build = body.blocks().find(|b| b.identifier() == "build");
    if let (Some(source), Some(build)) = (source, build) {
        let labels: Vec<&str> = source.labels().iter().map(|l| l.as_str()).collect();
        let wanted = format!("source.{}", labels.join("."));
        let sources = build
            .body()
            .attributes()
            .find(|attr| attr.key() == "sources")
            .map(|attr| attr.expr());
        if !names_only(sources, &wanted) {
            findings.push(format!(
                "build: `sources` must be [\"{wanted}\"], found {sources:?}"
            ));
        }
    }
    findings
}

/// Whether `sources` is a list of the one string `wanted`.
fn names_only(sources: Option<&hcl::Expression>, wanted: &str) -> bool {
    match sources {
        Some(hcl::Expression::Array(items)) => {
            matches!(&items[..], [hcl::Expression::String(name)] if name == wanted)
        }
        _ => false,
    }
}

// --- running packer fmt --------------------------------------------------------------

/// Installs Packer when it is missing, once: tests running side by side must not both
/// start apt-get (`fmt.sh` runs the same script, which then finds Packer there).
fn set_up_packer() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let (ok, output) = run(&mut script("tests/packer/setup.sh"));
        assert!(ok, "tests/packer/setup.sh failed:\n{output}");
    });
}

/// Runs `tests/packer/fmt.sh DIR`.
fn fmt(dir: &Path) -> (bool, String) {
    set_up_packer();
    run(script("tests/packer/fmt.sh").arg(dir))
}

/// Writes a case's files into a fresh folder: the `packer/` in it.
fn write_case(name: &str, files: &pxic::backend::Emitted) -> PathBuf {
    common::write_case("packer", name, files).join("packer")
}

/// Writes one template, as `packer/<name>.pkr.hcl`, into a fresh folder: the
/// `packer/` in it.
fn write_template(name: &str, text: &str) -> PathBuf {
    let files =
        pxic::backend::Emitted::from([(format!("packer/{name}.pkr.hcl"), text.to_string())]);
    write_case(name, &files)
}

/// Whether an emitted path is a Packer template.
fn is_template(path: &str) -> bool {
    path.starts_with("packer/") && path.ends_with(".pkr.hcl")
}

// --- generated templates ---------------------------------------------------------------

#[test]
fn every_generated_template_is_formatted_and_fits_the_plugin() {
    let mut checked = 0;
    for (name, dir) in common::emit_cases() {
        let files = pxic::backend::packer::emit(&common::plan_of(&dir));
        let templates: Vec<(&String, &String)> =
            files.iter().filter(|(path, _)| is_template(path)).collect();
        // A project without templates has nothing for Packer.
        if templates.is_empty() {
            continue;
        }
        for (path, text) in &templates {
            // fmt.sh looks at packer/*.pkr.hcl only.
            assert!(
                !path["packer/".len()..].contains('/'),
                "{name}: {path} is not directly in packer/"
            );
            let mut findings = nonconforming(text, schema());
            findings.extend(layout_findings(text));
            assert!(
                findings.is_empty(),
                "{name}: {path} does not fit the Proxmox plugin:\n  {}\n\n{text}",
                findings.join("\n  ")
            );
        }
        checked += templates.len();
        let (ok, output) = fmt(&write_case(&name, &files));
        assert!(
            ok,
            "{name}: packer fmt would change the generated templates:\n{output}"
        );
    }
    assert!(
        checked >= 3,
        "only {checked} generated template(s) checked; the projects under test give at least 3"
    );
}

// --- the checks themselves -------------------------------------------------------------

/// A small proxmox-iso template as the plugin's documentation has it (with `boot_iso`,
/// the block its example misnames `iso`), in the form `packer fmt` leaves it.
const VALID: &str = r#"packer {
  required_version = ">= 1.7.0"
  required_plugins {
    proxmox = {
      version = "~> 1.2"
      source  = "github.com/hashicorp/proxmox"
    }
  }
}

variable "proxmox_token" {
  type      = string
  sensitive = true
  default   = env("PROXMOX_TOKEN")
}

source "proxmox-iso" "ubuntu-2404" {
  proxmox_url              = "https://10.10.0.2:8006/api2/json"
  username                 = "packer@pve!build"
  token                    = var.proxmox_token
  insecure_skip_tls_verify = true
  node                     = "pve1"
  vm_id                    = 9000
  vm_name                  = "ubuntu-2404"
  template_description     = "Ubuntu 24.04, built by Packer"
  boot_iso {
    type         = "scsi"
    iso_file     = "local:iso/ubuntu-24.04.1-live-server-amd64.iso"
    iso_checksum = "none"
    unmount      = true
  }
  os              = "l26"
  cpu_type        = "host"
  cores           = 2
  memory          = 2048
  scsi_controller = "virtio-scsi-single"
  disks {
    type         = "scsi"
    disk_size    = "20G"
    storage_pool = "local-lvm"
    format       = "raw"
    io_thread    = true
  }
  network_adapters {
    model    = "virtio"
    bridge   = "vmbr0"
    vlan_tag = "10"
  }
  cloud_init              = true
  cloud_init_storage_pool = "local-lvm"
  http_directory          = "http"
  boot_wait               = "10s"
  boot_command = [
    "<wait>e<wait><down><down><down><end>",
    " autoinstall ds=nocloud\\;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/",
    "<f10>",
  ]
  ssh_username = "ubuntu"
  ssh_password = "ubuntu"
  ssh_timeout  = "30m"
}

build {
  sources = ["source.proxmox-iso.ubuntu-2404"]

  provisioner "shell" {
    inline = ["sudo cloud-init clean --logs"]
  }
}
"#;

/// The lines of `text` from `header` (a block's first line, indent included) to the
/// block's closing brace at the same indent, with its newline.
fn block_text<'t>(text: &'t str, header: &str) -> &'t str {
    let start = text.find(header).expect("the block is in the text");
    let indent = &header[..header.len() - header.trim_start().len()];
    let close = format!("\n{indent}}}\n");
    let end = start + text[start..].find(&close).expect("the block is closed") + close.len();
    &text[start..end]
}

/// The checks can fail: the schema check on each kind of mistake the plugin would
/// refuse, `packer fmt -check` on a misaligned `=`; and neither fails on a good template.
#[test]
fn the_checks_fail_on_what_the_plugin_or_fmt_would_refuse() {
    let findings = nonconforming(VALID, schema());
    assert!(findings.is_empty(), "the valid template: {findings:?}");
    assert!(
        layout_findings(VALID).is_empty(),
        "{:?}",
        layout_findings(VALID)
    );

    let boot_iso = block_text(VALID, "  boot_iso {");
    // (what, the changed text, a piece of the finding it must give)
    let mistakes = [
        (
            "a misspelt attribute",
            VALID.replacen("  vm_id ", "  vm_idd ", 1),
            "ubuntu-2404.vm_idd: no such attribute",
        ),
        (
            "the `iso` block of the plugin's documentation",
            VALID.replacen("  boot_iso {", "  iso {", 1),
            "ubuntu-2404.iso: no such block",
        ),
        (
            "`size` for `disk_size`",
            VALID.replacen("    disk_size    = \"20G\"", "    size = \"20G\"", 1),
            "disks[0].size: no such attribute",
        ),
        (
            "a block written as an attribute",
            VALID.replacen(boot_iso, "  boot_iso = \"x\"\n", 1),
            "boot_iso: a block, written as an attribute",
        ),
        (
            "an attribute written as a block",
            VALID.replacen("  cores           = 2\n", "  cores {\n  }\n", 1),
            "cores: an attribute, written as a block",
        ),
        (
            "a string for a number",
            VALID.replacen("cores           = 2", "cores           = \"two\"", 1),
            "cores: a string where the plugin wants number",
        ),
        (
            "a number for a string",
            VALID.replacen("vlan_tag = \"10\"", "vlan_tag = 10", 1),
            "network_adapters[0].vlan_tag: a number where the plugin wants string",
        ),
        (
            "a number in a list of strings",
            VALID.replacen("    \"<f10>\",\n", "    10,\n", 1),
            "boot_command: an item is a number where the plugin wants string",
        ),
        (
            "a single block twice",
            VALID.replacen(boot_iso, &format!("{boot_iso}{boot_iso}"), 1),
            "boot_iso: repeated",
        ),
        (
            "a deprecated attribute",
            VALID.replacen("  cores ", "  iso_file = \"local:iso/x.iso\"\n  cores ", 1),
            "iso_file: deprecated",
        ),
        (
            "a misspelt builder",
            VALID.replacen("source \"proxmox-iso\"", "source \"proxmox-isoo\"", 1),
            "the plugin has no builder `proxmox-isoo`",
        ),
        (
            "an unclosed block",
            VALID.trim_end().trim_end_matches('}').to_string(),
            "does not parse",
        ),
    ];
    for (what, text, expected) in &mistakes {
        assert_ne!(
            text, VALID,
            "{what}: the change did not apply; was VALID edited?"
        );
        let findings = nonconforming(text, schema());
        assert!(
            findings.iter().any(|f| f.contains(expected)),
            "{what}: expected a finding with `{expected}`, got {findings:?}"
        );
    }

    let (ok, output) = fmt(&write_template("fmt-aligned", VALID));
    assert!(
        ok,
        "a formatted template fails packer fmt -check:\n{output}"
    );
    let misaligned = VALID.replacen("  cores           = 2", "  cores = 2", 1);
    assert_ne!(
        misaligned, VALID,
        "the change did not apply; was VALID edited?"
    );
    let (ok, output) = fmt(&write_template("fmt-misaligned", &misaligned));
    assert!(
        !ok,
        "a misaligned template passes packer fmt -check:\n{output}"
    );
    assert!(output.contains("is not formatted"), "{output}");
}

// --- autoinstall user-data ---------------------------------------------------------------

/// The public key the tests give the user-data template.
const TEST_KEY: &str = "ssh-ed25519 AAAAC3Nza test@example";

/// Reads the YAML file `sys.argv[1]` with PyYAML as cloud-init does (`safe_load`), and
/// prints, as JSON, whether it is a mapping, whether it has an `autoinstall` mapping,
/// and the key at `autoinstall.user-data.users[0].ssh_authorized_keys[0]`.
const READ_USER_DATA: &str = r#"
import json, sys
import yaml

with open(sys.argv[1], "rb") as f:
    doc = yaml.safe_load(f)
result = {"mapping": isinstance(doc, dict), "autoinstall": False, "key": None}
if result["mapping"] and isinstance(doc.get("autoinstall"), dict):
    result["autoinstall"] = True
    try:
        user = doc["autoinstall"]["user-data"]["users"][0]
        result["key"] = user["ssh_authorized_keys"][0]
    except (KeyError, IndexError, TypeError) as error:
        result["key_error"] = repr(error)
print(json.dumps(result))
"#;

/// An installer answer file (user-data, preseed) as Packer's `templatefile()` renders
/// it with `ssh_authorized_key` set to `key`: `${ssh_authorized_key}` becomes the key, `$${` and `%%{` become `${` and
/// `%{`. Any other `${...}` or `%{...}` is an error: templatefile would evaluate it,
/// and fail on the unknown name or change the text.
fn render_like_templatefile(template: &str, key: &str) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + key.len());
    let mut rest = template;
    while let Some(i) = rest.find(['$', '%']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail
            .strip_prefix("$${")
            .or_else(|| tail.strip_prefix("%%{"))
        {
            out.push_str(&tail[1..3]);
            rest = after;
        } else if tail.starts_with("${") || tail.starts_with("%{") {
            let end = tail
                .find('}')
                .ok_or_else(|| format!("`{}` is never closed", &tail[..2]))?;
            if tail.starts_with("${") && tail[2..end].trim() == "ssh_authorized_key" {
                out.push_str(key);
                rest = &tail[end + 1..];
            } else {
                return Err(format!(
                    "templatefile() would evaluate `{}`; a literal needs `$${{` or `%%{{`",
                    &tail[..=end]
                ));
            }
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// What PyYAML makes of a rendered user-data ([`READ_USER_DATA`]); `label` names it in
/// failures and in the file the text is written to for Python.
fn read_yaml(python: &Path, label: &str, text: &str) -> Json {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packer-user-data");
    std::fs::create_dir_all(&dir).expect("temporary folder is writable");
    let file = dir.join(format!("{}.yaml", label.replace(['/', ':', ' '], "_")));
    std::fs::write(&file, text).expect("temporary folder is writable");
    let output = Command::new(python)
        .arg("-c")
        .arg(READ_USER_DATA)
        .arg(&file)
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .output()
        .expect("the venv's python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{label}: PyYAML cannot read the rendered user-data:\n{stdout}{}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{label}: the YAML reader printed no JSON ({e}):\n{stdout}"))
}

/// Whether an emitted path is an autoinstall user-data.
fn is_user_data(path: &str) -> bool {
    path.starts_with("packer/http/") && path.ends_with("/user-data")
}

#[test]
fn autoinstall_user_data_is_cloud_config_yaml() {
    let python = common::repo().join("target/ansible-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run tests/ansible/setup.sh, which builds the venv whose PyYAML \
         (the YAML parser cloud-init uses) reads the user-data",
        python.display()
    );
    let mut checked = 0;
    for (name, dir) in common::emit_cases() {
        let files = pxic::backend::packer::emit(&common::plan_of(&dir));
        for (path, text) in files.iter().filter(|(path, _)| is_user_data(path)) {
            let label = format!("{name}: {path}");
            // cloud-init's NoCloud source reads both files, meta-data even when empty.
            let meta_data = format!("{}meta-data", path.trim_end_matches("user-data"));
            assert!(
                files.contains_key(&meta_data),
                "{label}: no {meta_data} beside it"
            );
            // Without this first line cloud-init does not read the file as cloud-config.
            assert_eq!(
                text.split('\n').next(),
                Some("#cloud-config"),
                "{label}: the first line must be exactly #cloud-config"
            );
            let rendered = render_like_templatefile(text, TEST_KEY)
                .unwrap_or_else(|e| panic!("{label}: {e}\n{text}"));
            let read = read_yaml(&python, &label, &rendered);
            assert!(
                read["mapping"].as_bool() == Some(true)
                    && read["autoinstall"].as_bool() == Some(true),
                "{label}: not a mapping with an `autoinstall` mapping: {read}\n{rendered}"
            );
            assert!(
                read["key"] == TEST_KEY,
                "{label}: the key did not reach autoinstall.user-data.users[0].ssh_authorized_keys[0] \
                 unchanged: {read}\n{rendered}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 1,
        "no packer/http/*/user-data was emitted by any project"
    );
}

/// The Debian preseed goes through `templatefile()` too: the shell of its
/// `late_command` must escape every `${`, and the key must reach it.
#[test]
fn debian_preseed_renders_with_templatefile() {
    let mut checked = 0;
    for (name, dir) in common::emit_cases() {
        let files = pxic::backend::packer::emit(&common::plan_of(&dir));
        for (path, text) in files.iter().filter(|(path, _)| is_preseed(path)) {
            let rendered = render_like_templatefile(text, TEST_KEY)
                .unwrap_or_else(|e| panic!("{name}: {path}: {e}\n{text}"));
            assert!(
                rendered.contains(TEST_KEY),
                "{name}: {path}: the SSH key does not reach it:\n{rendered}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 1,
        "no packer/http/*/preseed.cfg was emitted by any project"
    );
}

/// Whether an emitted path is a Debian preseed.
fn is_preseed(path: &str) -> bool {
    path.starts_with("packer/http/") && path.ends_with("/preseed.cfg")
}

/// The renderer itself: the placeholder, the two escapes, and what templatefile would
/// evaluate.
#[test]
fn answer_files_render_like_templatefile() {
    let rendered = render_like_templatefile(
        "k: \"${ssh_authorized_key}\"\nh: $${HOME} %%{x} 50% $$5\n",
        TEST_KEY,
    );
    assert_eq!(
        rendered,
        Ok(format!("k: \"{TEST_KEY}\"\nh: ${{HOME}} %{{x}} 50% $$5\n"))
    );
    assert!(render_like_templatefile("h: ${HOME}\n", TEST_KEY).is_err());
    assert!(render_like_templatefile("h: %{ if x }\n", TEST_KEY).is_err());
    assert!(render_like_templatefile("h: ${ssh_authorized_key\n", TEST_KEY).is_err());
}

/// Strings that HCL, Packer's Go templates or the shell would read as syntax.
fn tricky_strings() -> Vec<String> {
    let mut strings: Vec<String> = [
        "${HOME}",
        "$${x}",
        "%{ if true }x%{ endif }",
        "%%{",
        "{{ .Path }}",
        "{{",
        "}}",
        "{{\"{{\"}}",
        "\"quoted\"",
        "'single'",
        "it's",
        "back\\slash",
        "line\nbreak",
        "tab\there",
        "\r",
        "$",
        "%",
        "ünïcödé ☕",
        "\u{2028}",
        "<enter>",
        "a; rm -rf /",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let pieces = proptest::sample::select(vec![
        "a", " ", "$", "{", "}", "%", "{{", "}}", "${", "%{", "\"", "'", "\\", "\n", ".", "é", ";",
        "#",
    ]);
    let strategy = proptest::collection::vec(pieces, 0..12).prop_map(|p| p.concat());
    for _ in 0..200 {
        let tree = strategy.new_tree(&mut runner).expect("a value");
        strings.push(tree.current());
    }
    strings
}

/// A string as a `.pxi` string literal.
fn pxi_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every string, written as a build script in a `.pxi` file, reaches Packer as
/// written: the generated `inline` list, evaluated as HCL (so `$${` is `${` again)
/// and rendered as Packer's Go templates render it (`{{"{{"}}` is `{{`), gives back
/// the strings themselves.
#[test]
fn text_from_pxi_files_reaches_packer_unchanged() {
    let strings = tricky_strings();
    let scripts: Vec<String> = strings.iter().map(|s| pxi_string(s)).collect();
    let project = format!(
        "use std.os\n\
         cluster lab {{ endpoint = \"https://10.0.0.2:8006/\" }}\n\
         network lan {{ cidr = 10.0.0.0/24, gateway = 10.0.0.1, pool = 10.0.0.100 .. 10.0.0.109 }}\n\
         host pve1 {{\n  address = 10.0.0.2\n  bridge vmbr0 {{ ports = [\"eno1\"], network = lan }}\n  \
         storage local {{ type = dir, path = \"/var/lib/vz\", content = [images, import] }}\n}}\n\
         template probe {{\n  host = pve1\n  vmid = 9000\n  image = os.debian_12\n  storage = local\n  \
         build {{ scripts = [{}] }}\n}}\n",
        scripts.join(", ")
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packer/round-trip");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("main.pxi"), project).expect("write");
    let files = pxic::backend::packer::emit(&common::plan_of(&dir));
    let text = &files["packer/probe.pkr.hcl"];
    let body = hcl::parse(text).unwrap_or_else(|e| panic!("does not parse: {e}\n{text}"));
    let build = body
        .blocks()
        .find(|b| b.identifier() == "build")
        .expect("a build block");
    let inline = build
        .body()
        .blocks()
        .filter(|b| b.identifier() == "provisioner")
        .filter_map(|p| p.body().attributes().find(|a| a.key() == "inline"))
        .map(|a| a.expr().clone())
        .find_map(|expr| match expr {
            hcl::Expression::Array(items) if items.len() == strings.len() => Some(items),
            _ => None,
        })
        .expect("the provisioner with the scripts");
    use hcl::eval::Evaluate;
    let context = hcl::eval::Context::new();
    for (sent, expr) in strings.iter().zip(inline) {
        let value = expr
            .evaluate(&context)
            .unwrap_or_else(|e| panic!("{sent:?}: HCL cannot evaluate it: {e}"));
        let hcl::Value::String(evaluated) = value else {
            panic!("{sent:?}: not a string: {value:?}");
        };
        // Go would run any other `{{ … }}` as an action.
        assert!(
            !evaluated.replace("{{\"{{\"}}", "").contains("{{"),
            "{sent:?}: Packer would render {evaluated:?} as a Go template"
        );
        let rendered = evaluated.replace("{{\"{{\"}}", "{{");
        assert_eq!(
            &rendered, sent,
            "changed on its way through HCL and Go templates"
        );
    }
}

// --- the ansible provisioner's run ------------------------------------------------------

/// Packer's ansible provisioner gives `ansible-playbook` an INI inventory in a file
/// without an extension; the generated configuration it points at must read it (the
/// YAML-only `ansible.cfg` refuses it: "Completely failed to parse inventory source").
/// Run as the provisioner runs it, up to reading the inventory and the playbook.
#[test]
fn packers_ansible_provisioner_reads_its_inventory_with_the_generated_config() {
    let venv = common::repo().join("target/ansible-venv/bin");
    let (ok, output) = run(Command::new("bash").arg(common::repo().join("tests/ansible/setup.sh")));
    assert!(ok, "tests/ansible/setup.sh failed:\n{output}");
    let mut checked = 0;
    for (name, dir) in common::emit_cases() {
        let plan = common::plan_of(&dir);
        let mut files = pxic::backend::packer::emit(&plan);
        files.extend(pxic::backend::ansible::emit(&plan));
        let out = common::write_case("packer-ansible", &name, &files);
        for (path, text) in files.iter().filter(|(path, _)| is_template(path)) {
            let Some(provisioner) = packer_ansible::provisioner(text) else {
                continue;
            };
            let config = provisioner
                .env
                .iter()
                .find(|(n, _)| n == "ANSIBLE_CONFIG")
                .map(|(_, v)| v.clone());
            assert!(
                config.as_deref().is_some_and(|c| out.join(c).is_file()),
                "{name}/{path}: ANSIBLE_CONFIG names no generated file: {config:?}"
            );
            let target = packer_ansible::Target {
                host: "192.0.2.10",
                user: "pxic",
                key: Path::new("/nonexistent/packer-key"),
            };
            let (ok, output) = run(&mut packer_ansible::command(
                &venv,
                &out,
                &provisioner,
                &target,
                &["--list-hosts"],
            ));
            assert!(
                ok && output.contains("default"),
                "{name}/{path}: ansible-playbook cannot read Packer's inventory:\n{output}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no template with roles among the emit cases");
}

/// An Ubuntu installer leaves the build VM's network in
/// `/etc/cloud/cloud.cfg.d/90-installer-network.cfg`, which overrides the network
/// Proxmox's cloud-init drive gives each clone: the clean-up of every Ubuntu ISO
/// template removes it, with the installer's netplan and its cloud-init settings.
#[test]
fn ubuntu_iso_templates_forget_the_installers_network() {
    let mut checked = 0;
    for (name, dir) in common::emit_cases() {
        let plan = common::plan_of(&dir);
        let files = pxic::backend::packer::emit(&plan);
        for template in plan.templates.values() {
            let image = &plan.images[&template.image];
            if image.kind != "iso" || image.family != "ubuntu" {
                continue;
            }
            let text = &files[&format!("packer/{}.pkr.hcl", template.name)];
            let clean_up = &text[text.rfind("provisioner \"shell\"").expect("a clean-up")..];
            for file in [
                "/etc/cloud/cloud.cfg.d/90-installer-network.cfg",
                "/etc/cloud/cloud.cfg.d/99-installer.cfg",
                "/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg",
                "/etc/netplan/*.yaml",
            ] {
                assert!(
                    clean_up.contains(file),
                    "{name}/{}: the clean-up leaves {file}:\n{clean_up}",
                    template.name
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no Ubuntu ISO template among the emit cases");
}

/// `examples/cluster`'s LAN resolves through dns-1 and dns-2, containers of the
/// project, which do not exist when templates are built: its build VMs and installers,
/// and dns-1/2 themselves, use the network's `bootstrap_dns`; every other guest keeps
/// `dns`.
#[test]
fn build_vms_and_dns_guests_resolve_through_bootstrap_dns() {
    let plan = common::plan_of(&common::repo().join("examples/cluster"));
    let lan = &plan.networks["lan"];
    assert_eq!(
        lan.bootstrap_dns,
        ["10.20.0.1".parse::<std::net::Ipv4Addr>().unwrap()]
    );
    for name in ["dns-1", "dns-2"] {
        assert_eq!(plan.containers[name].guest.dns, lan.bootstrap_dns, "{name}");
    }
    let others: Vec<_> = plan
        .vms
        .values()
        .map(|v| &v.guest)
        .filter(|g| g.nics.first().is_some_and(|n| n.network == "lan"))
        .collect();
    assert!(!others.is_empty());
    for guest in others {
        assert_eq!(guest.dns, lan.dns, "{}", guest.name);
    }
    let files = pxic::backend::packer::emit(&plan);
    let mut checked = 0;
    for template in plan.templates.values() {
        if template
            .build_nic
            .as_ref()
            .is_none_or(|n| n.network != "lan")
        {
            continue;
        }
        let prefix = format!("packer/http/{}/", template.name);
        let text: String = files
            .iter()
            .filter(|(p, _)| {
                **p == format!("packer/{}.pkr.hcl", template.name) || p.starts_with(&prefix)
            })
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(text.contains("10.20.0.1"), "{}", template.name);
        for dns in &lan.dns {
            assert!(
                !text.contains(&dns.to_string()),
                "{}: the build resolves through {dns}, which does not exist yet",
                template.name
            );
        }
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} builds on the LAN");
}
