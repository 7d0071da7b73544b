//! Metadata taken out of evidence before it leaves the workbench (DESIGN.md): an identity
//! document photographed on a phone carries where and when it was taken (EXIF, GPS), the camera
//! and often the software and its owner (XMP, IPTC, text chunks); a PDF names its author and the
//! tools that made it. The pixels and pages stay as they are; the vault keeps the original, and
//! only the copy handed out is cleaned.
//!
//! JPEG, PNG and WebP go through `img-parts` (segments and chunks dropped whole), PDF through
//! `lopdf` (the document information dictionary and the catalog's XMP stream removed, the file
//! rewritten without its earlier revisions); GIF blocks and TIFF directories are walked here,
//! their formats being small enough to read by hand.

use img_parts::{Bytes, ImageEXIF};
use workbench_core::CoreError;

/// `bytes` of `media_type` without their metadata.
///
/// # Errors
/// [`CoreError::Invalid`] on field `file` when the file cannot be read well enough to clean it:
/// it is then not exported at all.
pub fn strip(media_type: &str, bytes: &[u8]) -> Result<Vec<u8>, CoreError> {
    let unreadable = |what: &str| {
        CoreError::invalid(
            "file",
            format!("this {what} could not be read to remove its metadata; nothing was exported"),
        )
    };
    match media_type {
        "image/jpeg" => jpeg(bytes).ok_or_else(|| unreadable("JPEG image")),
        "image/png" => png(bytes).ok_or_else(|| unreadable("PNG image")),
        "image/webp" => webp(bytes).ok_or_else(|| unreadable("WebP image")),
        "image/gif" => gif(bytes).ok_or_else(|| unreadable("GIF image")),
        "image/tiff" => tiff(bytes).ok_or_else(|| unreadable("TIFF image")),
        "application/pdf" => pdf(bytes).ok_or_else(|| unreadable("PDF")),
        other => {
            Err(CoreError::invalid("file", format!("{other} files are not exported (metadata unknown)")))
        }
    }
}

/// JPEG: APP1 (EXIF, XMP), APP3–APP13 (IPTC, maker data), APP15 and comments dropped; APP0
/// (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) kept, the image needs them.
fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut image = img_parts::jpeg::Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).ok()?;
    image.segments_mut().retain(|s| {
        let m = s.marker();
        !(m == 0xE1 || (0xE3..=0xED).contains(&m) || m == 0xEF || m == 0xFE)
    });
    Some(image.encoder().bytes().to_vec())
}

/// PNG: EXIF, text (tEXt, zTXt, iTXt) and modification time chunks dropped.
fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut image = img_parts::png::Png::from_bytes(Bytes::copy_from_slice(bytes)).ok()?;
    for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        image.remove_chunks_by_type(kind);
    }
    Some(image.encoder().bytes().to_vec())
}

/// WebP: EXIF and XMP chunks dropped and their flags in the extended header cleared.
fn webp(bytes: &[u8]) -> Option<Vec<u8>> {
    use img_parts::riff::RiffContent;
    let mut image = img_parts::webp::WebP::from_bytes(Bytes::copy_from_slice(bytes)).ok()?;
    image.set_exif(None);
    image.remove_chunks_by_id(*b"XMP ");
    for chunk in image.chunks_mut().iter_mut().filter(|c| c.id() == *b"VP8X") {
        if let RiffContent::Data(data) = chunk.content_mut()
            && let Some(flags) = data.first()
        {
            let mut header = data.to_vec();
            header[0] = flags & !0x0C; // EXIF (0x08) and XMP (0x04) present
            *data = Bytes::from(header);
        }
    }
    Some(image.encoder().bytes().to_vec())
}

/// GIF: comment extensions and application extensions other than the looping ones (NETSCAPE2.0,
/// ANIMEXTS1.0) — XMP travels in one — dropped.
fn gif(bytes: &[u8]) -> Option<Vec<u8>> {
    if !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) {
        return None;
    }
    let table = |flags: u8| if flags & 0x80 != 0 { 3usize << ((flags & 0x07) + 1) } else { 0 };
    // The sub-blocks from `at`: where they end (after the zero terminator).
    let blocks_end = |mut at: usize| -> Option<usize> {
        loop {
            let size = usize::from(*bytes.get(at)?);
            at += 1 + size;
            if size == 0 {
                return Some(at);
            }
        }
    };
    let mut at = 13 + table(*bytes.get(10)?);
    let mut out = bytes.get(..at)?.to_vec();
    loop {
        match *bytes.get(at)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x2C => {
                let end = blocks_end(at + 10 + table(*bytes.get(at + 9)?) + 1)?;
                out.extend_from_slice(bytes.get(at..end)?);
                at = end;
            }
            0x21 => {
                let label = *bytes.get(at + 1)?;
                let end = blocks_end(at + 2)?;
                let looping =
                    bytes.get(at + 3..at + 14).is_some_and(|id| id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0");
                let metadata = label == 0xFE || (label == 0xFF && !looping);
                if !metadata {
                    out.extend_from_slice(bytes.get(at..end)?);
                }
                at = end;
            }
            _ => return None,
        }
    }
}

/// TIFF tags that describe the picture's making rather than the picture: description, make,
/// model, software, date, artist, host, copyright, XMP, IPTC, Photoshop, and the EXIF, GPS and
/// interoperability directories.
const TIFF_METADATA: [u16; 15] =
    [269, 270, 271, 272, 285, 305, 306, 315, 316, 700, 33432, 33723, 34377, 34665, 34853];

/// The EXIF, GPS and interoperability directory pointers: their whole directory goes too.
const TIFF_SUB_DIRECTORIES: [u16; 3] = [34665, 34853, 40965];

/// TIFF: the metadata entries of every image directory removed (the directory rewritten in
/// place, shorter) and the bytes they pointed to — the EXIF and GPS directories with their
/// values — overwritten with zeros, so nothing of them is left in the file.
fn tiff(bytes: &[u8]) -> Option<Vec<u8>> {
    let little = match bytes.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let mut out = bytes.to_vec();
    let u16_at = |b: &[u8], at: usize| -> Option<u16> {
        let pair: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if little { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) })
    };
    let u32_at = |b: &[u8], at: usize| -> Option<usize> {
        let quad: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if little { u32::from_le_bytes(quad) } else { u32::from_be_bytes(quad) } as usize)
    };
    // Bytes an entry's value takes: type size × count.
    let value_len = |b: &[u8], entry: usize| -> Option<usize> {
        let size: usize = match u16_at(b, entry + 2)? {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 | 16 | 17 | 18 => 8,
            _ => 0,
        };
        size.checked_mul(u32_at(b, entry + 4)?)
    };
    // Zeroes the value an entry points to (values of four bytes or less sit in the entry).
    let zero_value = |out: &mut Vec<u8>, entry: usize| -> Option<()> {
        let len = value_len(out, entry)?;
        if len > 4 {
            let at = u32_at(out, entry + 8)?;
            out.get_mut(at..at.checked_add(len)?)?.fill(0);
        }
        Some(())
    };
    let zero_directory = |out: &mut Vec<u8>, at: usize| -> Option<()> {
        let n = usize::from(u16_at(out, at)?);
        for i in 0..n {
            zero_value(out, at + 2 + 12 * i)?;
        }
        out.get_mut(at..at + 2 + 12 * n + 4)?.fill(0);
        Some(())
    };
    let mut seen = std::collections::HashSet::new();
    let mut ifd = u32_at(bytes, 4)?;
    while ifd != 0 && seen.insert(ifd) {
        let n = usize::from(u16_at(&out, ifd)?);
        let next = u32_at(&out, ifd + 2 + 12 * n)?;
        let mut kept: Vec<u8> = Vec::with_capacity(12 * n);
        for i in 0..n {
            let entry = ifd + 2 + 12 * i;
            let tag = u16_at(&out, entry)?;
            if TIFF_METADATA.contains(&tag) {
                if TIFF_SUB_DIRECTORIES.contains(&tag) {
                    let sub = u32_at(&out, entry + 8)?;
                    // The interoperability directory hangs off the EXIF one.
                    let sub_n = usize::from(u16_at(&out, sub)?);
                    for j in 0..sub_n {
                        let sub_entry = sub + 2 + 12 * j;
                        if u16_at(&out, sub_entry)? == 40965 {
                            let interop = u32_at(&out, sub_entry + 8)?;
                            zero_directory(&mut out, interop)?;
                        }
                    }
                    zero_directory(&mut out, sub)?;
                } else {
                    zero_value(&mut out, entry)?;
                }
            } else {
                kept.extend_from_slice(out.get(entry..entry + 12)?);
            }
        }
        let count = u16::try_from(kept.len() / 12).ok()?;
        let mut directory = if little { count.to_le_bytes() } else { count.to_be_bytes() }.to_vec();
        directory.extend_from_slice(&kept);
        directory.extend_from_slice(out.get(ifd + 2 + 12 * n..ifd + 2 + 12 * n + 4)?);
        directory.resize(2 + 12 * n + 4, 0);
        out.get_mut(ifd..ifd + directory.len())?.copy_from_slice(&directory);
        ifd = next;
    }
    Some(out)
}

/// PDF: the document information dictionary (author, creator, producer, title, dates) and the
/// catalog's XMP metadata stream removed, unreferenced objects pruned, the file rewritten (its
/// earlier revisions are not carried over).
fn pdf(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut doc = lopdf::Document::load_mem(bytes).ok()?;
    if doc.is_encrypted() {
        return None;
    }
    doc.trailer.remove(b"Info");
    let root = doc.trailer.get(b"Root").ok()?.as_reference().ok()?;
    if let Ok(catalog) = doc.get_object_mut(root).and_then(lopdf::Object::as_dict_mut) {
        catalog.remove(b"Metadata");
    }
    doc.prune_objects();
    doc.renumber_objects();
    doc.trailer.set("Size", i64::from(doc.max_id) + 1);
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_without_a_cleaner_is_not_exported() {
        let err = strip("text/plain", b"hello").expect_err("refused");
        assert!(err.to_string().contains("not exported"), "{err}");
        assert!(strip("image/jpeg", b"not a jpeg").is_err());
        assert!(strip("image/tiff", b"II*\0\xff\xff\xff\xff").is_err(), "a directory past the end");
    }
}
