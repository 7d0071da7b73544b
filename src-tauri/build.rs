//! Build script of the app shell: Tauri's context, with one permission per IPC command.

include!("src/commands/list.rs");

macro_rules! command_names {
    ($($module:ident::$name:ident),* $(,)?) => { &[$(stringify!($name)),*] };
}

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(with_commands!(command_names));
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    // A capability edited must reach the binary: tauri-build watches the pattern's files only
    // when they are first found, so a changed capability could leave the old ACL compiled in.
    println!("cargo:rerun-if-changed=src-tauri/capabilities/main-window.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        // `ui/dist` must exist before the app crate compiles; the xtask builds it first.
        panic!("tauri build step failed: {error:#}\nhint: run `cargo xtask setup` (builds ui/dist)");
    }
}
