//! The `aduan` binary: everything it does is in the library (`aduan::cli`).

fn main() -> std::process::ExitCode {
    aduan::cli::run()
}
