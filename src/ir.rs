//! The IR: the fully resolved plan of a project, the contract between the front end
//! and the backends. Plain serde data with no logic: every reference is resolved to a
//! name, every default applied, every VMID, address and MAC allocated. Collections are
//! sorted maps, so the JSON (`pxic build --emit ir`, documented in `docs/ir.md`) is
//! byte-stable.

mod model;

pub use model::*;
