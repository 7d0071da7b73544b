//! CIP copy requests (R15) and resellers' CIPs on file (R17) on a real SQLCipher workspace: an
//! uploaded PDF or an adopted version on file, the packet holding the provider's CIP and every
//! reseller's with a manifest whose hashes match the parts, and delivery meeting the obligation.

mod common;

use std::time::Duration;

use workbench_app::cip::{self, CipApproval};
use workbench_app::cip_requests::{self as req, Delivery};
use workbench_app::obligations::{self as ob, NewEvent};
use workbench_app::resellers::{self, CipOnFileForm};
use workbench_app::{Context, Session};
use workbench_core::audit::sha256_hex;
use workbench_core::reseller::{NewReseller, ResellerContact};

const PROGRAM: &str = include_str!("../../../../assets/demo/cip.md");

fn setup() -> (tempfile::TempDir, Context, Session) {
    let (dir, ctx, _clock, session) = common::workspace_at(2026, 11, 28, 15, Duration::from_secs(3600));
    for (reference, name) in
        [("R-01", "Nordic Cloud Resale AB"), ("R-02", "Gamma Hosting SRL"), ("R-03", "Kiwi Compute Ltd")]
    {
        let new = NewReseller {
            reseller_ref: reference.into(),
            legal_name: name.into(),
            country: "SE".into(),
            registration_ids: String::new(),
            agreement_start: "2025-01-01".parse().expect("date"),
            agreement_end: None,
            contact: ResellerContact {
                name: "CIP Contact".into(),
                email: "cip@reseller.example".into(),
                phone: "+46 8 123 456 78".into(),
            },
        };
        resellers::reseller_add(&ctx, &session, &new).expect("add");
    }
    (dir, ctx, session)
}

fn approve_v1(ctx: &Context, session: &Session) {
    let number = cip::cip_draft_import(ctx, session, PROGRAM, "", false).expect("import");
    let today = cip::cip_overview(ctx, session).expect("overview").today;
    cip::cip_approve(ctx, session, &CipApproval { number, effective_on: today }).expect("approve");
}

fn form(reseller: &str, adopted_version: Option<i64>) -> CipOnFileForm {
    CipOnFileForm {
        reseller_ref: reseller.into(),
        dated: "2026-03-01".parse().expect("date"),
        adopted_version,
        note: String::new(),
    }
}

fn record_request(ctx: &Context, session: &Session) -> String {
    let received_at = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").expect("time").to_utc();
    let created = ob::event_record(
        ctx,
        session,
        &NewEvent::CipCopyRequested {
            requester: "BIS Office of ICTS".into(),
            reference: "ICTS-17".into(),
            received_at,
        },
    )
    .expect("record");
    created[0].source_event.clone()
}

#[test]
fn a_resellers_cip_on_file_is_a_readable_pdf_or_an_approved_version() {
    let (dir, ctx, session) = setup();
    let not_pdf = dir.path().join("cip.docx");
    std::fs::write(&not_pdf, b"PK\x03\x04 not a pdf").expect("write");
    let err =
        resellers::reseller_cip_upload(&ctx, &session, &form("R-01", None), &not_pdf).expect_err("refused");
    assert!(err.to_string().contains("file: cip.docx: is not a PDF file"), "{err}");
    assert!(
        resellers::reseller_detail(&ctx, &session, "R-01").expect("detail").cips.is_empty(),
        "nothing stored"
    );

    let err = resellers::reseller_cip_adopt(&ctx, &session, &form("R-02", Some(1))).expect_err("no v1 yet");
    assert!(err.to_string().contains("version 1 is not an approved CIP version"), "{err}");
    approve_v1(&ctx, &session);
    let err =
        resellers::reseller_cip_adopt(&ctx, &session, &form("R-02", Some(1))).expect_err("dated before");
    assert!(err.to_string().contains("dated: is before version 1 was approved (2026-11-28)"), "{err}");
    let mut adoption = form("R-02", Some(1));
    adoption.dated = "2026-11-28".parse().expect("date");
    let detail = resellers::reseller_cip_adopt(&ctx, &session, &adoption).expect("adopt");
    assert_eq!((detail.cips.len(), detail.cips[0].adopted_version), (1, Some(1)));

    let pdf_path = dir.path().join("nordic-cip.pdf");
    let pdf = cip::cip_render(&ctx, &session, 1).expect("any PDF will do");
    std::fs::write(&pdf_path, &pdf).expect("write");
    resellers::reseller_cip_upload(&ctx, &session, &form("R-01", None), &pdf_path).expect("first");
    let detail =
        resellers::reseller_cip_upload(&ctx, &session, &form("R-01", None), &pdf_path).expect("second");
    assert_eq!(detail.cips.len(), 2, "versioned: the earlier one stays in the history");
    assert!(detail.cips[0].on_file && !detail.cips[1].on_file);
    assert_eq!(detail.cips[0].sha256, sha256_hex(&pdf));
    let back = resellers::reseller_cip_pdf(&ctx, &session, "R-01", detail.cips[0].seq).expect("content");
    assert_eq!(back, pdf, "decrypted from the vault unchanged");
}

#[test]
fn the_packet_holds_every_resellers_cip_with_matching_hashes_and_delivery_meets_r15() {
    let (dir, ctx, session) = setup();
    let id = record_request(&ctx, &session);
    let listed = req::cip_request_list(&ctx, &session).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].reference.as_str(), listed[0].due_on.as_deref()), ("ICTS-17", Some("2026-12-05")));

    let err = req::cip_packet_assemble(&ctx, &session, &id).expect_err("no CIP in force");
    assert!(err.to_string().contains("no approved CIP version is in force"), "{err}");
    approve_v1(&ctx, &session);
    let upload = cip::cip_render(&ctx, &session, 1).expect("pdf");
    let path = dir.path().join("nordic.pdf");
    std::fs::write(&path, &upload).expect("write");
    resellers::reseller_cip_upload(&ctx, &session, &form("R-01", None), &path).expect("upload");
    let mut adoption = form("R-02", Some(1));
    adoption.dated = "2026-11-28".parse().expect("date");
    resellers::reseller_cip_adopt(&ctx, &session, &adoption).expect("adopt");

    let delivery =
        Delivery { id: id.clone(), delivered_on: "2026-11-28".parse().expect("date"), note: "portal".into() };
    let err = req::cip_request_deliver(&ctx, &session, &delivery).expect_err("nothing assembled");
    assert!(err.to_string().contains("assemble it first"), "{err}");

    let view = req::cip_packet_assemble(&ctx, &session, &id).expect("assemble");
    let manifest = view.manifest.expect("manifest");
    let owners: Vec<&str> = manifest.parts.iter().map(|p| p.owner.as_str()).collect();
    assert_eq!(owners, ["Provider", "R-01", "R-02"]);
    assert_eq!(manifest.gaps, ["R-03"], "a reseller with no CIP is listed, not left out silently");
    let packet = req::cip_packet_pdf(&ctx, &session, &id).expect("packet");
    assert_eq!(manifest.packet_sha256, sha256_hex(&packet));
    // The parts, made again on the same clock, hash as the manifest says.
    assert_eq!(manifest.parts[0].sha256, sha256_hex(&cip::cip_render(&ctx, &session, 1).expect("v1")));
    assert_eq!(manifest.parts[1].sha256, sha256_hex(&upload));
    let r2 = resellers::reseller_detail(&ctx, &session, "R-02").expect("detail").cips[0].seq;
    let adopted = resellers::reseller_cip_pdf(&ctx, &session, "R-02", r2).expect("adopted part");
    assert_eq!(manifest.parts[2].sha256, sha256_hex(&adopted));
    assert_eq!(manifest.parts[1].first_page, 1 + manifest.parts[0].pages + 1);

    let view = req::cip_request_deliver(&ctx, &session, &delivery).expect("deliver");
    assert_eq!(view.delivered_on.as_deref(), Some("2026-11-28"));
    let obligations = ob::obligations_list(&ctx, &session).expect("obligations");
    let r15 = obligations.obligations.iter().find(|o| o.source_event == id).expect("R15");
    assert!(
        r15.met.as_ref().is_some_and(|m| m.reference.contains("portal")),
        "delivery meets the obligation"
    );
    let err = req::cip_packet_assemble(&ctx, &session, &id).expect_err("kept as sent");
    assert!(err.to_string().contains("already delivered"), "{err}");
    assert_eq!(req::cip_packet_pdf(&ctx, &session, &id).expect("as sent"), packet);
}
