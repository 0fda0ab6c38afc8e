//! Property tests of the checker: it never panics, its result does not depend on the
//! order of files or declarations, and the IR survives a JSON round trip.

use proptest::prelude::*;
use pxic::check::{Checked, World, check_project};
use pxic::source::SourceMap;
use std::path::{Path, PathBuf};

/// Reads `file("…")` relative to one folder, as the CLI does for a project there.
struct Folder(PathBuf);

impl World for Folder {
    fn read_file(&self, path: &Path) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn check_files(files: &[(String, String)], world: &dyn World) -> Checked {
    let mut map = SourceMap::new();
    for (name, text) in files {
        map.add(name.clone(), text.clone());
    }
    check_project(&mut map, world, &Default::default())
}

fn cluster_example() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cluster");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("example folder")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "pxi").then(|| {
                let name = path.file_name()?.to_string_lossy().into_owned();
                Some((name, std::fs::read_to_string(&path).ok()?))
            })?
        })
        .collect();
    files.sort();
    files
}

/// The top-level items of a file as text, each with the comments before it.
fn items(text: &str) -> Vec<String> {
    let (ast, diagnostics) = pxic::syntax::parse(pxic::source::FileId::DETACHED, text);
    assert!(diagnostics.is_empty());
    let spans: Vec<(u32, u32)> = ast
        .items
        .iter()
        .map(|i| match i {
            pxic::syntax::ast::Item::Use(u) => (u.span.start, u.span.end),
            pxic::syntax::ast::Item::Decl(d) => (d.span.start, d.span.end),
            pxic::syntax::ast::Item::For(f) => (f.span.start, f.span.end),
        })
        .collect();
    spans
        .iter()
        .map(|(s, e)| text[*s as usize..*e as usize].to_string())
        .collect()
}

fn ir_json(checked: &Checked) -> String {
    let plan = checked.plan.as_ref().expect("the example checks cleanly");
    serde_json::to_string_pretty(plan).expect("serialises")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Shuffling the files and the declarations inside them gives the same IR.
    #[test]
    fn the_ir_does_not_depend_on_order(seed in any::<u64>()) {
        let world = Folder(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cluster"));
        let original = cluster_example();
        let expected = ir_json(&check_files(&original, &world));
        let mut rng = seed;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut files: Vec<(String, String)> = original
            .iter()
            .map(|(name, text)| {
                let mut parts = items(text);
                for i in (1..parts.len()).rev() {
                    let j = (next() % (i as u64 + 1)) as usize;
                    parts.swap(i, j);
                }
                (name.clone(), parts.join("\n\n"))
            })
            .collect();
        for i in (1..files.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            files.swap(i, j);
        }
        prop_assert_eq!(ir_json(&check_files(&files, &world)), expected);
    }
}

/// Random declarations built from the schema's own words: mostly wrong in some way,
/// which is the point — every error path runs.
fn decl() -> impl Strategy<Value = String> {
    let kinds = prop::sample::select(
        pxic::syntax::ast::DeclKind::ALL
            .map(|k| k.keyword())
            .to_vec(),
    );
    let keys = prop::sample::select(vec![
        "endpoint", "token", "vmids", "cidr", "gateway", "pool", "address", "cores", "memory",
        "disk", "host", "template", "image", "storage", "vmid", "kind", "url", "roles", "tags",
        "packages", "sudo", "ip", "type", "content", "network", "depends", "nope",
    ]);
    let values = prop::sample::select(vec![
        "auto",
        "4",
        "4GiB",
        "10.0.0.5",
        "10.0.0.0/24",
        "10.0.0.10 .. 10.0.0.20",
        "1 .. 10",
        "\"x\"",
        "env(\"T\")",
        "file(\"missing\")",
        "[a, b]",
        "[]",
        "pve1",
        "lan",
        "local",
        "lvmthin",
        "cloud",
        "[images]",
        "true",
        "os.ubuntu_2404",
        "roles.base",
        "\"${i}\"",
        "b",
        "a",
        "cluster1",
    ]);
    let blocks = prop::sample::select(vec![
        "",
        "bridge vmbr0 { network = lan }",
        "storage local { type = dir, path = \"/var/lib/vz\", content = [images] }",
        "network lan { ip = auto }",
        "user u { sudo = true }",
        "build { packages = [\"x\"] }",
        "firewall { allow = [22] }",
        "file \"/x\" { content = \"y\" }",
        "vars { a = 1 }",
    ]);
    (
        kinds,
        prop::sample::select(vec![
            "a",
            "b",
            "pve1",
            "lan",
            "local",
            "cluster1",
            "\"w-${i}\"",
        ]),
        prop::sample::select(vec!["", " : a", " : b, a"]),
        proptest::collection::vec((keys, values), 0..6),
        blocks,
    )
        .prop_map(|(kind, name, parents, attrs, block)| {
            let body: Vec<String> = attrs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!(
                "{kind} {name}{parents} {{\n  {}\n  {block}\n}}",
                body.join("\n  ")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn checking_and_emitting_never_panic(decls in proptest::collection::vec(decl(), 0..8), use_std in any::<bool>(), looped in any::<bool>()) {
        let mut text = String::new();
        if use_std {
            text.push_str("use std.os\nuse std.roles\n");
        }
        let body = decls.join("\n");
        if looped {
            text.push_str(&format!("for i in 1..=2 {{\n{body}\n}}\n"));
        } else {
            text.push_str(&body);
        }
        let checked = check_files(&[("main.pxi".to_string(), text)], &Folder(std::env::temp_dir()));
        for d in &checked.diagnostics {
            prop_assert!(d.help.is_some(), "{:?} has no help", d);
        }
        // Nor does emitting whatever plan came out, errors or not.
        if let Some(plan) = &checked.plan {
            pxic::backend::emit_all(plan);
        }
    }
}

#[test]
fn the_ir_round_trips_through_json() {
    let world = Folder(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cluster"));
    let checked = check_files(&cluster_example(), &world);
    let plan = checked.plan.expect("a plan");
    let json = serde_json::to_string(&plan).expect("serialises");
    let back: pxic::ir::Plan = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, plan);
}

#[test]
fn nesting_up_to_the_limit_is_checked_on_a_small_stack() {
    // The declaration's own brace is the first level; 2 MiB is the smallest stack a
    // thread of pxic has.
    let mut files = cluster_example();
    files.push((
        "deep.pxi".to_string(),
        format!(
            "vm deep {{ tags = {}\"x\"{} }}\nprofile p {{ {}{} }}\n",
            "[".repeat(126),
            "]".repeat(126),
            "network x { ".repeat(126),
            "}".repeat(126)
        ),
    ));
    let checked = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || check_files(&files, &Folder(PathBuf::new())))
        .expect("spawn")
        .join()
        .expect("checking deep nesting must not crash");
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.code.as_str() != "PXI0017"),
        "{:?}",
        checked.diagnostics
    );
    assert!(!checked.diagnostics.is_empty());
}
