//! Every script in print (issue 18): names in Latin, Cyrillic, Greek, Arabic, Hebrew,
//! Devanagari, Thai, Chinese, Japanese and Korean are laid out by the filing engine, each run in
//! an embedded font that has its glyphs; `pdffonts` lists each font embedded and subset with a
//! ToUnicode map, and `pdftotext` gives every name back.

use std::process::Command;

use chrono::TimeZone;
use workbench_core::filing::{Block, Column, FilingDoc, Masthead, PageSize};

/// (script, name) — the names as a provider's customers file would carry them.
const NAMES: [(&str, &str); 10] = [
    ("Latin", "José Ñúñez Gonçalves"),
    ("Cyrillic", "Сергей Иванов"),
    ("Greek", "Γιώργος Παπαδόπουλος"),
    ("Arabic", "محمد علي"),
    ("Hebrew", "דוד כהן"),
    ("Devanagari", "राहुल शर्मा"),
    ("Thai", "สมชาย ใจดี"),
    ("Chinese", "王小明"),
    ("Japanese", "山田 はなこ"),
    ("Korean", "김민준"),
];

fn doc() -> FilingDoc {
    FilingDoc {
        title: "Foreign customers — 山田 はなこ".into(),
        masthead: Masthead {
            provider: "Example Cloud LLC".into(),
            kind: "Annual certification".into(),
            filing_id: "0190-scripts".into(),
            pack_id: "us-bis-iaas-cip-2024-nprm".into(),
            checkpoint: "ab".repeat(32),
        },
        page: PageSize::A4,
        blocks: vec![
            Block::Heading { text: "Customers by script".into(), rid: Some("R12".into()) },
            Block::Table {
                columns: vec![Column::text("Script", 0.3), Column::text("Name", 0.7)],
                rows: NAMES
                    .iter()
                    .map(|(script, name)| vec![(*script).to_owned(), (*name).to_owned()])
                    .collect(),
                empty: "none".into(),
            },
        ],
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let out =
        Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name} (poppler-utils): {e}"));
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn names_in_ten_scripts_print_in_embedded_subset_fonts_and_read_back() {
    let at = chrono::Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).single().expect("date");
    let pdf = workbench_filings::render_filing(&doc(), at).expect("render");
    assert_eq!(pdf, workbench_filings::render_filing(&doc(), at).expect("again"), "same bytes");
    // Subset: the 16 MB CJK face adds only the glyphs used.
    assert!(pdf.len() < 120_000, "fonts must be subset: {} bytes", pdf.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("scripts.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let path = path.to_str().expect("utf-8 path");

    let fonts = tool("pdffonts", &[path]);
    for font in ["+DejaVuSans", "+DejaVuSans-Bold", "+NotoSansDevanagari", "+NotoSansThai", "+NotoSansCJKjp"]
    {
        let line =
            fonts.lines().find(|l| l.contains(font)).unwrap_or_else(|| panic!("{font} not used:\n{fonts}"));
        // emb sub uni: embedded, subset, with a ToUnicode map.
        assert!(line.contains("yes yes yes"), "{line}");
    }

    let text = tool("pdftotext", &["-layout", path, "-"]);
    // pdftotext marks right-to-left runs with bidi embedding characters; Arabic comes back in the
    // joined (presentation) forms drawn, which compatibility decomposition maps to the letters.
    let plain: String = text.chars().filter(|c| !('\u{202A}'..='\u{202E}').contains(c)).collect();
    let plain = unicode_normalization::UnicodeNormalization::nfkc(plain.as_str()).collect::<String>();
    for (script, name) in NAMES {
        assert!(plain.contains(name), "{script} name {name:?} not read back from:\n{plain}");
    }
}
