//! Entry point: no arguments opens the window; a subcommand runs headless.

fn main() -> std::process::ExitCode {
    harden();
    cip_workbench::cli::secrets::take_from_environment(take_passphrase_variable());
    cip_workbench::cli::main()
}

/// No core dump of this process (it would hold the data key and decrypted pages), and not
/// attachable by other processes of the same user (`PR_SET_DUMPABLE` 0 also keeps
/// `/proc/<pid>/mem` to root). Best effort: a platform without these keeps going.
fn harden() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};
        let _ = setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) });
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}

/// `$CIPW_PASSPHRASE`, taken out of the environment so that no child process and no reader of
/// `/proc/<pid>/environ` sees it.
#[allow(unsafe_code)]
fn take_passphrase_variable() -> Option<String> {
    let name = cip_workbench::cli::secrets::PASSPHRASE_ENV;
    let value = std::env::var(name).ok();
    if std::env::var_os(name).is_some() {
        // SAFETY: called first thing in `main`, before this process starts any thread, so no
        // other thread can be reading the environment while it changes.
        unsafe { std::env::remove_var(name) };
    }
    value
}
