//! The README's requirement map stays true (issue 15): every R-id of the rule has a row, and
//! every module a row names says that R-id in its `//!` header (a range such as `R2–R6` counts).

use std::path::{Path, PathBuf};

/// The R-ids a header names, ranges expanded.
fn ids_in(text: &str) -> Vec<u32> {
    let mut ids = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let number = |at: usize| -> (Option<u32>, usize) {
        let digits: String = chars[at..].iter().take_while(|c| c.is_ascii_digit()).collect();
        (digits.parse().ok(), at + digits.len())
    };
    let mut i = 0;
    while i < chars.len() {
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if chars[i] == 'R'
            && word_start
            && let (Some(first), mut end) = number(i + 1)
        {
            let mut last = first;
            // "R2–R6", "R2-R6", "R12–15"
            if matches!(chars.get(end), Some('–' | '-')) {
                let after = end + 1 + usize::from(chars.get(end + 1) == Some(&'R'));
                if let (Some(to), to_end) = number(after) {
                    last = to;
                    end = to_end;
                }
            }
            ids.extend(first..=last.max(first));
            i = end;
            continue;
        }
        i += 1;
    }
    ids
}

/// `workbench-core::import` → its source file.
fn module_file(root: &Path, module: &str) -> PathBuf {
    let (krate, path) = module.split_once("::").expect("crate::module");
    let base = root.join("src-tauri/crates").join(krate).join("src").join(path.replace("::", "/"));
    let file = base.with_extension("rs");
    if file.exists() { file } else { base.join("mod.rs") }
}

/// The `//!` lines at the top of a file, as one text.
fn header(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join(" ")
}

#[test]
fn every_requirement_has_a_row_and_every_module_named_cites_it() {
    let root = crate::root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut seen = Vec::new();
    let mut problems = Vec::new();
    for line in readme.lines().filter(|l| l.starts_with("| R")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(id) = cells.get(1).and_then(|c| c.strip_prefix('R')).and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        seen.push(id);
        let modules: Vec<&str> =
            cells[3].split('`').skip(1).step_by(2).filter(|m| m.contains("::")).collect();
        if modules.is_empty() && !cells[3].contains("issue") {
            problems.push(format!("R{id}: no module and no issue named"));
        }
        for module in modules {
            let file = module_file(&root, module);
            if !ids_in(&header(&file)).contains(&id) {
                problems.push(format!("R{id}: {module}'s header ({}) does not cite it", file.display()));
            }
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=27).collect::<Vec<_>>(), "the map has a row for each of R1…R27");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ranges_count_and_words_do_not() {
    assert_eq!(ids_in("Customers (R2–R6, R12, R13) and R15-17."), vec![2, 3, 4, 5, 6, 12, 13, 15, 16, 17]);
    assert_eq!(ids_in("FOR2 R"), Vec::<u32>::new());
}
