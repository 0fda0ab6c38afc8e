//! UI tests: `.pxi` fixtures with insta snapshots of what pxic makes of them.
//!
//! - `ui/syntax/*.pxi`: each holds one syntax mistake; the snapshot is the source and
//!   the rendered diagnostics (there must be at least one).
//! - `ui/parse/*.pxi`: valid files covering every construct; the snapshot is the source
//!   and the AST outline (there must be no diagnostics).
//! - `ui/check/*.pxi`: whole one-file projects for the checker; the snapshot is the
//!   source and the rendered diagnostics. `ok_*.pxi` must check cleanly; every other
//!   fixture must have a diagnostic (an error, or a warning for the warning checks).

use pxic::diag::render::{Style, render};
use pxic::source::SourceMap;
use pxic::syntax;
use std::path::Path;

/// A fixture's file name (how snapshots show it, wherever the repository is checked
/// out) and text.
fn read_fixture(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).expect("fixture is readable UTF-8");
    let name = path
        .file_name()
        .expect("fixture has a name")
        .to_string_lossy();
    (name.into_owned(), text)
}

/// Parses one fixture, shown under its file name so snapshots do not depend on where
/// the repository is checked out.
fn parse_fixture(
    path: &Path,
) -> (
    SourceMap,
    String,
    syntax::ast::File,
    Vec<pxic::diag::Diagnostic>,
) {
    let (name, text) = read_fixture(path);
    let mut map = SourceMap::new();
    let id = map.add(name, text.clone());
    let (ast, diagnostics) = syntax::parse(id, &text);
    (map, text, ast, diagnostics)
}

fn rendered(map: &SourceMap, diagnostics: &[pxic::diag::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| render(map, d, Style::Plain, 80))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn syntax_errors() {
    insta::glob!("ui/syntax/*.pxi", |path| {
        let (map, text, _, diagnostics) = parse_fixture(path);
        assert!(
            !diagnostics.is_empty(),
            "{} should have a syntax error but parsed cleanly",
            path.display()
        );
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{text}----- DIAGNOSTICS\n{}",
            rendered(&map, &diagnostics)
        ));
    });
}

#[test]
fn valid_syntax() {
    insta::glob!("ui/parse/*.pxi", |path| {
        let (map, text, ast, diagnostics) = parse_fixture(path);
        assert!(
            diagnostics.is_empty(),
            "{} should parse cleanly:\n{}",
            path.display(),
            rendered(&map, &diagnostics)
        );
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{text}----- AST\n{}",
            syntax::dump::dump(&ast)
        ));
    });
}

/// The bundled examples parse without a single diagnostic.
#[test]
fn examples_parse_cleanly() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let paths = pxic::io::discover(&examples).expect("examples/ holds .pxi files");
    let (map, unreadable) = pxic::io::read_sources(&examples, &paths);
    assert!(unreadable.is_empty());
    let (files, diagnostics) = syntax::parse_all(&map);
    assert!(diagnostics.is_empty(), "{}", rendered(&map, &diagnostics));
    assert!(files.iter().all(|f| !f.items.is_empty()));
}

#[test]
fn check_diagnostics() {
    insta::glob!("ui/check/*.pxi", |path| {
        let (name, text) = read_fixture(path);
        let mut map = SourceMap::new();
        map.add(name.clone(), text.clone());
        // `file("…")` reads relative to the fixtures' folder, as the project's.
        let world = pxic::io::FsWorld::new(path.parent().expect("in a folder"), &[]);
        let checked = pxic::check::check_project(&mut map, &world, &Default::default());
        let diagnostics = checked.diagnostics;
        if name.starts_with("ok_") {
            assert!(
                diagnostics.is_empty(),
                "{name} should check cleanly:\n{}",
                rendered(&map, &diagnostics)
            );
            assert!(checked.plan.is_some(), "{name} should give a plan");
        } else {
            assert!(
                !diagnostics.is_empty(),
                "{name} should have a diagnostic but checked cleanly"
            );
        }
        let body = if diagnostics.is_empty() {
            "ok\n".to_string()
        } else {
            rendered(&map, &diagnostics)
        };
        insta::assert_snapshot!(format!("----- SOURCE\n{text}----- DIAGNOSTICS\n{body}"));
    });
}

/// Both bundled examples check without a single diagnostic.
#[test]
fn examples_check_cleanly() {
    for example in ["homelab", "cluster"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(example);
        let paths = pxic::io::discover(&dir).expect("example has .pxi files");
        let (mut map, unreadable) = pxic::io::read_sources(&dir, &paths);
        assert!(unreadable.is_empty());
        let lock = pxic::io::read_lock(&pxic::io::lock_path(&dir)).expect("lock is readable");
        let world = pxic::io::FsWorld::new(&dir, &[]);
        let checked = pxic::check::check_project(&mut map, &world, &lock);
        assert!(
            checked.diagnostics.is_empty(),
            "{example}:\n{}",
            rendered(&map, &checked.diagnostics)
        );
        assert!(checked.plan.is_some());
    }
}

/// Any file the examples of the docs read: a public key.
struct DocFiles;

impl pxic::check::World for DocFiles {
    fn read_file(&self, _: &Path) -> Result<std::sync::Arc<str>, pxic::check::FileError> {
        Ok("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDoc admin@example\n".into())
    }
}

/// The `pxi` blocks of a Markdown page, in order.
fn pxi_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    // The block being read, and the indentation of its fence: a fence inside a list
    // item is indented, and so are its lines.
    let mut current: Option<(String, usize)> = None;
    for line in page.lines() {
        match (&mut current, line.trim()) {
            (None, "```pxi") => {
                current = Some((String::new(), line.len() - line.trim_start().len()))
            }
            (Some((block, _)), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some((block, indent)), _) => {
                let unindented = line
                    .get(*indent..)
                    .filter(|_| line[..*indent].trim().is_empty());
                block.push_str(unindented.unwrap_or(line));
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn check_text(text: &str) -> (SourceMap, Vec<pxic::diag::Diagnostic>) {
    let mut map = SourceMap::new();
    map.add("example.pxi", text.to_string());
    let checked = pxic::check::check_project(&mut map, &DocFiles, &Default::default());
    (map, checked.diagnostics)
}

/// The cluster, network and host the examples of the docs name. `local` holds VM
/// disks too, for the data disk example.
const DOC_ESTATE: &str = r#"
cluster homelab {
  endpoint = "https://10.10.0.2:8006/"
}
network lan {
  cidr    = 10.10.0.0/24
  gateway = 10.10.0.1
  pool    = 10.10.0.100 .. 10.10.0.199
}
host pve1 {
  address = 10.10.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets, vztmpl, images] }
}
"#;

/// The first example of docs/language.md, and the example of docs/stdlib.md (with
/// the cluster, network and host it names), check without a diagnostic: a new user
/// starts from them.
#[test]
fn the_first_examples_of_the_docs_check_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let language = std::fs::read_to_string(root.join("language.md")).expect("language.md");
    let first = pxi_blocks(&language).into_iter().next().unwrap_or_default();
    let (map, diagnostics) = check_text(&first);
    assert!(
        diagnostics.is_empty(),
        "docs/language.md's first example:\n{}",
        rendered(&map, &diagnostics)
    );

    let stdlib = std::fs::read_to_string(root.join("stdlib.md")).expect("stdlib.md");
    let using = pxi_blocks(&stdlib).into_iter().next().unwrap_or_default();
    let (map, diagnostics) = check_text(&format!("{using}{DOC_ESTATE}"));
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == pxic::diag::Severity::Error)
        .cloned()
        .collect();
    assert!(
        errors.is_empty(),
        "docs/stdlib.md's example:\n{}",
        rendered(&map, &errors)
    );
}

/// The provider takes at most 128 `device_passthrough` blocks: the 129th device of a
/// container is one error (PXI0564), at that device; 128 are fine.
#[test]
fn more_devices_than_the_provider_takes_is_one_error() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/ui/check/container_devices_and_startup.pxi");
    let (_, text) = read_fixture(&fixture);
    let estate = &text[..text.find("container media").expect("the fixture's estate")];
    let with = |count: usize| {
        let devices: String = (0..count)
            .map(|i| format!("  device d{i} {{ path = \"/dev/ttyS{i}\" }}\n"))
            .collect();
        format!(
            "{estate}container lab {{\n  host = pve1\n  template = os.debian_12_lxc\n  \
             storage = local-lvm\n{devices}}}\n"
        )
    };
    let (_, fine) = check_text(&with(128));
    assert!(fine.is_empty(), "{fine:?}");
    let (map, over) = check_text(&with(129));
    let codes: Vec<&str> = over.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["PXI0564"], "{}", rendered(&map, &over));
    let said = rendered(&map, &over);
    assert!(said.contains("device d128"), "{said}");
}

/// The examples of docs/language.md that show guests' hardware and options (data
/// disks, mount points, startup, devices, id maps, a profile with a container's
/// image) check without a diagnostic, in the estate they name.
#[test]
fn the_guest_examples_of_the_language_docs_check_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let language = std::fs::read_to_string(root.join("language.md")).expect("language.md");
    let markers = [
        "\n  disk pgdata {",
        "\n  mount zones {",
        "\n  startup { order = 1",
        "\n  device render {",
        "\n  idmap { uids",
        "profile lxc-small {",
    ];
    let examples: Vec<String> = pxi_blocks(&language)
        .into_iter()
        .filter(|b| markers.iter().any(|m| b.contains(m)))
        .collect();
    assert_eq!(examples.len(), markers.len(), "one example for each");
    let template = "use std.os\ntemplate ubuntu-2404 { host = pve1, image = os.ubuntu_2404, storage = local-lvm }\n";
    for example in examples {
        let (map, diagnostics) = check_text(&format!("{template}{DOC_ESTATE}{example}"));
        assert!(
            diagnostics.is_empty(),
            "docs/language.md's example:\n{example}\n{}",
            rendered(&map, &diagnostics)
        );
    }
}
