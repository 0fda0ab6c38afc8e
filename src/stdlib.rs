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
