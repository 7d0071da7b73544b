//! The UI's typed command map, written from the command descriptions (issue 15).
//!
//! `bindings/api.ts` holds `api.<domain>.<verb…>(args)` for every command: its argument object
//! and its result typed with the ts-rs bindings, calling the IPC client with the command's name.
//! `bindings/errorCodes.ts` holds every [`ErrorCode`](workbench_app::ErrorCode) as a runtime
//! array. `cargo test` writes both beside the ts-rs bindings; the drift check fails when the
//! committed copies are stale, and `svelte-check` fails on a call whose argument names or types
//! no longer match.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::Meta;

/// The command's domain (`queue` of `queue_take`) and its name within it (`take`).
fn split(name: &str) -> (&str, String) {
    let (domain, rest) = name.split_once('_').unwrap_or((name, "call"));
    (domain, camel(rest))
}

/// `customer_ref` → `customerRef` (Tauri's default for command arguments).
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// True when `word` appears in `text` as a whole identifier.
fn names(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == word)
}

/// The text of `api.ts` for `metas`: domains in the order they first appear in the list.
pub fn api_module(metas: &[Meta]) -> String {
    let mut domains: Vec<(&str, String)> = Vec::new();
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    for meta in metas {
        let (domain, method) = split(meta.name);
        let doc: Vec<&str> = meta.doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let args: Vec<String> =
            meta.args.iter().map(|(name, ty)| format!("{}: {}", camel(name), ty.name)).collect();
        let (params, pass) = if args.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("args: {{ {} }}", args.join("; ")), ", args".to_owned())
        };
        let entry = format!(
            "\t\t/** {} */\n\t\t{method}: ({params}) => ipc.call<{}>('{}'{pass}),\n",
            doc.join(" "),
            meta.result.name,
            meta.name
        );
        match domains.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, text)) => text.push_str(&entry),
            None => domains.push((domain, entry)),
        }
        for ty in meta.args.iter().map(|(_, t)| t).chain([&meta.result]) {
            for (ts_name, path) in &ty.imports {
                if names(&ty.name, ts_name) {
                    let file = path.with_extension("").display().to_string();
                    wanted.insert((ts_name.clone(), file));
                }
            }
        }
    }
    let mut out = String::from(
        "// Generated from the command! items in src-tauri/src/commands/ by `cargo test`. Do not edit.\n\
         // One typed call per backend command: a renamed argument or result is a type error.\n\
         import { ipc } from '../client';\n",
    );
    for (ts_name, file) in &wanted {
        let _ = writeln!(out, "import type {{ {ts_name} }} from './{file}';");
    }
    out.push_str("\nexport const api = {\n");
    for (domain, text) in &domains {
        let _ = write!(out, "\t{domain}: {{\n{text}\t}},\n");
    }
    out.push_str("} as const;\n");
    out
}

/// The text of `errorCodes.ts`.
pub fn error_codes_module() -> String {
    let codes: Vec<String> =
        workbench_app::ErrorCode::ALL.iter().map(|c| format!("'{}'", c.as_str())).collect();
    format!(
        "// Generated from workbench_app::ErrorCode by `cargo test`. Do not edit.\n\
         import type {{ ErrorCode }} from './ErrorCode';\n\n\
         /** Every code the backend can send. */\n\
         export const ERROR_CODES: readonly ErrorCode[] = [{}];\n",
        codes.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::metas;

    /// Writes the generated modules beside the ts-rs bindings (the drift check compares them).
    fn write(name: &str, text: &str) {
        let dir = std::env::var("TS_RS_EXPORT_DIR").expect("set in .cargo/config.toml");
        let path = std::path::Path::new(&dir).join(name);
        std::fs::create_dir_all(&dir).expect("bindings folder");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).expect("write");
        }
        assert_eq!(std::fs::read_to_string(&path).expect("read back"), text);
    }

    #[test]
    fn export_the_typescript_command_map() {
        let api = api_module(&metas());
        assert!(api.contains(
            "\t\ttake: (args: { customerRef: string }) => ipc.call<ReviewView>('queue_take', args),"
        ));
        assert!(api.contains("import type { ReviewView } from './ReviewView';"));
        write("api.ts", &api);
        write("errorCodes.ts", &error_codes_module());
    }

    #[test]
    fn names_are_split_and_camel_cased_as_tauri_expects() {
        assert_eq!(split("workspace_save_recovery_sheet"), ("workspace", "saveRecoverySheet".to_owned()));
        assert_eq!(camel("acknowledged_on"), "acknowledgedOn");
        assert!(names("Array<AttestationView> | null", "AttestationView"));
        assert!(!names("AttestationViews", "AttestationView"));
    }

    #[test]
    fn error_codes_come_from_rust() {
        let text = error_codes_module();
        for code in workbench_app::ErrorCode::ALL {
            assert!(text.contains(&format!("'{}'", code.as_str())));
        }
    }
}
