//! The tests that need nothing but Rust, in one test binary: on 2 cores, linking a
//! binary per file cost more than running them. Each module is one file of this
//! folder, run alone with `cargo test --test offline <module>::`.
//!
//! The suites that need the real tools are binaries of their own, built only with
//! `--features real-tools` (see Cargo.toml).

mod common;

mod check_props;
mod cli;
mod cluster_breaks;
mod emit;
mod fast_path;
mod hostile_fs;
mod large_project;
mod lock;
mod parser_props;
mod secrets;
mod ui;
mod workflow;
