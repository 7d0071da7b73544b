//! The annual attestation request a provider sends each foreign reseller (R18 with R13): who
//! asks whom, for which calendar year, by when; the pack's statements to affirm one by one; the
//! counts to report; and a signature block. The reseller signs and returns it; the officer
//! records the return with its counts.

pub use workbench_core::attestation::AttestationRequest;

use crate::error::FilingError;
use crate::layout::{Face, Flow, new_document, save_deterministic};

/// The counts a reseller reports, as the form labels them.
pub const COUNT_LABELS: [&str; 3] = [
    "Foreign customers served through you at the end of the year",
    "Times a customer's identity could not be verified during the year",
    "Accounts refused during the year",
];

/// Renders the request.
///
/// # Errors
/// [`FilingError::MissingGlyph`] if the provider's name or a statement cannot be printed (a
/// reseller name in another script is replaced by its reference, which identifies it).
pub fn render_attestation_request(request: &AttestationRequest) -> Result<Vec<u8>, FilingError> {
    let title = format!("Annual CIP attestation {} — {}", request.period, request.reseller_ref);
    let (mut doc, fonts) = new_document(&title, "Reseller attestation request (R18)", request.generated_at)?;
    fonts.ensure_printable(Face::Bold, &request.provider, "the provider's name")?;
    for (statement, _) in &request.statements {
        fonts.ensure_printable(Face::Regular, statement, "a statement of the rule pack")?;
    }
    let mut flow = Flow::new(&fonts);
    let left = flow.left;
    flow.title_block(&format!("Annual CIP attestation for {}", request.period), &request.provider);
    let reseller = flow.shown(Face::Regular, &request.legal_name, "(name on file; see reference)");
    let contact = flow.shown(Face::Regular, &request.provider_contact, "(see the provider's register)");
    flow.facts(
        &[
            ("To", format!("{reseller} ({}, {})", request.reseller_ref, request.country)),
            ("From", format!("{} — primary CIP contact: {contact}", request.provider)),
            ("Period", format!("1 January – 31 December {}", request.period)),
            ("Return by", request.due_on.clone()),
            ("Requirement", format!("R18 with R13 · rule pack {}", request.pack)),
        ],
        80.0,
    );
    flow.y -= 8.0;
    flow.paragraph(
        Face::Regular,
        10.0,
        0.0,
        13.5,
        "As a foreign reseller of our Infrastructure as a Service products you certify through us each year. \
         Please affirm each statement below or explain why you cannot, report the counts for the year from your \
         records, sign, and return this form to the contact above by the date shown. In the statements, “the provider” \
         means you, the reseller, and “the CIP” your own written program or ours if you adopted it.",
    );
    flow.y -= 8.0;
    flow.need(40.0);
    flow.text_at(Face::Bold, 11.0, left, "Statements");
    flow.y -= 16.0;
    for (n, (statement, rid)) in request.statements.iter().enumerate() {
        flow.need(60.0);
        flow.paragraph(Face::Regular, 10.0, 0.0, 13.5, &format!("{}.  {statement}  ({rid})", n + 1));
        flow.y -= 2.0;
        flow.text_at(Face::Regular, 9.5, left + 18.0, "☐ Affirmed        ☐ Not affirmed — explain:");
        flow.y -= 16.0;
        flow.draw(crate::layout::rule(left + 18.0, flow.right, flow.y, 0.75));
        flow.y -= 14.0;
    }
    flow.y -= 4.0;
    flow.need(90.0);
    flow.text_at(Face::Bold, 11.0, left, "Counts for the year");
    flow.y -= 18.0;
    for label in COUNT_LABELS {
        flow.need(20.0);
        flow.text_at(Face::Regular, 10.0, left, label);
        let box_left = flow.right - 90.0;
        flow.draw(crate::layout::rule(box_left, flow.right, flow.y - 3.0, 0.4));
        flow.y -= 20.0;
    }
    flow.y -= 10.0;
    flow.need(130.0);
    flow.text_at(Face::Bold, 11.0, left, "Signature");
    flow.y -= 14.0;
    flow.paragraph(
        Face::Regular,
        9.5,
        0.0,
        12.5,
        "I certify that the statements and counts above are true and complete to the best of my knowledge, and that \
         I am authorised to sign for the reseller named above.",
    );
    flow.y -= 12.0;
    for label in ["Name", "Title", "Signature", "Date"] {
        flow.need(26.0);
        flow.text_at(Face::Regular, 9.5, left, label);
        flow.draw(crate::layout::rule(left + 70.0, left + 300.0, flow.y - 3.0, 0.4));
        flow.y -= 26.0;
    }
    let foot = format!(
        "Attestation request {} {} · return by {}",
        request.reseller_ref, request.period, request.due_on
    );
    flow.finish(&mut doc, |n, count| format!("{foot} · page {n} of {count}"));
    Ok(save_deterministic(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    pub(crate) fn request() -> AttestationRequest {
        AttestationRequest {
            provider: "Example Cloud LLC".into(),
            provider_contact: "Ada Officer, compliance@example.com".into(),
            reseller_ref: "R-01".into(),
            legal_name: "Nordic Cloud Resale AB".into(),
            country: "SE".into(),
            period: 2025,
            due_on: "2026-01-15".into(),
            statements: vec![
                ("The CIP was reviewed during the year".into(), "R13".into()),
                ("The provider complies with its CIP".into(), "R13".into()),
            ],
            pack: "us-bis-iaas-cip-2024-nprm".into(),
            generated_at: Utc.with_ymd_and_hms(2025, 12, 1, 9, 0, 0).single().expect("date"),
        }
    }

    #[test]
    fn renders_deterministically() {
        let pdf = render_attestation_request(&request()).expect("render");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pdf, render_attestation_request(&request()).expect("again"));
    }

    #[test]
    fn a_reseller_name_no_font_can_print_falls_back_to_its_reference() {
        let mut r = request();
        r.legal_name = "Cloud \u{13000}".into();
        assert!(render_attestation_request(&r).is_ok());
        r.statements[0].0 = "Identity \u{13000}".into();
        let err = render_attestation_request(&r).expect_err("statement must print").to_string();
        assert!(err.contains("a statement of the rule pack"), "{err}");
    }
}
