//! Property tests of the checker: it never panics, its result does not depend on the
//! order of files or declarations, and the IR survives a JSON round trip.

use proptest::prelude::*;
use pxic::check::{Checked, World, check_project};
use pxic::source::SourceMap;
use std::path::{Path, PathBuf};

/// Reads `file("…")` relative to one folder, as the CLI does for a project there.
struct Folder(PathBuf);

impl World for Folder {
    fn read_file(&self, path: &Path) -> Result<std::sync::Arc<str>, pxic::check::FileError> {
        std::fs::read_to_string(self.0.join(path))
            .map(Into::into)
            .map_err(|e| pxic::check::FileError::Unreadable(e.to_string()))
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

/// What every inheritance program below shares: a cluster, a network, a host and a
/// template for the VM.
const INHERITANCE_BASE: &str = r#"use std.os
cluster lab { endpoint = "https://10.0.0.2:8006/" }
network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}
host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}
template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}
"#;

/// One member a profile may have: its key (a body holds each key once) and its text.
fn member() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        (1u32..5).prop_map(|n| ("cores", format!("cores = {n}"))),
        (1u32..5).prop_map(|n| ("memory", format!("memory = {n}GiB"))),
        (1u32..5).prop_map(|n| ("tags", format!("tags = [\"t{n}\"]"))),
        (1u32..5).prop_map(|n| ("description", format!("description = \"d{n}\""))),
        (21u32..29).prop_map(|n| ("network", format!("network lan {{ ip = 10.0.0.{n} }}"))),
    ]
}

/// A profile of a generated program: the profiles it inherits from (by number) and
/// its members.
type Profile = (Vec<usize>, Vec<String>);

/// Profiles `p0`, `p1`, … each naming up to two earlier ones as parents (possibly the
/// same one twice: a diamond) and holding a few members, and the VM's parents.
fn profile_dag() -> impl Strategy<Value = (Vec<Profile>, Vec<usize>)> {
    let profile = (
        proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
        proptest::collection::vec(member(), 0..4),
    );
    (
        proptest::collection::vec(profile, 1..8),
        proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
    )
        .prop_map(|(profiles, vm)| {
            let profiles: Vec<Profile> = profiles
                .into_iter()
                .enumerate()
                .map(|(i, (parents, members))| {
                    let parents = if i == 0 {
                        Vec::new()
                    } else {
                        parents.iter().map(|p| p.index(i)).collect()
                    };
                    let mut seen = Vec::new();
                    let members = members
                        .into_iter()
                        .filter(|(key, _)| {
                            let new = !seen.contains(key);
                            seen.push(*key);
                            new
                        })
                        .map(|(_, text)| text)
                        .collect();
                    (parents, members)
                })
                .collect();
            let vm = vm.iter().map(|p| p.index(profiles.len())).collect();
            (profiles, vm)
        })
}

/// The members a profile gives, in the order inheritance applies them: each parent's
/// (flattened, left to right), then its own.
fn flattened(profiles: &[Profile], id: usize, out: &mut Vec<String>) {
    for parent in &profiles[id].0 {
        flattened(profiles, *parent, out);
    }
    out.extend(profiles[id].1.iter().cloned());
}

/// The VM `probe` as the IR has it (without where it was written), or the codes of
/// what the check reported.
fn probe(text: String) -> Result<serde_json::Value, Vec<String>> {
    let mut map = SourceMap::new();
    map.add("main.pxi", text);
    let checked = check_project(&mut map, &Folder(PathBuf::new()), &Default::default());
    match &checked.plan {
        Some(plan) => {
            let mut vm = serde_json::to_value(&plan.vms["probe"]).expect("serialises");
            if let Some(fields) = vm.as_object_mut() {
                fields.remove("origin");
            }
            Ok(vm)
        }
        None => {
            let mut codes: Vec<String> = checked
                .diagnostics
                .iter()
                .map(|d| d.code.as_str().to_string())
                .collect();
            codes.sort();
            Err(codes)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Profiles evaluated once each and merged give what applying every inherited
    /// member in order gives: the same VM as a chain of one-member profiles.
    #[test]
    fn memoised_inheritance_applies_members_in_order((profiles, vm) in profile_dag()) {
        let mut text = INHERITANCE_BASE.to_string();
        for (i, (parents, members)) in profiles.iter().enumerate() {
            let parents: Vec<String> = parents.iter().map(|p| format!("p{p}")).collect();
            let colon = if parents.is_empty() { String::new() } else { format!(": {} ", parents.join(", ")) };
            text.push_str(&format!("profile p{i} {colon}{{\n  {}\n}}\n", members.join("\n  ")));
        }
        let vm_parents: Vec<String> = vm.iter().map(|p| format!("p{p}")).collect();
        text.push_str(&format!(
            "vm probe : {} {{\n  host = pve1\n  template = ubuntu-2404\n}}\n",
            vm_parents.join(", ")
        ));

        let mut members = Vec::new();
        for parent in &vm {
            flattened(&profiles, *parent, &mut members);
        }
        prop_assume!(members.len() < 60);
        let mut chain = INHERITANCE_BASE.to_string();
        for (i, member) in members.iter().enumerate() {
            let parent = if i == 0 { String::new() } else { format!(": f{} ", i - 1) };
            chain.push_str(&format!("profile f{i} {parent}{{\n  {member}\n}}\n"));
        }
        let parent = if members.is_empty() { String::new() } else { format!(": f{} ", members.len() - 1) };
        chain.push_str(&format!(
            "vm probe {parent}{{\n  host = pve1\n  template = ubuntu-2404\n}}\n"
        ));
        prop_assert_eq!(probe(text), probe(chain));
    }
}
