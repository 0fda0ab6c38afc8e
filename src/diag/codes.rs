//! The registry of diagnostic codes: every code exactly once, with its name, the phase
//! that reports it and its page under `docs/errors/` (embedded, for `pxic explain`).
//!
//! Ranges: PXI0001–0099 syntax and reading sources, 0100–0199 names, 0200–0299 types
//! and values, 0300–0399 addresses/VMIDs/capacity, 0400–0499 backends and runner,
//! 0900+ internal. A retired code is never reused.

use serde::{Serialize, Serializer};

/// The phase of the pipeline a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Source,
    Syntax,
    Internal,
}

macro_rules! registry {
    ($( $variant:ident = $code:literal, $phase:ident, $name:literal; )*) => {
        /// A stable diagnostic code such as `PXI0001`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $variant, )*
        }

        impl Code {
            /// Every registered code, in numeric order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// `PXI0001`
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A short kebab-case name (`unterminated-string`).
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn phase(self) -> Phase {
                match self { $( Code::$variant => Phase::$phase, )* }
            }

            /// The Markdown page that explains the code (`docs/errors/<code>.md`).
            pub fn doc(self) -> &'static str {
                match self {
                    $( Code::$variant => include_str!(concat!("../../docs/errors/", $code, ".md")), )*
                }
            }
        }
    };
}

registry! {
    SyntaxError          = "PXI0001", Syntax, "syntax-error";
    UnterminatedString   = "PXI0002", Syntax, "unterminated-string";
    InvalidEscape        = "PXI0003", Syntax, "invalid-escape";
    UnknownSizeUnit      = "PXI0004", Syntax, "unknown-size-unit";
    FractionalSize       = "PXI0005", Syntax, "fractional-size";
    InvalidIpv4          = "PXI0006", Syntax, "invalid-ipv4";
    LeadingZero          = "PXI0007", Syntax, "leading-zero";
    CidrPrefixTooLong    = "PXI0008", Syntax, "cidr-prefix-too-long";
    NumberTooLarge       = "PXI0009", Syntax, "number-too-large";
    UnknownDeclKind      = "PXI0010", Syntax, "unknown-declaration-kind";
    AttributeOutsideBlock = "PXI0011", Syntax, "attribute-outside-block";
    UnclosedBlock        = "PXI0012", Syntax, "unclosed-block";
    SizeSpaceBeforeUnit  = "PXI0013", Syntax, "space-before-size-unit";
    FractionalNumber     = "PXI0014", Syntax, "fractional-number";
    KeywordAsName        = "PXI0015", Syntax, "keyword-as-name";
    MalformedNumber      = "PXI0016", Syntax, "malformed-number";
    CannotReadSource     = "PXI0090", Source, "cannot-read-source";
    SourceNotUtf8        = "PXI0091", Source, "source-not-utf8";
    NoSourceFiles        = "PXI0092", Source, "no-source-files";
    SourceTooLarge       = "PXI0093", Source, "source-too-large";
    Internal             = "PXI0900", Internal, "internal-error";
}

impl Code {
    /// Looks a code up by its text, case-insensitively (`pxi0001` works too).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order() {
        let texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn every_page_names_its_own_code() {
        for code in Code::ALL {
            let first = code.doc().lines().next().unwrap_or_default();
            assert!(
                first.starts_with(&format!("# {}", code.as_str())),
                "docs/errors/{code}.md must start with `# {code}`, found {first:?}"
            );
        }
    }

    #[test]
    fn every_page_has_a_code_in_the_registry() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors");
        let entries = std::fs::read_dir(dir).expect("docs/errors exists");
        for entry in entries {
            let name = entry.expect("readable entry").file_name();
            let name = name.to_string_lossy();
            let stem = name.strip_suffix(".md").unwrap_or(&name);
            if stem == "README" {
                continue;
            }
            assert!(
                Code::parse(stem).is_some(),
                "docs/errors/{name} documents a code that is not in the registry"
            );
        }
    }

    #[test]
    fn codes_parse_back() {
        assert_eq!(Code::parse("pxi0002"), Some(Code::UnterminatedString));
        assert_eq!(Code::parse("PXI9999"), None);
    }
}
