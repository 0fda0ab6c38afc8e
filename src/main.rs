//! The `pxic` command; everything is in the library.

/// mimalloc: checking allocates many small values (AST nodes, records, strings), and
/// it checks a 10,000-VM project about a quarter faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pxic::cli::main()
}
