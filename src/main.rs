//! The `pxic` command; everything is in the library.

fn main() -> std::process::ExitCode {
    pxic::cli::main()
}
