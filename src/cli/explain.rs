//! `pxic explain CODE`: print the page that explains a diagnostic code.

use super::Outcome;
use super::args::ExplainArgs;
use crate::diag::{Code, suggest};

pub fn run(args: &ExplainArgs) -> Outcome {
    let Some(code) = args.code.as_deref().filter(|_| !args.list) else {
        super::print_stdout(&list());
        return Outcome::Clean;
    };
    let wanted = normalise(code);
    match Code::parse(&wanted) {
        Some(code) => {
            super::print_stdout(code.doc());
            Outcome::Clean
        }
        None => {
            let known = Code::ALL.iter().map(|c| c.as_str());
            let hint = match suggest(&wanted, known).first() {
                Some(best) => format!("did you mean `{best}`?"),
                None => "codes look like `PXI0002`; `pxic explain --list` lists them".to_string(),
            };
            super::print_stderr(&format!(
                "error: unknown diagnostic code `{}`\n  help: {hint}\n",
                crate::diag::escape::line(code)
            ));
            Outcome::Unusable
        }
    }
}

/// Every code, its name and the one line the index of pages gives it
/// (`docs/errors/README.md`), aligned in columns.
fn list() -> String {
    let index = include_str!("../../docs/errors/README.md");
    let mut out = String::new();
    for code in Code::ALL {
        let entry = format!("[{code}]({code}.md) `{}`: ", code.name());
        let summary = index
            .lines()
            .find_map(|line| line.split_once(&entry).map(|(_, rest)| rest))
            .unwrap_or_default()
            .replace('`', "");
        let name = code.name();
        out.push_str(&format!("{code}  {name:<32}  {summary}\n"));
    }
    out
}

/// Accepts `2`, `0002`, `pxi2` as well as `PXI0002`.
fn normalise(code: &str) -> String {
    let trimmed = code.trim();
    let digits = trimmed
        .strip_prefix("PXI")
        .or_else(|| trimmed.strip_prefix("pxi"))
        .unwrap_or(trimmed);
    match digits.parse::<u32>() {
        Ok(n) if digits.chars().all(|c| c.is_ascii_digit()) => format!("PXI{n:04}"),
        _ => trimmed.to_string(),
    }
}
