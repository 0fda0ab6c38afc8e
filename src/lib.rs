//! pxic compiles `.pxi` files, a typed declarative language for Proxmox VE
//! infrastructure, into Ansible, Terraform and Packer files.
//!
//! The pipeline (see `docs/architecture.md`):
//! - [`io`] finds a project's `.pxi` files and reads them into a [`source::SourceMap`];
//! - [`syntax`] parses each file into an [`syntax::ast::File`] (grammar in
//!   `grammar/pxi.pest`), reporting every syntax error;
//! - [`check`] resolves names (with the [`stdlib`]), checks types and the estate, and
//!   allocates VMIDs, addresses and MACs into the [`ir::Plan`];
//! - [`backend`] turns the IR into the files each tool reads ([`backend::terraform`],
//!   [`backend::ansible`], [`backend::packer`]); [`io::artifacts`] writes them;
//! - [`plan_diff`] says in words what changed between two plans (`pxic diff`);
//! - [`cli`] is the `pxic` command; every problem on the way is a [`diag::Diagnostic`].
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(clippy::todo)]

pub mod backend;
pub mod check;
pub mod cli;
pub mod diag;
pub mod drift;
pub mod io;
pub mod ir;
mod parallel;
pub mod plan_diff;
pub mod preflight;
pub mod pve;
pub mod runner;
pub mod source;
pub mod stdlib;
pub mod syntax;
