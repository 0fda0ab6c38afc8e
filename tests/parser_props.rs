//! Property tests: the parser never panics, whatever it is given, and every diagnostic
//! it reports points inside the file and renders.

use proptest::prelude::*;
use pxic::diag::render::{Style, render, to_json};
use pxic::source::SourceMap;
use pxic::syntax;

/// Parses `text`, then checks what must hold for any input: spans inside the text and
/// on character boundaries, and every diagnostic renders as text and as JSON.
fn parse_and_check(text: &str) -> Vec<pxic::diag::Diagnostic> {
    let mut map = SourceMap::new();
    let id = map.add("input.pxi", text);
    let (_, diagnostics) = syntax::parse(id, text);
    for d in &diagnostics {
        for label in &d.labels {
            let range = label.span.range();
            assert!(range.end <= text.len(), "{d:?} ends past the text");
            assert!(
                text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
                "{d:?} splits a character"
            );
        }
        assert!(!render(&map, d, Style::Plain, 80).is_empty());
        assert!(to_json(&map, d).starts_with('{'));
        assert!(d.help.is_some(), "{d:?} has no help line");
    }
    diagnostics
}

fn examples() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let paths = pxic::io::discover(&dir).expect("examples exist");
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable example"))
        .collect()
}

/// One edit to a text: what near-valid input looks like while someone types.
#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let fragment = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("${".to_string()),
        Just("=".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just("..".to_string()),
        Just(":".to_string()),
        Just("#".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just("/33".to_string()),
        Just("GB".to_string()),
        Just("vm".to_string()),
        Just("for".to_string()),
        Just("é".to_string()),
        "[a-z0-9 ]{1,4}",
    ];
    prop_oneof![
        (any::<usize>(), fragment).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..20).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

/// The nearest character boundary at or before `at % (len + 1)`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Insert(at, s) => {
            let at = boundary(text, *at);
            text.insert_str(at, s);
        }
        Edit::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, start + n);
            if end > start {
                text.replace_range(start..end, "");
            }
        }
        Edit::Duplicate(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, start + n);
            if end > start {
                let copy = text[start..end].to_string();
                text.insert_str(end, &copy);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,200}") {
        let _ = parse_and_check(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_and_check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn grammar_soup_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("vm "), Just("host "), Just("for "), Just("in "), Just("use "),
            Just("{"), Just("}"), Just("["), Just("]"), Just("("), Just(")"),
            Just("\""), Just("${"), Just("="), Just(","), Just(":"), Just(".."),
            Just("..="), Just("#c\n"), Just("\n"), Just("a"), Just("1"), Just("4GiB"),
            Just("10.0.0.1"), Just("/24"), Just("\\"), Just("auto"), Just(" "),
        ],
        0..60,
    )) {
        let _ = parse_and_check(&parts.concat());
    }

    #[test]
    fn edited_examples_never_panic(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let examples = examples();
        let mut text = which.get(&examples).clone();
        for e in &edits {
            apply(&mut text, e);
        }
        let _ = parse_and_check(&text);
    }
}

/// Runs `work` on a thread with a 2 MiB stack, the smallest a thread of pxic has:
/// whatever the nesting, nothing may recurse deeper than that allows.
fn on_a_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(work)
        .expect("spawn")
        .join()
        .expect("must not crash")
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for open in ["[", "{", "(", "\"${", "network x { "] {
        for depth in [129, 7_000, 100_000] {
            for closed in [false, true] {
                let close = if closed {
                    match open {
                        "[" => "]",
                        "(" => ")",
                        "\"${" => "}\"",
                        _ => "}",
                    }
                } else {
                    ""
                };
                let text = format!(
                    "vm a {{ x = {}{} }}\nvm b {{ y = [ }}\n",
                    open.repeat(depth),
                    close.repeat(depth)
                );
                let diagnostics = on_a_small_stack(move || parse_and_check(&text));
                let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
                assert_eq!(
                    codes.first(),
                    Some(&"PXI0017"),
                    "{open} x {depth}: the nesting is reported first"
                );
                assert!(
                    codes.len() >= 2,
                    "{open} x {depth}: the next declaration is still parsed: {codes:?}"
                );
            }
        }
    }
}

#[test]
fn nesting_up_to_the_limit_parses_lowers_and_prints_on_a_small_stack() {
    // The declaration's own brace is the first level.
    let text = format!("vm a {{ x = {}{} }}\n", "[".repeat(127), "]".repeat(127));
    let outline = on_a_small_stack(move || {
        let (file, diagnostics) = syntax::parse(pxic::source::FileId::DETACHED, &text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        syntax::dump::dump(&file)
    });
    assert!(outline.contains("[[[["));
}

#[test]
fn parsing_is_deterministic() {
    for text in examples() {
        let first = syntax::parse(pxic::source::FileId::DETACHED, &text);
        let second = syntax::parse(pxic::source::FileId::DETACHED, &text);
        assert_eq!(first, second);
    }
}
