//! The CIP copy packet (R15): one PDF for Commerce holding an index, the provider's CIP in force
//! and every foreign reseller's CIP on file, with a SHA-256 manifest of the parts.
//!
//! Each part is a PDF of its own (the provider's and an adopted version are rendered here; an
//! uploaded reseller document is used as it is). The packet's pages are the index followed by
//! every part's pages, and every part is also attached to the packet as a file, so an examiner
//! can detach a part and check its hash against the index.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};
use workbench_core::audit::sha256_hex;

pub use workbench_core::packet::{Packet, PacketGap, PacketPart};

use crate::error::FilingError;
use crate::layout::{Face, Flow, new_document, save_deterministic};

/// One manifest line: a part, where it sits in the packet and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// 1-based part number.
    pub part: usize,
    /// Whose CIP.
    pub owner: String,
    /// What it is.
    pub title: String,
    /// Attachment file name.
    pub file_name: String,
    /// SHA-256 of the part's PDF.
    pub sha256: String,
    /// Its pages.
    pub pages: usize,
    /// Its first page in the packet.
    pub first_page: usize,
}

/// Pages of a PDF part, checking that it can be merged: readable, not encrypted, with pages.
///
/// # Errors
/// [`FilingError::BadPart`] naming `part` and saying why.
pub fn check_part(part: &str, pdf: &[u8]) -> Result<usize, FilingError> {
    let bad = |reason: String| FilingError::BadPart { part: part.to_owned(), reason };
    if !pdf.starts_with(b"%PDF-") {
        return Err(bad("is not a PDF file".into()));
    }
    let doc = Document::load_mem(pdf).map_err(|e| bad(format!("cannot be read as a PDF ({e})")))?;
    if doc.is_encrypted() {
        return Err(bad("is password-protected; ask for an unprotected copy".into()));
    }
    match doc.get_pages().len() {
        0 => Err(bad("has no pages".into())),
        n => Ok(n),
    }
}

/// Assembles the packet: the index, then every part, with each part attached as a file.
/// Returns the PDF and its manifest. Same inputs → same bytes.
///
/// # Errors
/// [`FilingError::BadPart`] for a part that cannot be merged; [`FilingError::MissingGlyph`] for a
/// name the embedded fonts cannot print.
pub fn assemble_packet(packet: &Packet) -> Result<(Vec<u8>, Vec<ManifestEntry>), FilingError> {
    let mut counts = Vec::with_capacity(packet.parts.len());
    for p in &packet.parts {
        counts.push(check_part(&p.file_name, &p.pdf)?);
    }
    // The index's own length decides where the parts start: render until it is stable.
    let mut index_pages = 1;
    let (index, manifest) = loop {
        let manifest = manifest(packet, &counts, index_pages);
        let index = render_index(packet, &manifest)?;
        let pages = check_part("the index", &index)?;
        if pages == index_pages {
            break (index, manifest);
        }
        index_pages = pages;
    };
    let mut pdfs: Vec<&[u8]> = vec![&index];
    pdfs.extend(packet.parts.iter().map(|p| p.pdf.as_slice()));
    let attachments: Vec<(&str, &str, &[u8])> =
        packet.parts.iter().map(|p| (p.file_name.as_str(), p.title.as_str(), p.pdf.as_slice())).collect();
    let title = format!("CIP copy packet — {}", packet.provider);
    let merged = merge(&pdfs, &attachments, &title)?;
    Ok((merged, manifest))
}

fn manifest(packet: &Packet, counts: &[usize], index_pages: usize) -> Vec<ManifestEntry> {
    let mut first = index_pages + 1;
    packet
        .parts
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, (p, &pages))| {
            let entry = ManifestEntry {
                part: i + 1,
                owner: p.owner.clone(),
                title: p.title.clone(),
                file_name: p.file_name.clone(),
                sha256: sha256_hex(&p.pdf),
                pages,
                first_page: first,
            };
            first += pages;
            entry
        })
        .collect()
}

fn render_index(packet: &Packet, manifest: &[ManifestEntry]) -> Result<Vec<u8>, FilingError> {
    let title = format!("CIP copy packet — {}", packet.provider);
    let (mut doc, fonts) = new_document(&title, "CIP copy packet (R15)", packet.generated_at)?;
    fonts.ensure_printable(Face::Bold, &packet.provider, "the provider's name")?;
    let mut flow = Flow::new(&fonts);
    let left = flow.left;
    flow.title_block("Customer Identification Programs — copy on request", &packet.provider);
    let assembled = packet.generated_at.format("%Y-%m-%d %H:%M UTC").to_string();
    let facts = [
        ("Requested by", flow.shown(Face::Regular, &packet.requester, "(see the request on file)")),
        ("Reference", if packet.reference.is_empty() { "—".to_owned() } else { packet.reference.clone() }),
        ("Received", packet.received_on.clone()),
        ("Assembled", assembled),
        ("Requirement", "R15: the provider's CIP and every foreign reseller's CIP".to_owned()),
    ];
    flow.facts(&facts, 80.0);
    flow.y -= 8.0;
    flow.text_at(Face::Bold, 11.0, left, "Contents and manifest");
    flow.y -= 14.0;
    flow.paragraph(
        Face::Regular,
        8.5,
        0.0,
        11.0,
        "Each part follows at the page shown and is also attached to this PDF as a file under the name shown. \
         The SHA-256 is of that attached file.",
    );
    flow.y -= 6.0;
    for m in manifest {
        flow.need(40.0);
        let last = m.first_page + m.pages - 1;
        let owner = flow.shown(Face::Bold, &m.owner, "(reseller name not printable; see file name)");
        flow.text_at(Face::Bold, 9.5, left, &format!("{}.  {owner}", m.part));
        let where_ = if last == m.first_page {
            format!("page {last}")
        } else {
            format!("pages {}–{last}", m.first_page)
        };
        let x = flow.right - fonts.width(Face::Regular, 9.0, &where_);
        flow.text_at(Face::Regular, 9.0, x, &where_);
        flow.y -= 12.0;
        let title = flow.shown(Face::Regular, &m.title, "(title not printable)");
        flow.paragraph(Face::Regular, 9.0, 18.0, 11.5, &title);
        let file = flow.shown(Face::Regular, &m.file_name, "(file name not printable)");
        flow.paragraph(Face::Regular, 8.0, 18.0, 10.5, &format!("file {file} · SHA-256 {}", m.sha256));
        flow.y -= 5.0;
    }
    if !packet.gaps.is_empty() {
        flow.y -= 6.0;
        flow.need(30.0);
        flow.text_at(Face::Bold, 11.0, left, "Foreign resellers without a CIP on file");
        flow.y -= 14.0;
        for g in &packet.gaps {
            let name = flow.shown(Face::Regular, &g.legal_name, "(name not printable)");
            flow.paragraph(Face::Regular, 9.5, 8.0, 12.5, &format!("{} — {name}", g.owner));
        }
    }
    let parts = match manifest.len() {
        1 => "1 part".to_owned(),
        n => format!("{n} parts"),
    };
    flow.finish(&mut doc, |n, pages| format!("CIP copy packet · index page {n} of {pages} · {parts}"));
    Ok(save_deterministic(&doc))
}

/// Page attributes a page may inherit from its page-tree ancestors (ISO 32000-1, 7.7.3.4).
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Concatenates the PDFs' pages in order into one document with its own page tree, attaching
/// `attachments` (name, description, bytes) as embedded files.
fn merge(pdfs: &[&[u8]], attachments: &[(&str, &str, &[u8])], title: &str) -> Result<Vec<u8>, FilingError> {
    let bad = |reason: String| FilingError::BadPart { part: "the packet".into(), reason };
    let mut out = Document::with_version("1.7");
    let pages_id = out.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    for (n, bytes) in pdfs.iter().enumerate() {
        let mut doc = Document::load_mem(bytes).map_err(|e| bad(format!("part {n}: {e}")))?;
        doc.renumber_objects_with(out.max_id + 1);
        let skip: Vec<ObjectId> = doc
            .objects
            .iter()
            .filter(|(_, o)| matches!(o.type_name(), Ok(b"Catalog" | b"Pages")))
            .map(|(id, _)| *id)
            .collect();
        for page_id in doc.get_pages().into_values() {
            let mut page = doc.get_dictionary(page_id).map_err(|e| bad(e.to_string()))?.clone();
            let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
            while let Some(id) = parent {
                let node = doc.get_dictionary(id).map_err(|e| bad(e.to_string()))?;
                for key in INHERITED {
                    if !page.has(key)
                        && let Ok(value) = node.get(key)
                    {
                        page.set(key, value.clone());
                    }
                }
                parent = node.get(b"Parent").and_then(Object::as_reference).ok();
            }
            page.set("Parent", pages_id);
            doc.objects.insert(page_id, Object::Dictionary(page));
            kids.push(Object::Reference(page_id));
        }
        out.max_id = out.max_id.max(doc.max_id);
        for (id, object) in doc.objects {
            if !skip.contains(&id) {
                out.objects.insert(id, object);
            }
        }
    }
    let count = kids.len() as i64;
    out.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );

    // Attachments, in a name tree sorted by name.
    let mut names: BTreeMap<&str, ObjectId> = BTreeMap::new();
    for (name, description, bytes) in attachments {
        let mut stream = Stream::new(
            dictionary! { "Type" => "EmbeddedFile", "Subtype" => "application#2Fpdf",
            "Params" => dictionary! { "Size" => bytes.len() as i64 } },
            bytes.to_vec(),
        );
        let _ = stream.compress();
        let file_id = out.add_object(stream);
        let spec = dictionary! {
            "Type" => "Filespec",
            "F" => Object::String(name.as_bytes().to_vec(), StringFormat::Literal),
            "UF" => text_string(name),
            "Desc" => text_string(description),
            "EF" => dictionary! { "F" => file_id },
        };
        names.insert(name, out.add_object(spec));
    }
    let mut catalog: Dictionary = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if !names.is_empty() {
        let flat: Vec<Object> =
            names.into_iter().flat_map(|(name, id)| [text_string(name), Object::Reference(id)]).collect();
        let tree = out.add_object(dictionary! { "Names" => flat });
        catalog.set("Names", dictionary! { "EmbeddedFiles" => tree });
        catalog.set("PageMode", "UseAttachments");
    }
    let catalog_id = out.add_object(catalog);
    let info_id = out.add_object(dictionary! {
        "Title" => text_string(title),
        "Subject" => text_string("CIP copy packet (R15)"),
        "Author" => text_string("CIP Workbench"),
        "Producer" => text_string("CIP Workbench (printpdf, lopdf)"),
    });
    out.trailer.set("Root", catalog_id);
    out.trailer.set("Info", info_id);
    out.prune_objects();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes).map_err(|e| bad(format!("cannot be written ({e})")))?;
    Ok(bytes)
}

/// A PDF text string: UTF-16BE with a byte-order mark, so any name survives.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cip::{CipDocument, render_cip};
    use chrono::{DateTime, TimeZone, Utc};
    use workbench_core::cip::CipSection;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).single().expect("date")
    }

    fn cip(provider: &str, body: &str) -> Vec<u8> {
        render_cip(&CipDocument {
            provider: provider.into(),
            number: 1,
            approved: true,
            effective_on: Some("2026-01-01".into()),
            approved_by: None,
            change_summary: String::new(),
            sha256: "cd".repeat(32),
            sections: vec![CipSection {
                key: "scope".into(),
                title: "Scope".into(),
                rid: "R1".into(),
                body: body.into(),
            }],
            generated_at: at(),
        })
        .expect("cip")
    }

    fn packet() -> Packet {
        Packet {
            provider: "Example Cloud LLC".into(),
            requester: "BIS Office of ICTS".into(),
            reference: "ICTS-2026-17".into(),
            received_on: "2026-11-20".into(),
            parts: vec![
                PacketPart {
                    owner: "Provider".into(),
                    title: "CIP version 1".into(),
                    file_name: "provider-cip-v1.pdf".into(),
                    pdf: cip("Example Cloud LLC", "Our scope."),
                },
                PacketPart {
                    owner: "R-01".into(),
                    title: "Nordic Resale AB — CIP dated 2026-03-01".into(),
                    file_name: "R-01-cip.pdf".into(),
                    pdf: cip("Nordic Resale AB", &"Their scope, at length. ".repeat(600)),
                },
            ],
            gaps: vec![PacketGap { owner: "R-02".into(), legal_name: "Gamma Resale SRL".into() }],
            generated_at: at(),
        }
    }

    #[test]
    fn the_packet_holds_index_and_parts_with_a_manifest_of_their_hashes() {
        let p = packet();
        let (pdf, manifest) = assemble_packet(&p).expect("packet");
        let doc = Document::load_mem(&pdf).expect("readable");
        let parts: Vec<usize> = p.parts.iter().map(|x| check_part("x", &x.pdf).expect("part")).collect();
        assert!(parts[1] > 1, "the long reseller CIP runs over pages");
        assert_eq!(doc.get_pages().len(), 1 + parts.iter().sum::<usize>());
        assert_eq!(manifest.len(), 2);
        for (m, part) in manifest.iter().zip(&p.parts) {
            assert_eq!(m.sha256, sha256_hex(&part.pdf));
        }
        assert_eq!((manifest[0].first_page, manifest[1].first_page), (2, 2 + parts[0]));
        assert_eq!(pdf, assemble_packet(&p).expect("again").0, "same inputs, same bytes");
    }

    #[test]
    fn a_part_that_is_not_a_usable_pdf_is_named() {
        let mut p = packet();
        p.parts[1].pdf = b"PK\x03\x04 a zip".to_vec();
        let err = assemble_packet(&p).expect_err("bad part").to_string();
        assert_eq!(err, "R-01-cip.pdf: is not a PDF file");
        let truncated = &packet().parts[0].pdf[..40];
        assert!(
            check_part("x.pdf", truncated)
                .expect_err("truncated")
                .to_string()
                .starts_with("x.pdf: cannot be read")
        );
    }
}
