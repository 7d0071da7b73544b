//! Filings (R12–R16, R18–R20, R23): what each submission says, as a frozen snapshot, and the document
//! model the PDF engine lays out. The view-models live here; `workbench-filings` only draws a
//! [`FilingDoc`] — headings, paragraphs, label/value facts, tables and signature blocks.
//!
//! A filing is rendered from its snapshot alone (plus its id, the audit checkpoint and the time
//! it was drafted), so re-rendering an approved filing reproduces the same bytes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The kinds of filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FilingKind {
    /// R12: the initial CIP certification.
    Initial,
    /// R13: the annual certification.
    Annual,
    /// R14: an out-of-cycle change notice.
    ChangeNotice,
    /// R23: a covered AI-training transaction (or its update).
    AiReport,
    /// R19: the suspected malicious activity found at a non-compliant foreign reseller.
    ActivityReport,
    /// R16: the remediated CIP, resubmitted after a compliance assessment.
    CipResubmission,
    /// R20: an application for an exemption, on the ADP dossier.
    ExemptionApplication,
}

impl FilingKind {
    /// Every kind.
    pub const ALL: [Self; 7] = [
        Self::Initial,
        Self::Annual,
        Self::ChangeNotice,
        Self::AiReport,
        Self::ActivityReport,
        Self::CipResubmission,
        Self::ExemptionApplication,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Annual => "annual",
            Self::ChangeNotice => "change_notice",
            Self::AiReport => "ai_report",
            Self::ActivityReport => "activity_report",
            Self::CipResubmission => "cip_resubmission",
            Self::ExemptionApplication => "exemption_application",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// As printed.
    pub fn label(self) -> &'static str {
        match self {
            Self::Initial => "Initial CIP certification",
            Self::Annual => "Annual certification",
            Self::ChangeNotice => "Change notice",
            Self::AiReport => "AI-training transaction report",
            Self::ActivityReport => "Report of suspected malicious activity",
            Self::CipResubmission => "CIP resubmission",
            Self::ExemptionApplication => "Exemption application",
        }
    }

    /// The requirement it answers.
    pub fn rid(self) -> &'static str {
        match self {
            Self::Initial => "R12",
            Self::Annual => "R13",
            Self::ChangeNotice => "R14",
            Self::AiReport => "R23",
            Self::ActivityReport => "R19",
            Self::CipResubmission => "R16",
            Self::ExemptionApplication => "R20",
        }
    }
}

/// Where a filing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FilingState {
    /// Its snapshot is frozen; not yet approved.
    Draft,
    /// An officer approved it; its PDF's hash is fixed.
    Approved,
    /// Sent to the agency (date, channel, reference).
    Filed,
}

impl FilingState {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Filed => "filed",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Draft, Self::Approved, Self::Filed].into_iter().find(|s| s.code() == code)
    }
}

/// Paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PageSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl PageSize {
    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            Self::A4 => (210.0, 297.0),
            Self::Letter => (215.9, 279.4),
        }
    }
}

/// A table column: its title, share of the text width and alignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingColumn")]
pub struct Column {
    /// Heading.
    pub title: String,
    /// Share of the width (the shares of a table sum to 1).
    pub share: f32,
    /// Right-aligned (numbers).
    pub numeric: bool,
}

impl Column {
    /// A text column.
    pub fn text(title: &str, share: f32) -> Self {
        Self { title: title.to_owned(), share, numeric: false }
    }

    /// A number column.
    pub fn number(title: &str, share: f32) -> Self {
        Self { title: title.to_owned(), share, numeric: true }
    }
}

/// One block of a filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "FilingBlock")]
pub enum Block {
    /// A section heading with its requirement id.
    Heading {
        /// Text.
        text: String,
        /// R-id printed at the right, if any.
        rid: Option<String>,
    },
    /// Wrapped text.
    Paragraph {
        /// Text.
        text: String,
    },
    /// Label / value lines.
    Facts {
        /// The pairs.
        facts: Vec<(String, String)>,
    },
    /// A table that breaks across pages with its header repeated.
    Table {
        /// Columns.
        columns: Vec<Column>,
        /// Rows of cells (as many as columns).
        rows: Vec<Vec<String>>,
        /// Said instead of an empty table.
        empty: String,
    },
    /// Signature lines for the named signer.
    Signature {
        /// Who signs (name, title).
        signer: String,
        /// What the signature attests.
        statement: String,
    },
}

/// What goes on every page's header and footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingMasthead")]
pub struct Masthead {
    /// The provider's legal name.
    pub provider: String,
    /// The filing's kind, as printed.
    pub kind: String,
    /// The filing's id in the register.
    pub filing_id: String,
    /// The rule pack's id.
    pub pack_id: String,
    /// The audit checkpoint's root hash the filing was drafted at.
    pub checkpoint: String,
}

/// A filing as the PDF engine draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FilingDoc {
    /// Document title (metadata and first heading).
    pub title: String,
    /// Header and footer facts.
    pub masthead: Masthead,
    /// Paper.
    pub page: PageSize,
    /// The content.
    pub blocks: Vec<Block>,
}

/// A count per country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingByCountry")]
pub struct ByCountry {
    /// ISO alpha-2.
    pub country: String,
    /// How many.
    #[ts(type = "number")]
    pub count: i64,
}

/// A foreign reseller as a certification lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingResellerLine")]
pub struct ResellerLine {
    /// Reference.
    pub reseller_ref: String,
    /// Legal name.
    pub legal_name: String,
    /// Country.
    pub country: String,
    /// Register status, as printed.
    pub status: String,
    /// Attestation status for the period, as printed (annual only).
    pub attestation: String,
    /// Reported counts (customers, unverified, refused), when returned.
    pub reported: Option<(u32, u32, u32)>,
}

/// One element of the initial certification (R12) with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "CertElement")]
pub struct Element {
    /// The pack's key.
    pub key: String,
    /// Title.
    pub title: String,
    /// Requirement.
    pub rid: String,
    /// The answer in words (CIP text, contact, or a sentence with the count).
    pub answer: String,
}

/// How a case of unverified identity was resolved (R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingUnverifiedCase")]
pub struct UnverifiedCase {
    /// The customer's reference.
    pub customer_ref: String,
    /// Country.
    pub country: String,
    /// When identity could not be verified.
    pub on: String,
    /// What was done: refused, closed, verified later, still restricted…
    pub resolution: String,
}

/// One account of the foreign person, as an AI report lists it (R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingAiAccount")]
pub struct AiAccountLine {
    /// Reference.
    pub account_ref: String,
    /// Means of payment (method, last four digits when a card).
    pub payment_means: String,
    /// Source of payment.
    pub payment_source: String,
    /// Opened on.
    pub opened_on: String,
}

/// One IP access (R2: the address and the date and time of each access).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingIpAccess")]
pub struct IpLine {
    /// The account.
    pub account_ref: String,
    /// The address.
    pub ip: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// `access` or `admin`.
    pub kind: String,
}

/// The foreign person's R2 information, as an AI report gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingAiPerson")]
pub struct AiPerson {
    /// The provider's reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// Individual or entity.
    pub kind: String,
    /// Address, one line.
    pub address: String,
    /// Country (ISO 3166-1).
    pub country: String,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Telephone numbers.
    pub phones: Vec<String>,
    /// Accounts with their means and source of payment.
    pub accounts: Vec<AiAccountLine>,
    /// Every IP access of those accounts.
    pub ip_accesses: Vec<IpLine>,
    /// Beneficial owners (name, country).
    pub owners: Vec<(String, String)>,
}

/// A note of a reseller's compliance case, as the activity report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FilingCaseNote")]
pub struct CaseNote {
    /// The day it concerns (YYYY-MM-DD).
    pub on: String,
    /// Finding, referral, remediation, termination.
    pub kind: String,
    /// What it says.
    pub text: String,
}

/// Up to this many IP accesses print in the report's body; more go to Annex A.
pub const IP_INLINE_MAX: usize = 25;

/// The data a filing is made from, frozen when it is drafted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "FilingSnapshot")]
pub enum Snapshot {
    /// R12.
    Initial {
        /// Provider's legal name.
        provider: String,
        /// Provider's address.
        address: String,
        /// The CIP version the answers come from.
        #[ts(type = "number | null")]
        cip_version: Option<i64>,
        /// Every element with its answer.
        elements: Vec<Element>,
        /// Foreign customers by country.
        customers: Vec<ByCountry>,
        /// Foreign beneficial owners by country.
        owners: Vec<ByCountry>,
        /// Foreign-customer accounts not verified.
        #[ts(type = "number")]
        unverified_accounts: i64,
        /// The foreign resellers.
        resellers: Vec<ResellerLine>,
        /// Who signs.
        signer: String,
    },
    /// R13.
    Annual {
        /// Provider's legal name.
        provider: String,
        /// The certification's year (it covers the year before).
        year: i32,
        /// The pack's statements (title, rid), each certified.
        statements: Vec<(String, String)>,
        /// Times identity could not be verified in the covered year.
        #[ts(type = "number")]
        unverifiable: i64,
        /// Accounts refused in the covered year.
        #[ts(type = "number")]
        refused: i64,
        /// How each case was resolved.
        cases: Vec<UnverifiedCase>,
        /// The foreign resellers with their attestation for the covered year.
        resellers: Vec<ResellerLine>,
        /// Who signs.
        signer: String,
    },
    /// R14.
    ChangeNotice {
        /// Provider's legal name.
        provider: String,
        /// The event's id.
        event_id: String,
        /// What changed, in words.
        what: String,
        /// When it happened (YYYY-MM-DD).
        on: String,
        /// Deadline (YYYY-MM-DD).
        due: String,
        /// Who signs.
        signer: String,
    },
    /// R19: the suspected malicious activity found at a non-compliant foreign reseller.
    ActivityReport {
        /// Provider's legal name.
        provider: String,
        /// The finding's event.
        event_id: String,
        /// The reseller's reference.
        reseller_ref: String,
        /// Its legal name.
        legal_name: String,
        /// Its country.
        country: String,
        /// Its registration ids.
        registration_ids: String,
        /// Its primary CIP contact, one line.
        contact: String,
        /// Its status in the register now.
        status: String,
        /// When the provider learned of it (YYYY-MM-DD).
        aware_on: String,
        /// The case's notes, oldest first (the finding first).
        notes: Vec<CaseNote>,
        /// Deadline (YYYY-MM-DD).
        due: String,
        /// Who signs.
        signer: String,
    },
    /// R16: the remediated CIP resubmitted after a compliance assessment: each finding with what
    /// was done, and what changed in the CIP since the version assessed.
    CipResubmission {
        /// Provider's legal name.
        provider: String,
        /// The assessment's id.
        assessment_id: String,
        /// Commerce's reference.
        assessor_reference: String,
        /// When Commerce assessed (YYYY-MM-DD).
        assessed_on: String,
        /// What it covered.
        scope: String,
        /// Every finding.
        findings: Vec<ResubmittedFinding>,
        /// The CIP version in force when assessed, if any.
        #[ts(type = "number | null")]
        assessed_version: Option<i64>,
        /// The remediated CIP version resubmitted.
        #[ts(type = "number")]
        version: i64,
        /// Its SHA-256.
        version_sha256: String,
        /// What changed, section by section: (section, R-id, change, excerpt lines).
        changes: Vec<SectionExcerpt>,
        /// Deadline (YYYY-MM-DD), when the pack sets one.
        due: Option<String>,
        /// Who signs.
        signer: String,
    },
    /// R20: an application for an exemption, resting on the ADP dossier.
    ExemptionApplication {
        /// Provider's legal name.
        provider: String,
        /// What the exemption would cover, in words.
        scope: String,
        /// The dossier, criterion by criterion.
        criteria: Vec<AdpCriterionSnapshot>,
        /// Who signs.
        signer: String,
    },
    /// R23: a covered AI-training transaction, or an update of one already reported.
    AiReport {
        /// Provider's legal name.
        provider: String,
        /// The case.
        case_id: String,
        /// The arrangement version reported.
        version: u32,
        /// For an update: the original filing (id, filed on, agency reference).
        update_of: Option<String>,
        /// What changed since the version last reported (update only).
        changes: Vec<String>,
        /// The foreign person.
        person: Box<AiPerson>,
        /// The foreign reseller involved, if any.
        reseller: Option<String>,
        /// The arrangement, as label/value lines.
        arrangement: Vec<(String, String)>,
        /// Red flags seen (title: note).
        red_flags: Vec<String>,
        /// The evaluation with its arithmetic.
        evaluation: Box<crate::ai::Evaluation>,
        /// The pack's conditions and factors, as label/value lines.
        conditions: Vec<(String, String)>,
        /// Transaction (or change) date.
        transaction_on: String,
        /// Knowledge date.
        known_on: String,
        /// Deadline (YYYY-MM-DD).
        due: String,
        /// Who signs.
        signer: String,
    },
}

impl Snapshot {
    /// Its kind.
    pub fn kind(&self) -> FilingKind {
        match self {
            Self::Initial { .. } => FilingKind::Initial,
            Self::Annual { .. } => FilingKind::Annual,
            Self::ChangeNotice { .. } => FilingKind::ChangeNotice,
            Self::AiReport { .. } => FilingKind::AiReport,
            Self::ActivityReport { .. } => FilingKind::ActivityReport,
            Self::CipResubmission { .. } => FilingKind::CipResubmission,
            Self::ExemptionApplication { .. } => FilingKind::ExemptionApplication,
        }
    }

    /// A one-line label for lists, e.g. "Annual certification 2026 (covers 2025)".
    pub fn label(&self) -> String {
        match self {
            Self::Initial { .. } => FilingKind::Initial.label().to_owned(),
            Self::Annual { year, .. } => format!("Annual certification {year} (covers {})", year - 1),
            Self::ChangeNotice { what, .. } => format!("Change notice: {what}"),
            Self::ActivityReport { reseller_ref, .. } => {
                format!("Report of suspected malicious activity: {reseller_ref}")
            }
            Self::ExemptionApplication { scope, .. } => format!("Exemption application: {scope}"),
            Self::CipResubmission { assessor_reference, version, .. } => {
                format!("CIP resubmission: version {version} (assessment {assessor_reference})")
            }
            Self::AiReport { person, version, update_of, .. } => match update_of {
                Some(_) => format!("AI-training report update: {} (version {version})", person.customer_ref),
                None => format!("AI-training report: {}", person.customer_ref),
            },
        }
    }

    /// The document the engine draws.
    pub fn document(&self, masthead: Masthead, page: PageSize) -> FilingDoc {
        let blocks = match self {
            Self::Initial { .. } => initial_blocks(self),
            Self::Annual { .. } => annual_blocks(self),
            Self::ChangeNotice { .. } => change_blocks(self),
            Self::AiReport { .. } => ai_blocks(self),
            Self::ActivityReport { .. } => activity_blocks(self),
            Self::CipResubmission { .. } => resubmission_blocks(self),
            Self::ExemptionApplication { .. } => application_blocks(self),
        };
        FilingDoc { title: self.label(), masthead, page, blocks }
    }
}

fn heading(text: &str, rid: Option<&str>) -> Block {
    Block::Heading { text: text.to_owned(), rid: rid.map(str::to_owned) }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

fn by_country_table(rows: &[ByCountry], what: &str) -> Block {
    Block::Table {
        columns: vec![Column::text("Country (ISO 3166-1)", 0.7), Column::number(what, 0.3)],
        rows: rows.iter().map(|r| vec![r.country.clone(), r.count.to_string()]).collect(),
        empty: format!("No {}.", what.to_lowercase()),
    }
}

fn reseller_table(resellers: &[ResellerLine], with_attestation: bool) -> Block {
    let mut columns = vec![
        Column::text("Reference", 0.09),
        Column::text("Legal name", if with_attestation { 0.25 } else { 0.52 }),
        Column::text("Country", 0.08),
        Column::text("Status", if with_attestation { 0.12 } else { 0.31 }),
    ];
    if with_attestation {
        columns.extend([
            Column::text("Attestation", 0.12),
            Column::number("Customers", 0.12),
            Column::number("Not verified", 0.11),
            Column::number("Refused", 0.11),
        ]);
    }
    let rows = resellers
        .iter()
        .map(|r| {
            let mut row =
                vec![r.reseller_ref.clone(), r.legal_name.clone(), r.country.clone(), r.status.clone()];
            if with_attestation {
                row.push(r.attestation.clone());
                match r.reported {
                    Some((c, u, f)) => row.extend([c.to_string(), u.to_string(), f.to_string()]),
                    None => row.extend(["—".to_owned(), "—".to_owned(), "—".to_owned()]),
                }
            }
            row
        })
        .collect();
    Block::Table { columns, rows, empty: "The provider has no foreign resellers.".into() }
}

fn initial_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::Initial {
        provider,
        address,
        cip_version,
        elements,
        customers,
        owners,
        resellers,
        signer,
        ..
    } = s
    else {
        return Vec::new();
    };
    let mut blocks = vec![
        Block::Facts {
            facts: vec![
                ("Provider".into(), provider.clone()),
                ("Address".into(), address.clone()),
                (
                    "Written CIP".into(),
                    cip_version.map_or_else(|| "none approved".to_owned(), |v| format!("version {v}")),
                ),
            ],
        },
        paragraph(
            "The provider certifies its Customer Identification Program as follows. Each element the rule asks for \
             is answered below; numbers are counted from the provider's records when this filing was drafted.",
        ),
    ];
    for (n, e) in elements.iter().enumerate() {
        blocks.push(heading(&format!("{}. {}", n + 1, e.title), Some(&e.rid)));
        blocks.push(paragraph(e.answer.clone()));
        // A list the answer already says is empty is not printed again.
        match e.key.as_str() {
            "customers_by_location" if !customers.is_empty() => {
                blocks.push(by_country_table(customers, "Foreign customers"));
            }
            "beneficial_owners_by_location" if !owners.is_empty() => {
                blocks.push(by_country_table(owners, "Foreign beneficial owners"));
            }
            "foreign_resellers" if !resellers.is_empty() => blocks.push(reseller_table(resellers, false)),
            _ => {}
        }
    }
    blocks.push(heading("Certification", None));
    blocks.push(Block::Signature {
        signer: signer.clone(),
        statement: "I certify that the information in this filing is true and complete.".into(),
    });
    blocks
}

fn annual_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::Annual { provider, year, statements, unverifiable, refused, cases, resellers, signer } = s
    else {
        return Vec::new();
    };
    let covered = year - 1;
    let mut blocks = vec![
        Block::Facts {
            facts: vec![
                ("Provider".into(), provider.clone()),
                ("Year covered".into(), format!("1 January – 31 December {covered}")),
            ],
        },
        heading("Statements", Some("R13")),
    ];
    for (n, (statement, rid)) in statements.iter().enumerate() {
        blocks.push(paragraph(format!("{}. {statement} ({rid}): certified.", n + 1)));
    }
    blocks.push(heading(&format!("Counts for {covered}"), Some("R13")));
    blocks.push(Block::Facts {
        facts: vec![
            ("Identity could not be verified".into(), format!("{unverifiable} time(s)")),
            ("Accounts refused".into(), format!("{refused} account(s)")),
        ],
    });
    blocks.push(heading("How each case of unverified identity was resolved", Some("R13")));
    blocks.push(Block::Table {
        columns: vec![
            Column::text("Customer", 0.2),
            Column::text("Country", 0.12),
            Column::text("Could not verify on", 0.2),
            Column::text("Resolution", 0.48),
        ],
        rows: cases
            .iter()
            .map(|c| vec![c.customer_ref.clone(), c.country.clone(), c.on.clone(), c.resolution.clone()])
            .collect(),
        empty: format!("No case of unverified identity in {covered}."),
    });
    blocks.push(heading("Foreign resellers and their certifications", Some("R18")));
    blocks.push(reseller_table(resellers, true));
    blocks.push(heading("Certification", None));
    blocks.push(Block::Signature {
        signer: signer.clone(),
        statement: format!("I certify the statements and counts above for {covered}."),
    });
    blocks
}

fn change_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::ChangeNotice { provider, event_id, what, on, due, signer } = s else {
        return Vec::new();
    };
    vec![
        Block::Facts {
            facts: vec![
                ("Provider".into(), provider.clone()),
                ("Change".into(), what.clone()),
                ("Took effect".into(), on.clone()),
                ("Notice due".into(), due.clone()),
                ("Event".into(), event_id.clone()),
            ],
        },
        paragraph(
            "The provider notifies the Department of Commerce of the change above, out of the annual cycle, \
             as the rule asks for a significant change of business or corporate structure, a material change to \
             the CIP, or a change of the provider's or a reseller's primary CIP contact.",
        ),
        heading("Certification", None),
        Block::Signature {
            signer: signer.clone(),
            statement: "I certify that this notice is true and complete.".into(),
        },
    ]
}

fn activity_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::ActivityReport {
        provider,
        event_id,
        reseller_ref,
        legal_name,
        country,
        registration_ids,
        contact,
        status,
        aware_on,
        notes,
        due,
        signer,
    } = s
    else {
        return Vec::new();
    };
    vec![
        Block::Facts {
            facts: vec![
                ("Provider".into(), provider.clone()),
                ("Aware since".into(), aware_on.clone()),
                ("Report due".into(), due.clone()),
                ("Finding".into(), event_id.clone()),
            ],
        },
        paragraph(
            "The provider reports suspected malicious cyber-enabled activity it found at a foreign reseller of its \
             IaaS products that does not comply with its Customer Identification Program obligations.",
        ),
        heading("The foreign reseller", Some("R17")),
        Block::Facts {
            facts: vec![
                ("Legal name".into(), legal_name.clone()),
                ("Reference".into(), reseller_ref.clone()),
                ("Country".into(), country.clone()),
                (
                    "Registration".into(),
                    if registration_ids.is_empty() {
                        "not recorded".into()
                    } else {
                        registration_ids.clone()
                    },
                ),
                ("Primary CIP contact".into(), contact.clone()),
                ("Status in the provider's register".into(), status.clone()),
            ],
        },
        heading("What was found and what was done", Some("R19")),
        Block::Table {
            columns: vec![Column::text("Day", 0.16), Column::text("Note", 0.16), Column::text("What", 0.68)],
            rows: notes.iter().map(|n| vec![n.on.clone(), n.kind.clone(), n.text.clone()]).collect(),
            empty: "No note is recorded.".into(),
        },
        heading("Certification", None),
        Block::Signature {
            signer: signer.clone(),
            statement:
                "I certify that this report is true and complete to the best of the provider's knowledge."
                    .into(),
        },
    ]
}

/// One criterion of the ADP dossier as an exemption application prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdpCriterionSnapshot {
    /// As printed.
    pub title: String,
    /// Its requirement.
    pub rid: String,
    /// The narrative's paragraphs (Markdown flattened to text).
    pub narrative: Vec<String>,
    /// The evidence, one line each (a vault document's name and SHA-256, or a record's summary).
    pub evidence: Vec<String>,
    /// Who answers for it.
    pub owner: String,
    /// Next review (YYYY-MM-DD), if set.
    pub review_on: Option<String>,
    /// no evidence | narrative only | evidenced | reviewed.
    pub strength: String,
}

fn application_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::ExemptionApplication { provider, scope, criteria, signer } = s else {
        return Vec::new();
    };
    let mut blocks = vec![
        Block::Facts {
            facts: vec![
                ("Provider".into(), provider.clone()),
                ("Exemption sought for".into(), scope.clone()),
                (
                    "Criteria answered".into(),
                    format!(
                        "{} of {} ({} evidenced or reviewed)",
                        criteria.iter().filter(|c| c.strength != "no evidence").count(),
                        criteria.len(),
                        criteria
                            .iter()
                            .filter(|c| c.strength == "evidenced" || c.strength == "reviewed")
                            .count()
                    ),
                ),
            ],
        },
        paragraph(
            "The provider applies for an exemption from the Customer Identification Program requirements on the \
             strength of its Abuse of IaaS Products Deterrence Program, described below against each criterion \
             Commerce weighs.",
        ),
    ];
    for c in criteria {
        blocks.push(heading(&c.title, Some(&c.rid)));
        blocks.push(Block::Facts {
            facts: vec![
                ("Owner".into(), if c.owner.is_empty() { "not named".into() } else { c.owner.clone() }),
                ("Next review".into(), c.review_on.clone().unwrap_or_else(|| "not set".into())),
                ("Standing".into(), c.strength.clone()),
            ],
        });
        if c.narrative.is_empty() {
            blocks.push(paragraph("Not answered yet."));
        }
        blocks.extend(c.narrative.iter().map(|p| paragraph(p.clone())));
        blocks.push(Block::Table {
            columns: vec![Column::text("Evidence", 1.0)],
            rows: c.evidence.iter().map(|e| vec![e.clone()]).collect(),
            empty: "No evidence is attached.".into(),
        });
    }
    blocks.push(heading("Certification", None));
    blocks.push(Block::Signature {
        signer: signer.clone(),
        statement:
            "I certify that this description of the provider's Abuse of IaaS Products Deterrence Program is \
                    true and complete to the best of the provider's knowledge."
                .into(),
    });
    blocks
}

/// A finding as a resubmission lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ResubmittedFinding {
    /// 1, 2, …
    pub number: u32,
    /// What was found.
    pub title: String,
    /// low | medium | high.
    pub severity: String,
    /// The requirements it concerns.
    pub rids: Vec<String>,
    /// Commerce's date.
    pub due_on: String,
    /// closed on YYYY-MM-DD | open.
    pub status: String,
    /// What was done: the remediation notes, oldest first.
    pub remediation: Vec<String>,
    /// The CIP version that answers it, when named.
    #[ts(type = "number | null")]
    pub cip_version: Option<i64>,
}

/// One section's change, excerpted for a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SectionExcerpt {
    /// The section's heading.
    pub title: String,
    /// Its requirement.
    pub rid: String,
    /// added | changed | removed.
    pub change: String,
    /// Changed lines, `+ ` added, `− ` removed (a few, then how many more).
    pub lines: Vec<String>,
}

fn resubmission_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::CipResubmission {
        provider,
        assessment_id,
        assessor_reference,
        assessed_on,
        scope,
        findings,
        assessed_version,
        version,
        version_sha256,
        changes,
        due,
        signer,
    } = s
    else {
        return Vec::new();
    };
    let open = findings.iter().filter(|f| f.status == "open").count();
    let mut blocks = vec![
        Block::Facts {
            facts: vec![
                ("Provider".into(), provider.clone()),
                ("Assessment".into(), format!("{assessor_reference}, {assessed_on}")),
                ("Scope".into(), scope.clone()),
                ("Assessment record".into(), assessment_id.clone()),
                (
                    "CIP resubmitted".into(),
                    format!(
                        "version {version}{} (SHA-256 {})",
                        assessed_version
                            .map_or(String::new(), |v| format!(", replacing version {v} assessed")),
                        version_sha256.get(..16).unwrap_or(version_sha256)
                    ),
                ),
                ("Due".into(), due.clone().unwrap_or_else(|| "as Commerce directs".into())),
            ],
        },
        paragraph(format!(
            "Following Commerce's compliance assessment, the provider resubmits its remediated Customer \
             Identification Program. Finding(s) made: {}; still open: {}.",
            findings.len(),
            open
        )),
        heading("Findings and remediation", Some("R16")),
        Block::Table {
            columns: vec![
                Column::text("No.", 0.06),
                Column::text("Finding", 0.3),
                Column::text("Severity · R-ids", 0.14),
                Column::text("Status", 0.14),
                Column::text("What was done", 0.36),
            ],
            rows: findings
                .iter()
                .map(|f| {
                    let answered = f.cip_version.map_or(String::new(), |v| format!(" (CIP version {v})"));
                    vec![
                        f.number.to_string(),
                        format!("{} — remediate by {}", f.title, f.due_on),
                        format!("{} · {}", f.severity, f.rids.join(", ")),
                        format!("{}{answered}", f.status),
                        if f.remediation.is_empty() { "—".into() } else { f.remediation.join(" · ") },
                    ]
                })
                .collect(),
            empty: "The assessment made no finding.".into(),
        },
        heading("What changed in the CIP", Some("R1")),
    ];
    if changes.is_empty() {
        blocks.push(paragraph("The CIP's text is unchanged since the version assessed."));
    }
    for c in changes {
        blocks.push(paragraph(format!("{} ({}) — {}", c.title, c.rid, c.change)));
        blocks.push(Block::Table {
            columns: vec![Column::text("Excerpt", 1.0)],
            rows: c.lines.iter().map(|l| vec![l.clone()]).collect(),
            empty: "—".into(),
        });
    }
    blocks.push(heading("Certification", None));
    blocks.push(Block::Signature {
        signer: signer.clone(),
        statement: "I certify that the resubmitted CIP is the provider's program in force and that the \
                    remediation described is true and complete to the best of the provider's knowledge."
            .into(),
    });
    blocks
}

fn ai_blocks(s: &Snapshot) -> Vec<Block> {
    let Snapshot::AiReport {
        provider,
        case_id,
        version,
        update_of,
        changes,
        person,
        reseller,
        arrangement,
        red_flags,
        evaluation,
        conditions,
        transaction_on,
        known_on,
        due,
        signer,
    } = s
    else {
        return Vec::new();
    };
    let mut facts = vec![
        ("Provider".to_owned(), provider.clone()),
        ("Case".to_owned(), format!("{case_id}, arrangement version {version}")),
        ("Transaction or change".to_owned(), transaction_on.clone()),
        ("Known to the provider".to_owned(), known_on.clone()),
        ("Report due".to_owned(), due.clone()),
    ];
    if let Some(original) = update_of {
        facts.insert(1, ("Updates".to_owned(), original.clone()));
    }
    if let Some(r) = reseller {
        facts.push(("Through foreign reseller".to_owned(), r.clone()));
    }
    let mut blocks = vec![
        Block::Facts { facts },
        paragraph(if update_of.is_some() {
            "The provider updates its report of a transaction by, for or on behalf of a foreign person that results              or could result in the training of a large AI model with potential capabilities that could be used in              malicious cyber-enabled activity: the arrangement below changed."
        } else {
            "The provider reports a transaction by, for or on behalf of a foreign person that results or could              result in the training of a large AI model with potential capabilities that could be used in malicious              cyber-enabled activity."
        }),
    ];
    if !changes.is_empty() {
        blocks.push(heading("What changed", Some("R23")));
        blocks.extend(changes.iter().map(|c| paragraph(format!("• {c}"))));
    }
    blocks.push(heading("The training run", Some("R23")));
    blocks.push(Block::Facts { facts: arrangement.clone() });
    blocks.push(paragraph(format!(
        "Evaluation under the rule pack {}: {}. {}",
        evaluation.pack_id,
        evaluation.coverage.label(),
        evaluation.reasons.join(" ")
    )));
    blocks.push(heading("The arithmetic", Some("R26")));
    blocks.push(Block::Table {
        columns: vec![Column::text("Step", 0.24), Column::text("How", 0.52), Column::text("Result", 0.24)],
        rows: evaluation
            .steps
            .iter()
            .map(|st| vec![st.what.clone(), st.how.clone(), st.result.clone()])
            .collect(),
        empty: "No step.".into(),
    });
    blocks.push(Block::Table {
        columns: vec![
            Column::text("Condition (rule pack)", 0.34),
            Column::text("Figure", 0.2),
            Column::text("Threshold", 0.2),
            Column::number("Share", 0.13),
            Column::text("Met", 0.13),
        ],
        rows: evaluation
            .tests
            .iter()
            .map(|t| {
                let assumed = if t.assumed { " ⚠" } else { "" };
                vec![
                    format!("{}{assumed}", t.condition),
                    t.figure.clone(),
                    t.threshold.clone(),
                    t.share.clone(),
                    if t.meets {
                        "yes".into()
                    } else if t.near {
                        "near".into()
                    } else {
                        "no".into()
                    },
                ]
            })
            .collect(),
        empty: "No condition.".into(),
    });
    blocks.push(heading("The rule pack's conditions and factors", Some("R26")));
    blocks.push(Block::Facts { facts: conditions.clone() });
    if !red_flags.is_empty() {
        blocks.push(heading("Red flags", Some("R23")));
        blocks.extend(red_flags.iter().map(|f| paragraph(format!("• {f}"))));
    }
    blocks.push(heading("The foreign person", Some("R2")));
    let list = |v: &[String]| if v.is_empty() { "none recorded".to_owned() } else { v.join("; ") };
    blocks.push(Block::Facts {
        facts: vec![
            ("Name".into(), person.name.clone()),
            ("Customer reference".into(), person.customer_ref.clone()),
            ("Kind".into(), person.kind.clone()),
            ("Address".into(), person.address.clone()),
            ("Country".into(), person.country.clone()),
            ("E-mail addresses".into(), list(&person.emails)),
            ("Telephone numbers".into(), list(&person.phones)),
        ],
    });
    blocks.push(heading("Accounts, means and source of payment", Some("R2")));
    blocks.push(Block::Table {
        columns: vec![
            Column::text("Account", 0.2),
            Column::text("Means of payment", 0.3),
            Column::text("Source of payment", 0.32),
            Column::text("Opened", 0.18),
        ],
        rows: person
            .accounts
            .iter()
            .map(|a| {
                vec![
                    a.account_ref.clone(),
                    a.payment_means.clone(),
                    a.payment_source.clone(),
                    a.opened_on.clone(),
                ]
            })
            .collect(),
        empty: "No account recorded.".into(),
    });
    if !person.owners.is_empty() {
        blocks.push(heading("Beneficial owners", Some("R5")));
        blocks.push(Block::Table {
            columns: vec![Column::text("Name", 0.7), Column::text("Country", 0.3)],
            rows: person.owners.iter().map(|(n, c)| vec![n.clone(), c.clone()]).collect(),
            empty: String::new(),
        });
    }
    blocks.push(heading("IP addresses and times of access", Some("R2")));
    let distinct: std::collections::BTreeSet<&str> =
        person.ip_accesses.iter().map(|a| a.ip.as_str()).collect();
    let ip_table = |rows: &[IpLine]| Block::Table {
        columns: vec![
            Column::text("Account", 0.2),
            Column::text("IP address", 0.34),
            Column::text("Date and time (UTC)", 0.32),
            Column::text("Use", 0.14),
        ],
        rows: rows
            .iter()
            .map(|a| vec![a.account_ref.clone(), a.ip.clone(), a.at.clone(), a.kind.clone()])
            .collect(),
        empty: "No IP access is recorded for these accounts.".into(),
    };
    let many = person.ip_accesses.len() > IP_INLINE_MAX;
    if many {
        blocks.push(paragraph(format!(
            "{} accesses from {} distinct IP addresses are recorded; each is listed with its date and time in Annex A.",
            person.ip_accesses.len(),
            distinct.len()
        )));
    } else {
        blocks.push(ip_table(&person.ip_accesses));
    }
    blocks.push(heading("Certification", None));
    blocks.push(Block::Signature {
        signer: signer.clone(),
        statement: "I certify that this report is true and complete to the best of the provider's knowledge."
            .into(),
    });
    if many {
        blocks.push(heading("Annex A — every IP access", Some("R2")));
        blocks.push(ip_table(&person.ip_accesses));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masthead() -> Masthead {
        Masthead {
            provider: "Example Cloud LLC".into(),
            kind: "Annual certification".into(),
            filing_id: "F-1".into(),
            pack_id: "pack".into(),
            checkpoint: "ab".repeat(32),
        }
    }

    #[test]
    fn an_annual_certification_lists_statements_counts_cases_and_resellers() {
        let snapshot = Snapshot::Annual {
            provider: "Example Cloud LLC".into(),
            year: 2026,
            statements: vec![("The CIP was reviewed during the year".into(), "R13".into())],
            unverifiable: 3,
            refused: 2,
            cases: Vec::new(),
            resellers: vec![ResellerLine {
                reseller_ref: "R-01".into(),
                legal_name: "Nordic".into(),
                country: "SE".into(),
                status: "active".into(),
                attestation: "complete".into(),
                reported: Some((41, 4, 1)),
            }],
            signer: "Olivia Officer".into(),
        };
        assert_eq!(snapshot.label(), "Annual certification 2026 (covers 2025)");
        let doc = snapshot.document(masthead(), PageSize::Letter);
        let text = serde_json::to_string(&doc.blocks).expect("json");
        for needle in
            ["3 time(s)", "2 account(s)", "No case of unverified identity in 2025.", "\"41\"", "certified"]
        {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
        let json = serde_json::to_string(&snapshot).expect("json");
        assert_eq!(serde_json::from_str::<Snapshot>(&json).expect("back"), snapshot, "frozen as JSON");
    }

    #[test]
    fn codes_round_trip() {
        for kind in FilingKind::ALL {
            assert_eq!(FilingKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(FilingState::from_code("filed"), Some(FilingState::Filed));
        assert!(PageSize::Letter.mm().1 < PageSize::A4.mm().1);
    }
}
