//! The fast path (`src/syntax/fast.rs`) must be invisible: for any input, parsing with
//! it gives exactly what pest alone gives — the same AST, spans and comments included,
//! and the same diagnostics. The same holds for a large file parsed in pieces on
//! several threads, wherever the pieces are cut.

use proptest::prelude::*;
use pxic::source::FileId;
use pxic::syntax::{parse, parse_in_pieces, parse_with_pest_only};
use std::path::Path;

fn assert_same(text: &str) {
    let fast = parse(FileId::DETACHED, text);
    let pest = parse_with_pest_only(FileId::DETACHED, text);
    if fast != pest {
        let (fast, pest) = (format!("{fast:#?}"), format!("{pest:#?}"));
        let first_difference = fast
            .lines()
            .zip(pest.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let context = |s: &str| {
            let lines: Vec<&str> = s
                .lines()
                .skip(first_difference.saturating_sub(8))
                .take(12)
                .collect();
            lines.join("\n")
        };
        panic!(
            "the fast path changed the result for:\n{text}\n--- fast path:\n{}\n--- pest alone:\n{}",
            context(&fast),
            context(&pest)
        );
    }
}

/// Parsing in pieces cut at `splits` gives what parsing the whole text gives.
fn assert_same_in_pieces(text: &str, splits: &[usize]) {
    let whole = parse(FileId::DETACHED, text);
    let pieces = parse_in_pieces(FileId::DETACHED, text, splits);
    assert!(
        whole == pieces,
        "parsing in pieces cut at {splits:?} changed the result for:\n{text}"
    );
}

/// Where the parser guesses an item may end: just after a `}` that starts a line.
fn guessed_boundaries(text: &str) -> Vec<usize> {
    text.match_indices("\n}").map(|(i, _)| i + 2).collect()
}

fn pxi_files(dir: &Path) -> Vec<String> {
    walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pxi"))
        .map(|p| std::fs::read_to_string(p).expect("readable"))
        .collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn fixtures_and_examples_parse_the_same_both_ways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = pxi_files(&root.join("tests/ui"));
    texts.extend(pxi_files(&root.join("examples")));
    assert!(texts.len() > 40);
    for text in &texts {
        assert_same(text);
    }
}

#[test]
fn fixtures_and_examples_parse_the_same_in_pieces() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = pxi_files(&root.join("tests/ui"));
    texts.extend(pxi_files(&root.join("examples")));
    for text in &texts {
        let guesses = guessed_boundaries(text);
        // Each guess alone, all of them at once, and cuts that are no boundary at all
        // (inside a name, a string, a comment).
        for at in &guesses {
            assert_same_in_pieces(text, &[*at]);
        }
        assert_same_in_pieces(text, &guesses);
        let anywhere: Vec<usize> = (1..text.len())
            .step_by(37)
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        assert_same_in_pieces(text, &anywhere);
    }
}

/// Text of a valid value, nested up to `depth`.
fn value(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        (0u64..100_000).prop_map(|n| n.to_string()),
        (
            1u64..4096,
            prop::sample::select(vec!["KiB", "MiB", "GiB", "TiB"])
        )
            .prop_map(|(n, u)| format!("{n}{u}")),
        (any::<[u8; 4]>()).prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])),
        (any::<[u8; 4]>(), 0u8..=32)
            .prop_map(|(o, p)| format!("{}.{}.{}.{}/{p}", o[0], o[1], o[2], o[3])),
        prop::sample::select(vec![
            "true",
            "false",
            "auto",
            "pve1",
            "roles.base",
            "os.ubuntu_2404",
            "local-lvm",
            "truex",
            "auto_1"
        ])
        .prop_map(str::to_string),
        string(depth),
        "env\\(\"[A-Z_]{1,8}\"\\)",
        "file\\( *\"keys/[a-z]{1,5}.pub\" *\\)",
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = value(depth - 1);
    prop_oneof![
        4 => leaf,
        1 => proptest::collection::vec(inner.clone(), 0..4)
            .prop_map(|items| format!("[{}]", items.join(", "))),
        1 => (inner.clone(), prop::sample::select(vec![" .. ", "..", " ..= ", "..="]), inner)
            .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
    ]
    .boxed()
}

/// A valid string literal: text, escapes and interpolations.
fn string(depth: u32) -> BoxedStrategy<String> {
    let part = prop_oneof![
        "[a-zA-Z0-9 .:/{}%#é✓-]{0,8}",
        prop::sample::select(vec![
            "\\n", "\\t", "\\\"", "\\\\", "\\$", "\\u{e9}", "$", "$x"
        ])
        .prop_map(str::to_string),
        prop::sample::select(vec!["${i}", "${ host.name }", "${a}${b}"]).prop_map(str::to_string),
    ];
    let _ = depth;
    proptest::collection::vec(part, 0..5)
        .prop_map(|parts| format!("\"{}\"", parts.concat()))
        .boxed()
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["\n  ", ", ", " ", "\n  # note\n  ", ",\n  "])
}

/// A valid body with attributes and nested blocks.
fn body(depth: u32) -> BoxedStrategy<String> {
    let attribute = (
        prop_oneof![
            "[a-z][a-z0-9_-]{0,6}",
            Just("\"net.ipv4.ip_forward\"".to_string())
        ],
        value(2),
    )
        .prop_map(|(k, v)| format!("{k} = {v}"));
    let member = if depth == 0 {
        attribute.boxed()
    } else {
        let block = (
            "[a-z][a-z0-9_]{0,6}",
            prop_oneof![
                Just(String::new()),
                " [a-z][a-z0-9-]{0,5}",
                Just(" \"lbl\"".to_string())
            ],
            body(depth - 1),
        )
            .prop_map(|(k, label, b)| format!("{k}{label} {b}"));
        prop_oneof![3 => attribute, 1 => block].boxed()
    };
    (
        proptest::collection::vec((member, separator()), 0..5),
        any::<bool>(),
    )
        .prop_map(|(members, trailing)| {
            let mut out = String::from("{");
            for (m, sep) in &members {
                out.push_str(sep);
                out.push_str(m);
            }
            if trailing && !members.is_empty() {
                out.push(',');
            }
            out.push_str("\n}");
            out
        })
        .boxed()
}

fn decl() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            pxic::syntax::ast::DeclKind::ALL
                .map(|k| k.keyword())
                .to_vec(),
        ),
        prop_oneof!["[a-z][a-z0-9-]{0,8}", Just("\"worker-${i}\"".to_string())],
        prop::sample::select(vec![
            "",
            " : small",
            " : small, hardened",
            ": profiles.small",
        ]),
        body(2),
    )
        .prop_map(|(kind, name, parents, body)| format!("{kind} {name}{parents} {body}"))
}

fn program() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => decl(),
            1 => Just("use std.os".to_string()),
            1 => Just("# a comment".to_string()),
            1 => (decl(), prop::sample::select(vec!["1..=3", "0 .. 2", "[1, 2]"]))
                .prop_map(|(d, r)| format!("for i in {r} {{\n{d}\n}}")),
        ],
        0..5,
    )
    .prop_map(|items| items.join("\n\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Generated valid programs: the fast path takes them, and must agree with pest.
    #[test]
    fn generated_programs_parse_the_same_both_ways(text in program()) {
        assert_same(&text);
    }

    /// Arbitrary text, mostly invalid: whatever the fast path leaves, pest must do.
    #[test]
    fn arbitrary_text_parses_the_same_both_ways(text in "\\PC{0,120}") {
        assert_same(&text);
    }

    /// Valid programs with one character changed: near-misses at every position.
    #[test]
    fn near_misses_parse_the_same_both_ways(
        text in program(),
        at in any::<prop::sample::Index>(),
        c in prop::sample::select(vec!['{', '}', '"', '\\', '$', '.', ',', '=', ' ', '\n', '#', '1', 'a', ':', '[', ']', '/', '\r']),
    ) {
        let mut chars: Vec<char> = text.chars().collect();
        if !chars.is_empty() {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        assert_same(&chars.into_iter().collect::<String>());
    }

    /// Programs, valid or one character off, cut anywhere: the pieces give the same.
    #[test]
    fn programs_parse_the_same_in_pieces(
        text in program(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
        at in any::<prop::sample::Index>(),
        c in prop::sample::select(vec!['{', '}', '"', '\n', '#', 'a']),
        change in any::<bool>(),
    ) {
        let mut chars: Vec<char> = text.chars().collect();
        if change && !chars.is_empty() {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let text: String = chars.into_iter().collect();
        let mut splits: Vec<usize> = cuts
            .iter()
            .map(|cut| cut.index(text.len() + 1))
            .filter(|i| text.is_char_boundary(*i))
            .chain(guessed_boundaries(&text))
            .collect();
        splits.sort();
        splits.dedup();
        assert_same_in_pieces(&text, &splits);
    }
}

#[test]
fn generated_programs_are_mostly_valid() {
    // Guards the generator above: if it stopped producing valid programs, the
    // agreement test would only exercise pest.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut valid = 0;
    for _ in 0..100 {
        let text = program().new_tree(&mut runner).expect("tree").current();
        let (_, diagnostics) = parse(FileId::DETACHED, &text);
        if diagnostics.is_empty() {
            valid += 1;
        }
    }
    assert!(
        valid >= 50,
        "only {valid} of 100 generated programs were valid"
    );
}
