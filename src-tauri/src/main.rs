//! Entry point: no arguments opens the window; a subcommand runs headless.

fn main() -> std::process::ExitCode {
    cip_workbench::cli::main()
}
