//! The demo workspace: realistic synthetic data so a newcomer sees a working product — customers
//! across many countries and scripts in every account state, a provider profile with a contact
//! history, events whose deadlines are met, due soon and overdue, and a verification queue with
//! items in every state and specimen evidence images. No real person's data.

use chrono::{Duration, NaiveDate};
use workbench_core::customer::{AccountState, Address, CustomerKind, NewCustomer, Payment, UsPerson};
use workbench_core::import::ImportedCustomer;
use workbench_core::rules::RiskTier;
use workbench_core::verification::{DecisionKind, Element, Method, Outcome};
use workbench_store::customers as store;
use workbench_store::evidence::{self, NewEvidence};
use workbench_store::review::{self, NewCheck, NewDecision};

use crate::context::Context;
use crate::error::AppError;
use crate::obligations::{self, ContactView, NewEvent};
use crate::session::Session;

/// (country, city, street, given names, family names, phone prefix, national digits)
type Place = (&'static str, &'static str, &'static str, [&'static str; 3], [&'static str; 3], &'static str);

const PLACES: [Place; 12] = [
    (
        "DE",
        "München",
        "Hauptstraße",
        ["Jonas", "Lea", "Felix"],
        ["Müller", "Schmidt", "Weber"],
        "+49 89 1234",
    ),
    (
        "FR",
        "Lyon",
        "Rue de la République",
        ["Camille", "Hugo", "Léa"],
        ["Martin", "Bernard", "Dubois"],
        "+33 4 72 10 ",
    ),
    ("JP", "東京", "千代田", ["陽翔", "結衣", "蓮"], ["佐藤", "鈴木", "高橋"], "+81 3 1234 "),
    (
        "RU",
        "Москва",
        "ул. Ленина",
        ["Сергей", "Анна", "Иван"],
        ["Иванов", "Смирнова", "Кузнецов"],
        "+7 495 123 ",
    ),
    (
        "GR",
        "Αθήνα",
        "Οδός Ερμού",
        ["Γιώργος", "Μαρία", "Νίκος"],
        ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"],
        "+30 21 0123 ",
    ),
    (
        "BR",
        "São Paulo",
        "Rua das Flores",
        ["Ana", "João", "Beatriz"],
        ["Souza", "Silva", "Oliveira"],
        "+55 11 91234 ",
    ),
    ("IN", "Bengaluru", "MG Road", ["Aarav", "Diya", "Vihaan"], ["Sharma", "Patel", "Reddy"], "+91 80 4123 "),
    (
        "NG",
        "Lagos",
        "Broad Street",
        ["Chinedu", "Amaka", "Tunde"],
        ["Okafor", "Adeyemi", "Bello"],
        "+234 803 123 ",
    ),
    ("GB", "Leeds", "Park Row", ["Oliver", "Amelia", "Harry"], ["Smith", "Jones", "Taylor"], "+44 113 496 "),
    ("CN", "上海", "南京路", ["伟", "芳", "娜"], ["王", "李", "张"], "+86 21 6123 "),
    (
        "TR",
        "İstanbul",
        "İstiklal Caddesi",
        ["Mehmet", "Ayşe", "Emre"],
        ["Yılmaz", "Kaya", "Demir"],
        "+90 212 555 ",
    ),
    ("US", "Boston", "Main Street", ["Emma", "Liam", "Noah"], ["Johnson", "Brown", "Davis"], "+1 617 555 "),
];

const ENTITY_SUFFIX: [&str; 12] =
    ["GmbH", "SARL", "株式会社", "ООО", "Α.Ε.", "Ltda.", "Pvt Ltd", "Ltd", "Ltd", "有限公司", "A.Ş.", "Inc."];

/// A deterministic synthetic customer (the same `i` always gives the same person).
/// The networks' published test numbers (not real cards); card customers cycle through them, so
/// the same card appears on several demo customers — the fingerprint's red flag on screen.
const TEST_CARDS: [&str; 5] =
    ["4242424242424242", "5555555555554444", "378282246310005", "6011111111111117", "3530111333300000"];

fn synthetic(i: usize, opened_on: NaiveDate) -> Result<ImportedCustomer, AppError> {
    let card = i
        .is_multiple_of(3)
        .then(|| workbench_core::card::CardNumber::parse(TEST_CARDS[(i / 3) % TEST_CARDS.len()]).ok())
        .flatten();
    let (country, city, street, given, family, phone) = PLACES[i % PLACES.len()];
    let pick = (i / PLACES.len()) % 3;
    let entity = i.is_multiple_of(3);
    let name = if entity {
        format!(
            "{} {} {}",
            family[pick],
            ["Cloud", "Data", "Systems"][i % 3],
            ENTITY_SUFFIX[i % PLACES.len()]
        )
    } else {
        format!("{} {}", given[pick], family[(pick + 1) % 3])
    };
    let customer = NewCustomer {
        customer_ref: format!("C-{:06}", i + 1),
        kind: if entity { CustomerKind::Entity } else { CustomerKind::Individual },
        name,
        address: Address {
            line1: format!("{street} {}", i % 200 + 1),
            line2: String::new(),
            city: city.to_owned(),
            region: String::new(),
            postal_code: format!("{:05}", 10_000 + i % 80_000),
            country: country.to_owned(),
        },
        emails: vec![format!("contact{}@example.com", i + 1)],
        phones: vec![format!("{phone}{:04}", i % 10_000)],
        us_person: match (country, i % 7) {
            ("US", _) => UsPerson::Yes,
            (_, 0) => UsPerson::Undetermined,
            _ => UsPerson::No,
        },
        risk_tier: [RiskTier::Low, RiskTier::Medium, RiskTier::High][i % 3],
        account_ref: format!("A-{:06}", i + 1),
        payment: Payment {
            method: ["card", "wire", "invoice"][i % 3].to_owned(),
            last4: card.as_ref().map_or_else(String::new, |c| c.last4().to_owned()),
            source: "Example Bank".to_owned(),
            network: card.as_ref().map_or_else(String::new, |c| c.network().to_owned()),
        },
    };
    Ok(ImportedCustomer {
        row: i as u64 + 2,
        customer: customer.validate()?,
        reseller_ref: i.is_multiple_of(9).then(|| format!("R-{:02}", i % 5 + 1)),
        opened_on,
        card,
        national_id: None,
        // The provider's products (R20 exemptions may cover one).
        account_type: Some(DEMO_ACCOUNT_TYPES[i % DEMO_ACCOUNT_TYPES.len()].to_owned()),
    })
}

/// The demo's account types, by customer number; Commerce exempted the first (R20).
const DEMO_ACCOUNT_TYPES: [&str; 3] = ["gpu-cluster", "virtual-machine", "object-storage"];

/// Fills the unlocked (new) workspace with `customers` synthetic customers and the provider's
/// events. Returns how many customers were added.
pub fn fill(ctx: &Context, session: &Session, customers: usize) -> Result<usize, AppError> {
    let now = ctx.clock().now();
    let today = now.date_naive();
    let rows = (0..customers)
        .map(|i| synthetic(i, today - Duration::days((i % 400) as i64 + 1)))
        .collect::<Result<Vec<_>, _>>()?;

    let mut profile = obligations::provider_get(ctx, session)?;
    profile.address = "1 Demo Way, Arlington, VA 22201".into();
    profile.products = "Virtual machines, object storage and dedicated GPU servers".into();
    profile.dedicated = true;
    obligations::provider_update(ctx, session, &profile)?;
    for name in ["Dana Demo", "Rafael Reyes"] {
        let contact = ContactView {
            name: name.into(),
            title: "CIP officer".into(),
            email: format!("{}@demo-cloud.example", name.split(' ').next().unwrap_or("cip").to_lowercase()),
            phone: "+1 703 555 0100".into(),
            since: String::new(),
        };
        obligations::provider_contact_change(ctx, session, &contact)?;
    }
    // The written CIP: version 1 in force, version 2 a draft with one change (R1).
    let program = include_str!("../../../../assets/demo/cip.md");
    let first = crate::cip::cip_draft_import(ctx, session, program, "", false)?;
    crate::cip::cip_approve(
        ctx,
        session,
        &crate::cip::CipApproval {
            number: first,
            effective_on: crate::cip::cip_overview(ctx, session)?.today,
        },
    )?;
    let second = program.replace("every 36 months for low risk", "every 24 months for low risk");
    crate::cip::cip_draft_import(ctx, session, &second, "Low-risk re-verification every 24 months", true)?;

    for event in [
        NewEvent::CipCopyRequested {
            requester: "BIS Office of ICTS".into(),
            reference: "ICTS-CIP-2026-041".into(),
            received_at: now - Duration::days(3),
        },
        NewEvent::BusinessChange {
            summary: "acquired a hosting business in Ireland".into(),
            occurred_at: now - Duration::days(45),
        },
    ] {
        obligations::event_record(ctx, session, &event)?;
    }
    fill_resellers(ctx, session, today)?;

    session.with(ctx, |u| {
        let by = u.actor.id;
        u.workspace.db_mut().write(|tx| {
            if let Err(clashes) = store::insert_imported(tx, &rows, by, now)? {
                return Err(workbench_store::StoreError::Conflict(format!(
                    "the workspace already holds demo customers ({} clashes)",
                    clashes.len()
                )));
            }
            let types: Vec<(&str, &str)> = rows
                .iter()
                .filter_map(|r| r.account_type.as_deref().map(|t| (r.customer.0.account_ref.as_str(), t)))
                .collect();
            workbench_store::exemptions::insert_account_types(tx, &types, by, now)?;
            // Walk accounts through the life cycle so every state is on screen.
            for (i, row) in rows.iter().enumerate() {
                let path: &[AccountState] = match i % 8 {
                    0 | 1 => &[],
                    2 => &[AccountState::PendingVerification],
                    3 => &[AccountState::PendingVerification, AccountState::Restricted],
                    4 => &[AccountState::PendingVerification, AccountState::Monitored],
                    5 | 6 => &[AccountState::PendingVerification, AccountState::Verified],
                    _ => &[AccountState::PendingVerification, AccountState::Refused],
                };
                for state in path {
                    store::set_state(tx, &row.customer.0.account_ref, *state, "demo", by, now)?;
                }
            }
            Ok(())
        })?;
        fill_queue(u, &rows, now)?;
        Ok(())
    })?;
    fill_filings(ctx, session, today)?;
    fill_screening(ctx, session, today)?;
    fill_ai(ctx, session, today)?;
    fill_assessments(ctx, session, today)?;
    Ok(rows.len())
}

/// Exemptions, assessments and the ADP dossier (R16, R20): Commerce exempted the GPU-cluster
/// account type for a year; an assessment two months ago found two shortcomings, one remediated
/// and closed with its evidence, one still open with a note; the dossier is half built.
fn fill_assessments(ctx: &Context, session: &Session, today: NaiveDate) -> Result<(), AppError> {
    crate::exemptions::exemption_add(
        ctx,
        session,
        &workbench_core::exemption::ExemptionInput {
            scope: "account_type".into(),
            name: DEMO_ACCOUNT_TYPES[0].into(),
            starts_on: today - Duration::days(60),
            ends_on: Some(today + Duration::days(305)),
            conditions:
                "Keep the Abuse of IaaS Products Deterrence Program current; report significant changes \
                         within 30 days."
                    .into(),
            reference: "BIS-EX-2026-7".into(),
        },
        None,
    )?;
    let input = workbench_core::assessment::AssessmentInput {
        assessed_on: today - Duration::days(60),
        scope: "Verification procedures and foreign reseller oversight".into(),
        assessor_reference: "BIS-OICTS-2026-0142".into(),
        resubmission_required: false,
        findings: vec![
            workbench_core::assessment::FindingInput {
                title: "Beneficial owners of entity customers are not verified on their own".into(),
                severity: workbench_core::assessment::Severity::High,
                rids: vec!["R5".into()],
                due_on: today + Duration::days(20),
                owner: "Dana Demo".into(),
            },
            workbench_core::assessment::FindingInput {
                title: "Attestation requests to foreign resellers were sent late".into(),
                severity: workbench_core::assessment::Severity::Medium,
                rids: vec!["R18".into()],
                due_on: today - Duration::days(5),
                owner: "Rafael Reyes".into(),
            },
        ],
    };
    let recorded = crate::assessments::assessment_add(ctx, session, &input)?;
    let (open, closed) = (&recorded.findings[0], &recorded.findings[1]);
    crate::assessments::finding_note(
        ctx,
        session,
        &open.id,
        "Owner checks added to the review screen; entity customers re-verified by risk tier",
        None,
        crate::assessments::Closing::Open,
    )?;
    // The remediation's evidence: the synthetic register extract, through a file of the moment.
    let dir = tempfile::tempdir()
        .map_err(|e| AppError::Store(workbench_store::StoreError::io("a temporary folder", e)))?;
    let evidence = dir.path().join("attestation-schedule.png");
    std::fs::write(&evidence, include_bytes!("../../../../assets/demo/register-extract-specimen.png"))
        .map_err(|e| AppError::Store(workbench_store::StoreError::io("the demo's evidence", e)))?;
    crate::assessments::finding_note(
        ctx,
        session,
        &closed.id,
        "Requests now go out on 1 February with a reminder after 14 days",
        Some(&evidence),
        crate::assessments::Closing::Close(None),
    )?;
    // A half-built ADP dossier (R20): two criteria answered, one with evidence behind it.
    for (criterion, narrative) in [
        (
            "size_fit",
            "A small provider (under 40 staff, about 2,500 accounts): one officer owns the program, two reviewers \
             work the queue, and GPU capacity — the product most open to abuse — is sold only after review.",
        ),
        (
            "red_flags",
            "Bulk sign-ups, mining spikes and administration from anonymising networks are flagged by billing and \
             network monitoring and reach the officer within a day.",
        ),
    ] {
        crate::adp::adp_answer(
            ctx,
            session,
            &crate::adp::AdpAnswerForm {
                criterion: criterion.into(),
                narrative: narrative.into(),
                owner: "Dana Demo".into(),
                review_on: Some(today + Duration::days(180)),
                material: false,
            },
        )?;
    }
    crate::adp::adp_evidence_record(ctx, session, "size_fit", "cip_version:1")?;
    Ok(())
}

/// The demo's AI-training transactions (R23–R26): a case reported and filed; a case whose change
/// of arrangement made it covered, reported, then changed again with an update due; and a usage
/// import whose heavy user opened a case for review.
fn fill_ai(ctx: &Context, session: &Session, today: NaiveDate) -> Result<(), AppError> {
    use workbench_core::ai::{FlagNote, NewArrangement};
    use workbench_core::filing::{FilingKind, PageSize};
    use workbench_core::quantity::Quantity;
    let picks: Vec<(String, String)> = session.with(ctx, |u| {
        Ok(u.workspace.db().read(|c| {
            let mut s = c.prepare(
                "SELECT c.customer_ref, min(a.account_ref) FROM customer c JOIN account a ON a.customer_id = c.id \
                 WHERE c.us_person = 'no' AND c.kind = 'entity' GROUP BY c.id ORDER BY c.customer_ref LIMIT 3",
            )?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?)
    })?;
    let [(first, first_account), (second, second_account), (third, third_account)] = picks.as_slice() else {
        return Ok(());
    };
    let ago = |days: i64| today - Duration::days(days);
    let arrangement =
        |accelerator: &str, count: u64, days: i64, on: NaiveDate, account: &str| NewArrangement {
            accelerator: accelerator.into(),
            count,
            interconnect_gbps: Quantity::whole(400),
            transaction_on: on,
            known_on: on + Duration::days(1),
            starts_on: on,
            ends_on: None,
            duration_days: Some(days),
            purpose: "Pre-training a large multilingual language model".into(),
            reseller_ref: None,
            accounts: vec![account.to_owned()],
            red_flags: Vec::new(),
            value_usd: Some(4_200_000),
        };
    let report = |case: &str, update: bool| -> Result<(), AppError> {
        let draft = crate::filings::DraftRequest {
            kind: FilingKind::AiReport,
            year: None,
            event_id: None,
            case_id: Some(case.to_owned()),
            update,
            page: PageSize::A4,
        };
        let f = crate::filings::filing_draft(ctx, session, &draft)?;
        crate::filings::filing_approve(ctx, session, &f.id)?;
        let filed = crate::filings::FiledForm {
            id: f.id,
            filed_on: today,
            channel: "BIS online portal".into(),
            agency_reference: "BIS-AI-0007".into(),
        };
        crate::filings::filing_mark_filed(ctx, session, &filed)?;
        Ok(())
    };
    let new = |customer: &str, summary: &str| {
        crate::ai::case_add(
            ctx,
            session,
            &crate::ai::NewCase { customer_ref: customer.to_owned(), summary: summary.into() },
        )
    };
    // 1. Reported: 12,288 H100 for 120 days (1.26e26 potential operations).
    let reported = new(first, "Contract for a dedicated training cluster")?;
    crate::ai::arrangement_add(
        ctx,
        session,
        &reported,
        &arrangement("H100", 12_288, 120, ago(20), first_account),
    )?;
    report(&reported, false)?;
    // 2. Not covered, then covered by a change (second prong), reported, then changed again.
    let changed = new(second, "Inference contract that grew")?;
    crate::ai::arrangement_add(
        ctx,
        session,
        &changed,
        &arrangement("A100", 256, 60, ago(120), second_account),
    )?;
    crate::ai::arrangement_add(
        ctx,
        session,
        &changed,
        &arrangement("NVIDIA H100 SXM5", 12_000, 120, ago(15), second_account),
    )?;
    report(&changed, false)?;
    let mut longer = arrangement("NVIDIA H100 SXM5", 16_384, 180, ago(2), second_account);
    longer.red_flags = vec![FlagNote {
        key: "weights_export".into(),
        note: "Checkpoints copied out of the service weekly".into(),
    }];
    crate::ai::arrangement_add(ctx, session, &changed, &longer)?;
    // 3. A usage import: a heavy user's cluster reaches the pack's could-be fraction.
    let mut csv = String::from(
        "account_ref,period_start,period_end,accelerator,accelerator_hours,peak_accelerators,interconnect_gbps\n",
    );
    for (account, accelerator, hours, peak, gbps) in [
        (third_account.as_str(), "h100-sxm", "9676800", "57600", "400"),
        (first_account.as_str(), "H100", "1474560", "12288", "400"),
        (second_account.as_str(), "A100", "1200.5", "16", "25"),
    ] {
        csv.push_str(&format!("{account},{},{},{accelerator},{hours},{peak},{gbps}\n", ago(30), ago(1)));
    }
    let file = std::env::temp_dir().join(format!("cip-workbench-demo-usage-{}.csv", std::process::id()));
    std::fs::write(&file, csv).map_err(|e| workbench_core::CoreError::invalid("demo", e.to_string()))?;
    let imported = crate::ai::usage_import(ctx, session, &file, false, &mut |_, _| true);
    let _ = std::fs::remove_file(&file);
    let imported = imported?;
    if !imported.errors.is_empty() {
        return Err(
            workbench_core::CoreError::invalid("demo", format!("usage: {:?}", imported.errors)).into()
        );
    }
    let _ = third;
    Ok(())
}

/// The demo's screening (R22): a sample of the SDN list as its list, a measure on a jurisdiction
/// and one on named persons, and customers that hit them: a true match, a false positive, and a
/// jurisdiction hit left for the reviewer. The demo's officer works alone, so four eyes on
/// screening is turned off for it.
fn fill_screening(ctx: &Context, session: &Session, today: NaiveDate) -> Result<(), AppError> {
    use crate::screening::{self, HitDecision, ListSource};
    use workbench_core::measures::{MeasureKind, MeasurePerson, NewMeasure};
    let files = vec![
        ("sdn.csv".to_owned(), include_bytes!("../../../../assets/demo/sdn/sdn.csv").to_vec()),
        ("add.csv".to_owned(), include_bytes!("../../../../assets/demo/sdn/add.csv").to_vec()),
        ("alt.csv".to_owned(), include_bytes!("../../../../assets/demo/sdn/alt.csv").to_vec()),
    ];
    let published = NaiveDate::from_ymd_opt(2021, 7, 7);
    screening::list_import_files(ctx, session, ListSource::Sdn, files, published, true)?;
    let determined = today - Duration::days(60);
    let measure =
        |title: &str, citation: &str, persons: Vec<MeasurePerson>, jurisdictions: Vec<String>| NewMeasure {
            title: title.into(),
            citation: citation.into(),
            determined_on: determined,
            effective_on: Some(determined + Duration::days(30)),
            ends_on: None,
            kind: MeasureKind::ProhibitOpening,
            close_by: None,
            conditions: Vec::new(),
            persons,
            jurisdictions,
        };
    crate::measures::add(
        ctx,
        session,
        &measure(
            "Prohibition on opening accounts: persons in North Korea",
            "91 FR 10001 (demo)",
            Vec::new(),
            vec!["KP".into()],
        ),
        None,
    )?;
    let person = |name: &str, entity: bool, aliases: &[&str]| MeasurePerson {
        name: name.into(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        entity,
        dates_of_birth: Vec::new(),
        countries: vec!["RU".into()],
        identifiers: Vec::new(),
    };
    crate::measures::add(
        ctx,
        session,
        &measure(
            "Prohibition on opening accounts: Example Cyber Group and its director",
            "91 FR 10002 (demo)",
            vec![
                person("Example Cyber Group", true, &["ECG"]),
                person("Ivan Exampleov", false, &["Ivan Examplov"]),
            ],
            Vec::new(),
        ),
        None,
    )?;

    let opened = today - Duration::days(2);
    let screened = [
        (
            "S-000001",
            CustomerKind::Entity,
            "Banco Nacional de Cuba S.A.",
            "CU",
            "La Habana",
            "+53 7 204 1234",
        ),
        (
            "S-000002",
            CustomerKind::Entity,
            "Cimex Iberica Consulting S.L.",
            "ES",
            "Madrid",
            "+34 91 123 4567",
        ),
        ("S-000003", CustomerKind::Individual, "Park Min-jun", "CN", "Dandong", "+850 2 381 2345"),
    ];
    let rows = screened
        .iter()
        .enumerate()
        .map(|(i, (reference, kind, name, country, city, phone))| {
            let customer = NewCustomer {
                customer_ref: (*reference).into(),
                kind: *kind,
                name: (*name).into(),
                address: Address {
                    line1: format!("Demo Street {}", i + 1),
                    line2: String::new(),
                    city: (*city).into(),
                    region: String::new(),
                    postal_code: "10000".into(),
                    country: (*country).into(),
                },
                emails: vec![format!("screened{}@example.com", i + 1)],
                phones: vec![(*phone).into()],
                us_person: UsPerson::No,
                risk_tier: RiskTier::High,
                account_ref: format!("SA-{:06}", i + 1),
                payment: Payment {
                    method: "wire".into(),
                    last4: String::new(),
                    source: "Example Bank".into(),
                    network: String::new(),
                },
            };
            Ok(ImportedCustomer {
                row: i as u64 + 2,
                customer: customer.validate()?,
                reseller_ref: None,
                opened_on: opened,
                card: None,
                national_id: None,
                account_type: None,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let now = ctx.clock().now();
    session.with(ctx, |u| {
        let by = u.actor.id;
        u.workspace.db_mut().write(|tx| store::insert_imported(tx, &rows, by, now).map(|_| ()))?;
        Ok(())
    })?;
    let mut settings = crate::settings::get(ctx, session)?;
    settings.screening_four_eyes = false;
    crate::settings::update(ctx, session, &settings)?;
    screening::run(ctx, session, screening::RunTrigger::Rescreen, None, &mut |_, _| true)?;
    for hit in screening::hits_pending(ctx, session)? {
        let entry = hit.entry.as_ref().map(|e| e.entry_id.as_str()).unwrap_or_default();
        let decision = match (hit.customer_ref.as_str(), entry) {
            ("S-000001", "306") => {
                Some((true, "Same bank: name, Havana address and SWIFT code agree with the entry"))
            }
            ("S-000002", _) => Some((
                false,
                "A Madrid IT consultancy registered in 2019; not the Cuban state trading company",
            )),
            _ => None,
        };
        if let Some((true_match, reason)) = decision {
            screening::decide_hit(
                ctx,
                session,
                &HitDecision { hit_id: hit.id, true_match, reason: reason.into() },
            )?;
        }
    }
    Ok(())
}

/// Specimen documents shown as evidence (synthetic, no real identity).
const ID_CARD: &[u8] = include_bytes!("../../../../assets/demo/id-card-specimen.png");
const REGISTER_EXTRACT: &[u8] = include_bytes!("../../../../assets/demo/register-extract-specimen.png");
/// How many waiting customers get specimen evidence and partial checks.
const WITH_EVIDENCE: usize = 40;

/// The queue: every customer enters it; settled ones are closed, the rest wait with ages spread
/// over a week (some past their SLA); a few are asleep for more information and a few refusals
/// wait for a second reviewer.
fn fill_queue(
    u: &mut crate::session::Unlocked,
    rows: &[ImportedCustomer],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let (pack, _) = obligations::active_pack(u)?;
    let pack = &pack.pack;
    let by = u.actor.id;
    let ids: Vec<String> = u.workspace.db().read(|c| {
        rows.iter().map(|r| review::customer_id(c, &r.customer.0.customer_ref)).collect::<Result<_, _>>()
    })?;
    let waiting: Vec<usize> = (0..rows.len()).filter(|i| !matches!(i % 8, 5..=7)).collect();
    let mut attached = Vec::new();
    for &i in waiting.iter().take(WITH_EVIDENCE) {
        let entity = rows[i].customer.0.kind == CustomerKind::Entity;
        let (bytes, name) =
            if entity { (REGISTER_EXTRACT, "register-extract.png") } else { (ID_CARD, "identity-card.png") };
        let new = NewEvidence {
            original_name: name,
            media_type: "image/png",
            max_bytes: evidence::DEFAULT_MAX_BYTES,
        };
        let record = evidence::store(&mut u.workspace, bytes, &new, u.actor.id, now)?;
        attached.push((i, record.id.to_string()));
    }
    u.workspace.db_mut().write(|tx| {
        for (i, (row, id)) in rows.iter().zip(&ids).enumerate() {
            let opened = now - Duration::hours((i % 9) as i64 * 19 + 1);
            let due = workbench_core::verification::sla_due(pack, row.customer.0.risk_tier, opened);
            review::reopen(tx, id, "onboarding", opened, due, by)?;
            if matches!(i % 8, 5..=7) {
                review::close_item(tx, id, by, now)?;
            }
        }
        for (n, (i, evidence_id)) in attached.iter().enumerate() {
            let id = &ids[*i];
            review::attach_evidence(tx, id, evidence_id, Some(Element::IdentityDocument), by, now)?;
            // Part of the work done: name and document checked on most of them.
            for element in [Element::Name, Element::IdentityDocument].iter().take(n % 3) {
                let check = NewCheck {
                    element: *element,
                    method: Method::Documentary,
                    outcome: Outcome::Verified,
                    evidence_id: Some(evidence_id),
                    note: "",
                };
                review::record_check(tx, id, &check, by, now)?;
            }
        }
        // A few asleep for more information, a few refusals waiting for a second reviewer.
        let later = now - Duration::minutes(5);
        for (k, &i) in waiting.iter().skip(WITH_EVIDENCE).take(6).enumerate() {
            let id = &ids[i];
            review::take(tx, id, by, later, later)?;
            let decision = if k % 2 == 0 {
                NewDecision {
                    kind: DecisionKind::MoreInfo,
                    reason_code: "",
                    note: "Proof of address dated within three months",
                    until: Some(now + Duration::days(3 + k as i64)),
                    exemption_id: None,
                }
            } else {
                NewDecision {
                    kind: DecisionKind::Refuse,
                    reason_code: &pack.verification.refusal_reasons[0].code,
                    note: "Document number does not match the issuing register",
                    until: None,
                    exemption_id: None,
                }
            };
            review::decide(tx, id, &decision, by, later)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// (reference, legal name, country, agreement start, contact name, phone)
const RESELLERS: [(&str, &str, &str, &str, &str, &str); 5] = [
    ("R-01", "Nordic Cloud Resale AB", "SE", "2023-04-01", "Sara Lind", "+46 8 123 456 78"),
    ("R-02", "Gamma Hosting SRL", "RO", "2024-02-15", "Ioana Popescu", "+40 21 312 3456"),
    ("R-03", "Kiwi Compute Ltd", "NZ", "2025-06-01", "Aroha Ngata", "+64 9 309 1234"),
    ("R-04", "Servicios Nube Andina SAS", "CO", "2024-09-01", "Mateo Rojas", "+57 601 234 5678"),
    ("R-05", "Λύσεις Νέφους ΑΕ", "GR", "2025-01-10", "Ελένη Παππά", "+30 21 0123 4567"),
];

/// Foreign resellers (R17–R19): five registered; CIPs on file as an uploaded PDF and as an
/// adoption, one missing; attestations complete, with exceptions, requested and overdue; one
/// reseller under remediation after a finding.
fn fill_resellers(ctx: &Context, session: &Session, today: NaiveDate) -> Result<(), AppError> {
    use workbench_core::attestation::{AttestationReturn, ReportedCounts};
    use workbench_core::reseller::{NewReseller, ResellerContact};
    for (reference, name, country, start, contact, phone) in RESELLERS {
        let new = NewReseller {
            reseller_ref: reference.into(),
            legal_name: name.into(),
            country: country.into(),
            registration_ids: format!("REG-{}", &reference[2..]),
            agreement_start: start
                .parse()
                .map_err(|_| workbench_core::CoreError::invalid("start", "demo date"))?,
            agreement_end: None,
            contact: ResellerContact {
                name: contact.into(),
                email: format!("cip@{}.example", reference.to_lowercase()),
                phone: phone.into(),
            },
        };
        crate::resellers::reseller_add(ctx, session, &new)?;
    }
    let dated = today - Duration::days(200);
    // R-01 keeps its own program: a PDF of the demo text under its name.
    let own = session.with(ctx, |u| {
        let row = u
            .workspace
            .db()
            .read(|c| workbench_store::cip::version(c, 1))?
            .ok_or_else(|| workbench_core::CoreError::invalid("version", "demo version 1"))?;
        let mut doc = crate::cip::document(u, ctx, &row)?;
        doc.provider = RESELLERS[0].1.into();
        Ok(workbench_filings::render_cip(&doc)?)
    })?;
    let io = |e| AppError::Store(workbench_store::StoreError::io("writing the demo reseller CIP", e));
    let dir = tempfile::tempdir().map_err(io)?;
    let file = dir.path().join("nordic-cloud-cip.pdf");
    std::fs::write(&file, &own).map_err(io)?;
    let form = |reference: &str, adopted_version: Option<i64>| crate::resellers::CipOnFileForm {
        reseller_ref: reference.into(),
        dated: if adopted_version.is_some() { today } else { dated },
        adopted_version,
        note: String::new(),
    };
    crate::resellers::reseller_cip_upload(ctx, session, &form("R-01", None), &file)?;
    crate::resellers::reseller_cip_adopt(ctx, session, &form("R-02", Some(1)))?;
    crate::resellers::reseller_cip_adopt(ctx, session, &form("R-04", Some(1)))?;
    crate::resellers::reseller_cip_adopt(ctx, session, &form("R-05", Some(1)))?;

    // Attestations: earlier years returned; last year complete, with an exception,
    // requested, overdue.
    let period = chrono::Datelike::year(&today) - 1;
    let statements: Vec<String> = crate::attestations::attestation_matrix(ctx, session)?
        .statements
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    let returns = [
        ("R-01", period - 2, statements.clone(), 22),
        ("R-01", period - 1, statements.clone(), 35),
        ("R-02", period - 1, statements.clone(), 12),
        ("R-04", period - 1, statements.clone(), 8),
        ("R-01", period, statements.clone(), 41),
        ("R-02", period, statements[1..].to_vec(), 17),
    ];
    for (reference, year, affirmed, customers) in returns {
        let ret = AttestationReturn {
            reseller_ref: reference.into(),
            period: year,
            returned_on: NaiveDate::from_ymd_opt(year + 1, 1, 10).unwrap_or(today).min(today),
            counts: ReportedCounts { customers, unverified: customers / 10, refused: 1 },
            affirmed,
            note: String::new(),
        };
        crate::attestations::attestation_return(ctx, session, &ret, None)?;
    }
    crate::attestations::attestation_request_pdf(ctx, session, "R-04", period)?;

    // R-04 did not keep to its program: under remediation, with notes.
    let aware_on = today - Duration::days(12);
    let finding = crate::resellers::Finding {
        reseller_ref: "R-04".into(),
        aware_on,
        summary: "Accounts opened without verifying the customer's address (R4)".into(),
    };
    crate::resellers::reseller_finding(ctx, session, &finding)?;
    crate::resellers::reseller_note_add(
        ctx,
        session,
        &crate::resellers::NewNote {
            reseller_ref: "R-04".into(),
            kind: crate::resellers::NoteKind::Remediation,
            text: "Reseller asked to re-verify every account opened since March and report back.".into(),
            on_day: today - Duration::days(10),
        },
    )?;
    Ok(())
}

/// Filings (R12–R15): the initial certification filed, last year's annual certification approved
/// and waiting to be filed, a change notice drafted for the recorded business change, and the
/// packet for the open CIP request assembled.
fn fill_filings(ctx: &Context, session: &Session, today: NaiveDate) -> Result<(), AppError> {
    use workbench_core::filing::{FilingKind, PageSize};
    let draft = |kind, year, event_id| crate::filings::DraftRequest {
        kind,
        year,
        event_id,
        case_id: None,
        update: false,
        page: PageSize::A4,
    };
    let initial = crate::filings::filing_draft(ctx, session, &draft(FilingKind::Initial, None, None))?;
    crate::filings::filing_approve(ctx, session, &initial.id)?;
    let filed = crate::filings::FiledForm {
        id: initial.id,
        filed_on: today,
        channel: "BIS online portal".into(),
        agency_reference: "BIS-CIP-INIT-0042".into(),
    };
    crate::filings::filing_mark_filed(ctx, session, &filed)?;
    let year = chrono::Datelike::year(&today);
    let annual = crate::filings::filing_draft(ctx, session, &draft(FilingKind::Annual, Some(year), None))?;
    crate::filings::filing_approve(ctx, session, &annual.id)?;
    let change = obligations::obligations_list(ctx, session)?.obligations.into_iter().find(|o| {
        o.kind == workbench_core::obligations::ObligationKind::ChangeNotice && o.title.contains("Ireland")
    });
    if let Some(change) = change {
        crate::filings::filing_draft(
            ctx,
            session,
            &draft(FilingKind::ChangeNotice, None, Some(change.source_event)),
        )?;
    }
    // The open request for the CIPs (R15) has its packet assembled, not yet delivered.
    if let Some(request) = crate::cip_requests::cip_request_list(ctx, session)?.into_iter().next() {
        crate::cip_requests::cip_packet_assemble(ctx, session, &request.id)?;
    }
    Ok(())
}
