//! Evidence leaves the workbench without its metadata (DESIGN.md, issue 18): each kind of file a
//! reviewer may attach — JPEG, PNG, WebP, GIF, TIFF, PDF — carries EXIF and GPS, XMP, IPTC,
//! text chunks, comments or a PDF author in `tests/fixtures/metadata/` (written once with
//! exiftool); it is attached to a customer on a real SQLCipher workspace, exported, and the
//! exported bytes are searched for every planted value (no exiftool needed). The picture or the
//! pages stay the same (ImageMagick's `identify`, `qpdf --check`, `pdftotext`), and the vault
//! keeps the original.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use workbench_app::{customers, review};

/// Values planted by the fixtures' metadata; none may leave in an export.
const PLANTED: [&[u8]; 8] = [
    b"Fixture Author",
    b"Fixture Comment",
    b"FixtureCam",
    b"FixtureSoft",
    b"PhoneCo",
    b"FIXTURE-DATUM",
    b"FIXTURE-PLACE",
    b"x:xmpmeta",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/metadata").join(name)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn exported_evidence_keeps_its_picture_and_pages_but_no_metadata() {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 3, 1, 15, Duration::from_secs(86_400 * 90));
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../assets/templates");
    customers::import(&ctx, &session, &templates.join("customers.csv"), false).expect("import");
    for name in
        ["specimen.jpg", "specimen.png", "specimen.webp", "specimen.gif", "specimen.tiff", "specimen.pdf"]
    {
        let original = std::fs::read(fixture(name)).expect("fixture");
        assert!(contains(&original, b"Fixture Author"), "{name}: the fixture carries metadata");
        let view = review::evidence_attach(&ctx, &session, "C-000001", None, &fixture(name)).expect("attach");
        let evidence = view.evidence.last().expect("attached").id.clone();
        let out = dir.path().join(format!("exported-{name}"));
        review::evidence_export(&ctx, &session, "C-000001", &evidence, &out).expect("export");
        let exported = std::fs::read(&out).expect("written");
        for planted in PLANTED {
            assert!(
                !contains(&exported, planted),
                "{name}: {:?} left in the export",
                String::from_utf8_lossy(planted)
            );
        }
        assert!(!contains(&exported, b"Exif\0\0"), "{name}: an EXIF block left");
        // The vault keeps the original, byte for byte.
        let (_, kept) = review::evidence_content(&ctx, &session, "C-000001", &evidence).expect("content");
        assert_eq!(kept, original, "{name}: the vault's copy is untouched");

        let (src, dst) = (fixture(name), out.clone());
        let (src, dst) = (src.to_str().expect("utf-8"), dst.to_str().expect("utf-8"));
        if name.ends_with(".pdf") {
            tool("qpdf", &["--check", dst]);
            let info = tool("pdfinfo", &[dst]);
            assert!(!info.contains("Author:") && !info.contains("Creator:"), "{info}");
            assert_eq!(
                tool("pdftotext", &[dst, "-"]),
                tool("pdftotext", &[src, "-"]),
                "the pages read the same"
            );
        } else {
            // The same picture: format, size and every pixel's signature.
            let describe = |path: &str| tool("identify", &["-format", "%m %w×%h %#", path]);
            assert_eq!(describe(dst), describe(src), "{name}: the picture changed");
        }
    }
}
