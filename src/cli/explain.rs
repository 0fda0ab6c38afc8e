//! `pxic explain CODE`: print the page that explains a diagnostic code.

use super::Outcome;
use super::args::ExplainArgs;
use crate::diag::{Code, suggest};

pub fn run(args: &ExplainArgs) -> Outcome {
    let wanted = normalise(&args.code);
    match Code::parse(&wanted) {
        Some(code) => {
            super::print_stdout(code.doc());
            Outcome::Clean
        }
        None => {
            let known = Code::ALL.iter().map(|c| c.as_str());
            let hint = match suggest(&wanted, known).first() {
                Some(best) => format!("did you mean `{best}`?"),
                None => "codes look like `PXI0002`; see docs/errors/ for the list".to_string(),
            };
            super::print_stderr(&format!(
                "error: unknown diagnostic code `{}`\n  help: {hint}\n",
                crate::diag::escape::line(&args.code)
            ));
            Outcome::Unusable
        }
    }
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
