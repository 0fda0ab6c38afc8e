//! The standard library: `.pxi` modules embedded in the binary (`stdlib/*.pxi`), which a
//! project brings into scope with `use std.os`, `use std.roles`, `use std.profiles`.

use crate::source::{FileId, SourceMap};

/// Every module: its name (as in `use std.<name>`) and its source.
pub const MODULES: &[(&str, &str)] = &[
    ("os", include_str!("../stdlib/os.pxi")),
    ("profiles", include_str!("../stdlib/profiles.pxi")),
    ("roles", include_str!("../stdlib/roles.pxi")),
];

/// Adds every module's source to the map, shown as `<std>/<name>.pxi`.
pub fn add_to(map: &mut SourceMap) -> Vec<(&'static str, FileId)> {
    MODULES
        .iter()
        .map(|(name, text)| (*name, map.add(format!("<std>/{name}.pxi"), *text)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stdlib's own problems would be hidden from users (its diagnostics point
    /// into the binary), so it must parse and check cleanly.
    #[test]
    fn the_stdlib_parses_and_checks_cleanly() {
        for (name, text) in MODULES {
            let (_, diagnostics) = crate::syntax::parse(crate::source::FileId::DETACHED, text);
            assert!(diagnostics.is_empty(), "std.{name}: {diagnostics:?}");
        }
        let mut map = SourceMap::new();
        map.add(
            "main.pxi",
            "use std.os\nuse std.roles\nuse std.profiles\ncluster lab { endpoint = \"https://10.0.0.2:8006/\" }\n",
        );
        let checked =
            crate::check::check_project(&mut map, &crate::check::NoFiles, &Default::default());
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    }
}
