//! Bulk import of customers from CSV (R2), all or nothing.
//!
//! The file is read whole and checked whole: every bad row is reported as
//! `row N: column: message` (N counts the header as row 1, as a spreadsheet does), and nothing is
//! imported unless every row is good. UTF-8 with or without a byte-order mark; CRLF or LF.
//! Columns are documented in `assets/templates/README.md`; multiple emails or phones are
//! separated by `;`.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use crate::customer::{Address, CustomerKind, NewCustomer, Payment, UsPerson, ValidCustomer};
use crate::error::CoreError;
use crate::rules::RiskTier;

/// The customers file's columns, in template order.
pub const CUSTOMER_COLUMNS: [&str; 19] = [
    "customer_ref",
    "kind",
    "name",
    "country",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "emails",
    "phones",
    "us_person",
    "reseller_ref",
    "account_ref",
    "payment_method",
    "payment_last4",
    "payment_source",
    "risk_tier",
    "opened_on",
];

/// One problem in one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RowError {
    /// 1-based line as a spreadsheet shows it (the header is row 1).
    #[ts(type = "number")]
    pub row: u64,
    /// The column, or `(file)` / `(row)` for problems of the whole file or row.
    pub column: String,
    /// What is wrong (never the value itself: it may be PII).
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}: {}: {}", self.row, self.column, self.message)
    }
}

/// Columns a customers file may add: `national_id`, the pack's optional national identity
/// number (R2, kept as given); `payment_card`, a full card number read only to check it,
/// keep its last four digits and network and fingerprint it (never stored); `account_type`, the
/// provider's product the account is of (e.g. `gpu-cluster`), which an exemption may cover (R20).
const CUSTOMER_OPTIONAL_COLUMNS: [&str; 3] = ["payment_card", "national_id", "account_type"];

/// The longest account type accepted.
pub const ACCOUNT_TYPE_MAX: usize = 64;

/// The longest national identity number accepted.
pub const NATIONAL_ID_MAX: usize = 64;

/// A good row, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCustomer {
    /// The row it came from.
    pub row: u64,
    /// The validated customer and first account.
    pub customer: ValidCustomer,
    /// The foreign reseller it came through, if any.
    pub reseller_ref: Option<String>,
    /// When the account was opened.
    pub opened_on: NaiveDate,
    /// The full card number, when the file gave one (for the keyed fingerprint; never stored).
    pub card: Option<crate::card::CardNumber>,
    /// The national identity number, when the file gave one (R2, optional in the pack).
    pub national_id: Option<String>,
    /// The account's type, when the file gave one (R20 exemptions may cover it).
    pub account_type: Option<String>,
}

/// Parses and validates a customers CSV. `Ok` only when every row is good.
///
/// # Errors
/// Every bad row (all of them, in order), or one `(file)` error when the header is unusable.
pub fn parse_customers(bytes: &[u8]) -> Result<Vec<ImportedCustomer>, Vec<RowError>> {
    let mut good = Vec::new();
    parse_customers_chunked(bytes, usize::MAX, &mut |rows| {
        good.extend(rows);
        true
    })?;
    Ok(good)
}

/// [`parse_customers`] handing the good rows on `chunk` at a time, in file order, so a caller
/// can store them while the rest of the file is still being checked (on another thread).
///
/// Chunks are handed on only while no bad row has been seen: after the first bad row the
/// caller must throw away what it got (the import is all or nothing), and every remaining row
/// is still checked so that every problem is reported. When `on_chunk` returns `false` the
/// parse stops there (the caller cancelled) and returns `Ok`.
///
/// # Errors
/// Every bad row (all of them, in order), or one `(file)` error when the header is unusable.
pub fn parse_customers_chunked(
    bytes: &[u8],
    chunk: usize,
    on_chunk: &mut dyn FnMut(Vec<ImportedCustomer>) -> bool,
) -> Result<(), Vec<RowError>> {
    let chunk = chunk.max(1);
    let (header, mut reader) = open_csv(bytes)?;
    let missing: Vec<&str> =
        CUSTOMER_COLUMNS.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(file_error(format!("missing column(s): {}", missing.join(", "))));
    }
    let unknown: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| !CUSTOMER_COLUMNS.contains(h) && !CUSTOMER_OPTIONAL_COLUMNS.contains(h))
        .collect();
    if !unknown.is_empty() {
        return Err(file_error(format!("unknown column(s): {}", unknown.join(", "))));
    }
    let index = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let columns: Vec<usize> = CUSTOMER_COLUMNS.iter().map(|c| index(c)).collect();

    let mut good = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut refs = HashSet::new();
    let mut accounts = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        if let Some(too_many) = past_last_row(row) {
            errors.push(too_many);
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError { row, column: "(row)".into(), message: csv_reason(&e) });
                continue;
            }
        };
        if let Some(long) = oversized_field(row, &record, &header) {
            errors.push(long);
            continue;
        }
        if record.len() != header.len() {
            errors.push(RowError {
                row,
                column: "(row)".into(),
                message: format!("has {} fields where the header has {}", record.len(), header.len()),
            });
            continue;
        }
        let get = |name: &str| {
            let position =
                CUSTOMER_COLUMNS.iter().position(|c| *c == name).map_or_else(|| index(name), |p| columns[p]);
            record.get(position).unwrap_or_default()
        };
        let mut row_errors = Vec::new();
        let mut bad = |column: &str, message: &str| {
            row_errors.push(RowError { row, column: column.into(), message: message.into() });
        };
        let kind = match get("kind").to_ascii_lowercase().as_str() {
            "individual" => Some(CustomerKind::Individual),
            "entity" => Some(CustomerKind::Entity),
            _ => {
                bad("kind", "must be individual or entity");
                None
            }
        };
        let us_person = match get("us_person").to_ascii_lowercase().as_str() {
            "yes" | "true" | "y" => Some(UsPerson::Yes),
            "no" | "false" | "n" => Some(UsPerson::No),
            "" | "unknown" | "undetermined" => Some(UsPerson::Undetermined),
            _ => {
                bad("us_person", "must be yes, no or empty (undetermined)");
                None
            }
        };
        let risk_tier = match get("risk_tier").to_ascii_lowercase().as_str() {
            "low" => Some(RiskTier::Low),
            "medium" => Some(RiskTier::Medium),
            "high" => Some(RiskTier::High),
            _ => {
                bad("risk_tier", "must be low, medium or high");
                None
            }
        };
        let opened_on = match get("opened_on").parse::<NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                bad("opened_on", "must be a date as YYYY-MM-DD");
                None
            }
        };
        let customer_ref = get("customer_ref").to_owned();
        if !customer_ref.is_empty() && !refs.insert(customer_ref.clone()) {
            bad("customer_ref", "appears on an earlier row of this file");
        }
        let account_ref = get("account_ref").to_owned();
        if !account_ref.is_empty() && !accounts.insert(account_ref.clone()) {
            bad("account_ref", "appears on an earlier row of this file");
        }
        let card = match get("payment_card") {
            "" => None,
            text => match crate::card::CardNumber::parse(text) {
                Ok(card) => {
                    let last4 = get("payment_last4").trim();
                    if !last4.is_empty() && last4 != card.last4() {
                        bad("payment_last4", "does not match the last four digits of payment_card");
                    }
                    Some(card)
                }
                Err(problem) => {
                    bad("payment_card", problem);
                    None
                }
            },
        };
        let national_id = match get("national_id").trim() {
            "" => None,
            text if text.chars().count() > NATIONAL_ID_MAX => {
                bad("national_id", "is longer than 64 characters");
                None
            }
            text if text.chars().any(char::is_control) => {
                bad("national_id", "holds a control character");
                None
            }
            text => Some(text.to_owned()),
        };
        let account_type = match get("account_type").trim() {
            "" => None,
            text if text.chars().count() > ACCOUNT_TYPE_MAX
                || !text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) =>
            {
                bad("account_type", "must be up to 64 letters, digits, '-', '_' or '.' (e.g. gpu-cluster)");
                None
            }
            text => Some(text.to_ascii_lowercase()),
        };
        let split = |text: &str| {
            text.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        };
        let (Some(kind), Some(us_person), Some(risk_tier), Some(opened_on)) =
            (kind, us_person, risk_tier, opened_on)
        else {
            errors.extend(row_errors);
            continue;
        };
        let customer = NewCustomer {
            customer_ref,
            kind,
            name: get("name").to_owned(),
            address: Address {
                line1: get("address_line1").to_owned(),
                line2: get("address_line2").to_owned(),
                city: get("city").to_owned(),
                region: get("region").to_owned(),
                postal_code: get("postal_code").to_owned(),
                country: get("country").to_owned(),
            },
            emails: split(get("emails")),
            phones: split(get("phones")),
            us_person,
            risk_tier,
            account_ref,
            payment: Payment {
                method: get("payment_method").to_owned(),
                last4: card
                    .as_ref()
                    .map_or_else(|| get("payment_last4").to_owned(), |c| c.last4().to_owned()),
                source: get("payment_source").to_owned(),
                network: card.as_ref().map_or_else(String::new, |c| c.network().to_owned()),
            },
        };
        match customer.validate() {
            Ok(valid) if row_errors.is_empty() => {
                let reseller = get("reseller_ref");
                if errors.is_empty() {
                    good.push(ImportedCustomer {
                        row,
                        customer: valid,
                        reseller_ref: (!reseller.is_empty()).then(|| reseller.to_owned()),
                        opened_on,
                        card,
                        national_id,
                        account_type,
                    });
                    if good.len() >= chunk && !on_chunk(std::mem::take(&mut good)) {
                        return Ok(());
                    }
                }
            }
            Ok(_) => errors.extend(row_errors),
            Err(crate::CoreError::Invalid(fields)) => {
                errors.extend(row_errors);
                errors.extend(fields.into_iter().map(|f| RowError {
                    row,
                    column: column_of(&f.field),
                    message: f.problem,
                }));
            }
            Err(other) => errors.push(RowError { row, column: "(row)".into(), message: other.to_string() }),
        }
        if !errors.is_empty() {
            // All or nothing: good rows after a bad one are checked but never handed on.
            good.clear();
        }
    }
    if !errors.is_empty() {
        return Err(capped(errors));
    }
    if !good.is_empty() {
        on_chunk(good);
    }
    Ok(())
}

/// The IP access log file's columns (R2: IP addresses used for access or administration, with
/// the date and time of each access).
pub const IP_COLUMNS: [&str; 4] = ["account_ref", "ip", "accessed_at", "kind"];

/// Access or administration (R2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccessKind {
    /// Use of the service.
    Access,
    /// Administration of the account.
    Admin,
}

/// One IP log entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpAccess {
    /// The row it came from.
    pub row: u64,
    /// The account.
    pub account_ref: String,
    /// The address (v4 or v6, canonical form).
    pub ip: std::net::IpAddr,
    /// When, UTC.
    pub accessed_at: chrono::DateTime<chrono::Utc>,
    /// Access or administration.
    pub kind: AccessKind,
}

/// Parses and validates an IP access log CSV (`account_ref, ip, accessed_at (RFC 3339), kind`).
/// `Ok` only when every row is good.
pub fn parse_ip_log(bytes: &[u8]) -> Result<Vec<IpAccess>, Vec<RowError>> {
    let (records, mut errors) = fixed_records(bytes, &IP_COLUMNS)?;
    let mut good = Vec::new();
    for (row, record) in records {
        let mut bad = |column: &str, message: &str| {
            errors.push(RowError { row, column: column.into(), message: message.into() });
        };
        let account_ref = record.get(0).unwrap_or_default();
        if account_ref.is_empty() {
            bad("account_ref", "is required");
        }
        let ip = record.get(1).unwrap_or_default().parse::<std::net::IpAddr>();
        if ip.is_err() {
            bad("ip", "is not an IPv4 or IPv6 address");
        }
        let at = chrono::DateTime::parse_from_rfc3339(record.get(2).unwrap_or_default());
        if at.is_err() {
            bad("accessed_at", "must be an RFC 3339 time with its offset, e.g. 2026-03-01T09:30:00Z");
        }
        let kind = match record.get(3).unwrap_or_default().to_ascii_lowercase().as_str() {
            "access" => Some(AccessKind::Access),
            "admin" => Some(AccessKind::Admin),
            _ => {
                bad("kind", "must be access or admin");
                None
            }
        };
        if let (Ok(ip), Ok(at), Some(kind), false) = (ip, at, kind, account_ref.is_empty()) {
            good.push(IpAccess {
                row,
                account_ref: account_ref.to_owned(),
                ip,
                accessed_at: at.with_timezone(&chrono::Utc),
                kind,
            });
        }
    }
    if errors.is_empty() { Ok(good) } else { Err(capped(errors)) }
}

/// The beneficial owners file's columns (R5).
pub const OWNER_COLUMNS: [&str; 11] = [
    "customer_ref",
    "name",
    "country",
    "ownership_pct",
    "control",
    "us_person",
    "emails",
    "phones",
    "address_line1",
    "city",
    "postal_code",
];

/// Columns an owners file may add: `ip_accesses`, the IP addresses the owner used to administer
/// the customer's accounts with the time of each (R2 for owners), `;`-separated `ip@time`
/// entries, e.g. `203.0.113.7@2026-03-01T09:30:00Z`.
pub const OWNER_OPTIONAL_COLUMNS: [&str; 1] = ["ip_accesses"];

/// One beneficial owner row, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedOwner {
    /// The row it came from.
    pub row: u64,
    /// The customer (an entity) it owns or controls.
    pub customer_ref: String,
    /// Full name.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Ownership in percent (0–100), when known.
    pub ownership_pct: Option<f64>,
    /// Exercises substantial control.
    pub control: bool,
    /// U.S.-person status.
    pub us_person: UsPerson,
    /// Emails.
    pub emails: Vec<String>,
    /// Phones, E.164.
    pub phones: Vec<String>,
    /// Address line.
    pub address_line1: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// IP addresses used to administer the customer's accounts, with the time of each (R2).
    pub ip_accesses: Vec<(std::net::IpAddr, chrono::DateTime<chrono::Utc>)>,
}

/// The reseller counts file's columns (R18): one signed return per row.
pub const RESELLER_COUNT_COLUMNS: [&str; 7] =
    ["reseller_ref", "period", "returned_on", "customers", "unverified", "refused", "statements_affirmed"];

/// Parses and validates a reseller counts CSV against today and the pack's annual statements:
/// `statements_affirmed` is `yes` (every statement) or `no` (an exception to follow up). `Ok`
/// only when every row is good; a reseller and period twice in the file is an error.
pub fn parse_reseller_counts(
    bytes: &[u8],
    today: chrono::NaiveDate,
    statements: &[&str],
) -> Result<Vec<(u64, crate::attestation::AttestationReturn)>, Vec<RowError>> {
    use crate::attestation::{AttestationReturn, ReportedCounts};
    let (records, mut errors) = fixed_records(bytes, &RESELLER_COUNT_COLUMNS)?;
    let mut good: Vec<(u64, AttestationReturn)> = Vec::new();
    for (row, record) in records {
        let before = errors.len();
        let mut bad =
            |column: &str, message: String| errors.push(RowError { row, column: column.into(), message });
        let field = |i: usize| record.get(i).unwrap_or_default();
        let period =
            field(1).parse::<i32>().map_err(|_| bad("period", "must be a calendar year, e.g. 2025".into()));
        let returned_on = field(2)
            .parse::<chrono::NaiveDate>()
            .map_err(|_| bad("returned_on", "must be a date as YYYY-MM-DD".into()));
        let mut count = |i: usize, column: &str| {
            field(i).parse::<u32>().map_err(|_| bad(column, "must be a whole number, 0 or more".into()))
        };
        let (customers, unverified, refused) =
            (count(3, "customers"), count(4, "unverified"), count(5, "refused"));
        let affirmed = match field(6).to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => Some(statements.iter().map(|s| (*s).to_owned()).collect()),
            "no" | "n" | "false" => Some(Vec::new()),
            _ => {
                bad("statements_affirmed", "must be yes or no".into());
                None
            }
        };
        let (Ok(period), Ok(returned_on), Ok(customers), Ok(unverified), Ok(refused), Some(affirmed)) =
            (period, returned_on, customers, unverified, refused, affirmed)
        else {
            continue;
        };
        let candidate = AttestationReturn {
            reseller_ref: field(0).to_owned(),
            period,
            returned_on,
            counts: ReportedCounts { customers, unverified, refused },
            affirmed,
            note: String::new(),
        };
        match candidate.validate(today, statements) {
            Ok(valid) => {
                if good.iter().any(|(_, g)| g.reseller_ref == valid.reseller_ref && g.period == valid.period)
                {
                    bad(
                        "(row)",
                        format!("{} {} appears twice in the file", valid.reseller_ref, valid.period),
                    );
                } else if errors.len() == before {
                    good.push((row, valid));
                }
            }
            Err(CoreError::Invalid(fields)) => {
                for f in fields {
                    bad(&f.field, f.problem);
                }
            }
            Err(other) => bad("(row)", other.to_string()),
        }
    }
    if errors.is_empty() { Ok(good) } else { Err(capped(errors)) }
}

/// Parses and validates a beneficial owners CSV. `Ok` only when every row is good.
pub fn parse_owners(bytes: &[u8]) -> Result<Vec<ImportedOwner>, Vec<RowError>> {
    let (header, records, mut errors) =
        records_with_optional(bytes, &OWNER_COLUMNS, &OWNER_OPTIONAL_COLUMNS)?;
    let mut good = Vec::new();
    for (row, record) in records {
        let get = |name: &str| {
            header.iter().position(|c| c == name).and_then(|i| record.get(i)).unwrap_or_default()
        };
        let before = errors.len();
        let mut bad = |column: &str, message: &str| {
            errors.push(RowError { row, column: column.into(), message: message.into() });
        };
        for required in ["customer_ref", "name"] {
            if get(required).is_empty() {
                bad(required, "is required");
            }
        }
        let country = crate::customer::normalise_country(get("country"));
        if country.is_none() {
            bad("country", "is not an ISO 3166-1 two-letter country code");
        }
        let pct = match get("ownership_pct").trim_end_matches('%').trim() {
            "" => Some(None),
            text => match text.parse::<f64>() {
                Ok(p) if (0.0..=100.0).contains(&p) => Some(Some(p)),
                _ => None,
            },
        };
        if pct.is_none() {
            bad("ownership_pct", "must be a percentage from 0 to 100");
        }
        let control = match get("control").to_ascii_lowercase().as_str() {
            "yes" | "true" | "y" => Some(true),
            "no" | "false" | "n" | "" => Some(false),
            _ => None,
        };
        if control.is_none() {
            bad("control", "must be yes or no");
        }
        let us_person = match get("us_person").to_ascii_lowercase().as_str() {
            "yes" | "true" | "y" => Some(UsPerson::Yes),
            "no" | "false" | "n" => Some(UsPerson::No),
            "" | "unknown" | "undetermined" => Some(UsPerson::Undetermined),
            _ => None,
        };
        if us_person.is_none() {
            bad("us_person", "must be yes, no or empty (undetermined)");
        }
        let emails: Vec<String> =
            get("emails").split(';').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect();
        if emails.iter().any(|e| !email_address::EmailAddress::is_valid(e)) {
            bad("emails", "is not a valid email address");
        }
        let mut phones = Vec::new();
        for phone in get("phones").split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match crate::customer::normalise_phone(phone, country.as_deref().unwrap_or("")) {
                Some(e164) => phones.push(e164),
                None => bad("phones", "is not a valid telephone number (use +<country code> …)"),
            }
        }
        let mut ip_accesses = Vec::new();
        for entry in get("ip_accesses").split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let parsed = entry.split_once('@').and_then(|(ip, at)| {
                Some((ip.trim().parse().ok()?, chrono::DateTime::parse_from_rfc3339(at.trim()).ok()?))
            });
            match parsed {
                Some((ip, at)) => ip_accesses.push((ip, at.with_timezone(&chrono::Utc))),
                None => bad(
                    "ip_accesses",
                    "each entry must be ip@time, e.g. 203.0.113.7@2026-03-01T09:30:00Z (entries split by ;)",
                ),
            }
        }
        if errors.len() > before {
            continue;
        }
        if let (Some(country), Some(pct), Some(control), Some(us_person)) = (country, pct, control, us_person)
        {
            good.push(ImportedOwner {
                row,
                customer_ref: get("customer_ref").to_owned(),
                name: get("name").to_owned(),
                country,
                ownership_pct: pct,
                control,
                us_person,
                emails,
                phones,
                address_line1: get("address_line1").to_owned(),
                city: get("city").to_owned(),
                postal_code: get("postal_code").to_owned(),
                ip_accesses,
            });
        }
    }
    if errors.is_empty() { Ok(good) } else { Err(capped(errors)) }
}

/// R5 warnings for one customer's owners (never errors: a file may list owners below the
/// threshold, and a reviewer decides): an entity without any beneficial owner, percentages
/// above 100, a beneficial owner lacking R2 contact or address data.
pub fn owner_warnings(kind: CustomerKind, owners: &[ImportedOwner], threshold_pct: f64) -> Vec<String> {
    let mut warnings = Vec::new();
    let beneficial: Vec<&ImportedOwner> =
        owners.iter().filter(|o| o.control || o.ownership_pct.is_some_and(|p| p >= threshold_pct)).collect();
    if kind == CustomerKind::Entity && beneficial.is_empty() {
        warnings.push(format!("no beneficial owner (control, or {threshold_pct} % or more) is recorded"));
    }
    let total: f64 = owners.iter().filter_map(|o| o.ownership_pct).sum();
    if total > 100.0 + 1e-9 {
        warnings.push(format!("ownership adds up to {total} %, more than 100 %"));
    }
    for owner in beneficial {
        if owner.address_line1.is_empty() || owner.city.is_empty() {
            warnings.push(format!("owner on row {} has no address (R2)", owner.row));
        }
        if owner.emails.is_empty() && owner.phones.is_empty() {
            warnings.push(format!("owner on row {} has no email or telephone (R2)", owner.row));
        }
    }
    warnings
}

/// An error of the whole file, reported on the header's row.
fn file_error(message: String) -> Vec<RowError> {
    vec![RowError { row: 1, column: "(file)".into(), message }]
}

/// A CSV's lower-cased header and the reader positioned at its first record.
type OpenedCsv<'a> = (Vec<String>, csv::Reader<&'a [u8]>);

/// Opens a CSV (UTF-8 with or without a byte-order mark, CRLF or LF, fields trimmed) and reads
/// its header, lower-cased.
fn open_csv(bytes: &[u8]) -> Result<OpenedCsv<'_>, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let header = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(file_error(format!("the header cannot be read: {}", csv_reason(&e)))),
    };
    Ok((header, reader))
}

/// A CSV record with its spreadsheet row number.
type NumberedRecord = (u64, csv::StringRecord);

/// A file's header as read, its good records and the rows' errors.
type ReadRecords = (Vec<String>, Vec<NumberedRecord>, Vec<RowError>);

/// Reads a CSV whose header must be exactly `columns`: the records with their row numbers, or
/// the row errors of the header and of rows with the wrong number of fields (those rows are
/// left out, and the caller reports them with its own).
fn fixed_records(
    bytes: &[u8],
    columns: &[&str],
) -> Result<(Vec<NumberedRecord>, Vec<RowError>), Vec<RowError>> {
    records_with_optional(bytes, columns, &[]).map(|(_, records, errors)| (records, errors))
}

/// Like [`fixed_records`], the header naming `columns` in order and then any of `optional`
/// (each once, in any order); returns the header read.
fn records_with_optional(
    bytes: &[u8],
    columns: &[&str],
    optional: &[&str],
) -> Result<ReadRecords, Vec<RowError>> {
    let (header, mut reader) = open_csv(bytes)?;
    let extra = header.get(columns.len()..).unwrap_or_default();
    let extra_ok =
        extra.iter().enumerate().all(|(i, c)| optional.contains(&c.as_str()) && !extra[..i].contains(c));
    if header.len() < columns.len() || header[..columns.len()] != *columns || !extra_ok {
        let more = if optional.is_empty() {
            String::new()
        } else {
            format!(", then optionally {}", optional.join(", "))
        };
        return Err(file_error(format!("the header must be exactly: {}{more}", columns.join(", "))));
    }
    let columns = header.clone();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        if let Some(too_many) = past_last_row(row) {
            errors.push(too_many);
            break;
        }
        if let Ok(r) = &record
            && let Some(long) = oversized_field(row, r, &header)
        {
            errors.push(long);
            continue;
        }
        match record {
            Ok(r) if r.len() == columns.len() => records.push((row, r)),
            Ok(r) => errors.push(RowError {
                row,
                column: "(row)".into(),
                message: format!("has {} fields where the header has {}", r.len(), columns.len()),
            }),
            Err(e) => errors.push(RowError { row, column: "(row)".into(), message: csv_reason(&e) }),
        }
    }
    Ok((columns, records, errors))
}

/// How far an import file may reach (issue 14). The file itself is read within the app's size
/// limit; these bound what its text can make the parser hold.
pub mod limits {
    /// Data rows of one file (the header not counted).
    pub const ROWS: u64 = 1_000_000;
    /// Bytes of one field (a name, an address line, a list of e-mails).
    pub const FIELD_BYTES: usize = 8 * 1024;
    /// Problems reported one by one; past this, one line says how many more there are.
    pub const ERRORS: usize = 1_000;
}

/// The error for the row past the last one read, if `row` is it.
fn past_last_row(row: u64) -> Option<RowError> {
    (row > limits::ROWS + 1).then(|| RowError {
        row,
        column: "(file)".into(),
        message: format!("has more than {} rows; split it into smaller files", limits::ROWS),
    })
}

/// The first field of `record` longer than [`limits::FIELD_BYTES`], as a row error naming its
/// column (never the value).
fn oversized_field(row: u64, record: &csv::StringRecord, header: &[String]) -> Option<RowError> {
    record.iter().position(|f| f.len() > limits::FIELD_BYTES).map(|i| RowError {
        row,
        column: header.get(i).cloned().unwrap_or_else(|| "(row)".into()),
        message: format!("is longer than {} bytes", limits::FIELD_BYTES),
    })
}

/// At most [`limits::ERRORS`] problems, then one that counts the rest.
fn capped(mut errors: Vec<RowError>) -> Vec<RowError> {
    if errors.len() > limits::ERRORS {
        let more = errors.len() - limits::ERRORS;
        errors.truncate(limits::ERRORS);
        errors.push(RowError {
            row: 0,
            column: "(file)".into(),
            message: format!("and {more} more problem(s) not listed; fix these and check again"),
        });
    }
    errors
}

/// `emails[1]` → `emails`; other field names are the column names.
fn column_of(field: &str) -> String {
    field.split('[').next().unwrap_or(field).to_owned()
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".into(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields where the header has {expected_len}")
        }
        _ => "cannot be read as CSV".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on";

    fn row(i: usize) -> String {
        format!(
            "C-{i:06},entity,Firma {i} GmbH,DE,Hauptstraße {i},,Berlin,BE,10115,a{i}@example.de;b{i}@example.de,+49 30 {:07},no,,A-{i:06},card,4242,Bank {i},high,2026-01-15",
            1_000_000 + i
        )
    }

    #[test]
    fn a_good_file_with_bom_and_crlf_imports_every_row() {
        let text = format!("\u{feff}{HEADER}\r\n{}\r\n{}\r\n", row(1), row(2));
        let rows = parse_customers(text.as_bytes()).expect("good");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].customer.0.emails.len(), 2, "split on ;");
        assert_eq!(rows[1].customer.0.phones, ["+49301000002"]);
        assert_eq!(rows[1].opened_on.to_string(), "2026-01-15");
    }

    #[test]
    fn chunks_come_in_file_order_and_stop_at_the_first_bad_row() {
        let good: Vec<String> = (0..25).map(row).collect();
        let text = format!("{HEADER}\n{}\n", good.join("\n"));
        let mut sizes = Vec::new();
        let mut rows = Vec::new();
        parse_customers_chunked(text.as_bytes(), 10, &mut |chunk| {
            sizes.push(chunk.len());
            rows.extend(chunk.into_iter().map(|r| r.row));
            true
        })
        .expect("good");
        assert_eq!(sizes, [10, 10, 5]);
        assert_eq!(rows, (2..27).collect::<Vec<u64>>(), "every row once, in order");

        // Row 14 is bad: the first chunk (rows 2–11) was handed on, nothing after it, and the
        // errors are exactly those of the whole-file parse.
        let mut lines = good.clone();
        lines[12] = lines[12].replace(",high,", ",extreme,");
        let text = format!("{HEADER}\n{}\n", lines.join("\n"));
        let mut handed = 0;
        let errors = parse_customers_chunked(text.as_bytes(), 10, &mut |chunk| {
            handed += chunk.len();
            true
        })
        .expect_err("bad row");
        assert_eq!(handed, 10);
        assert_eq!(errors, parse_customers(text.as_bytes()).expect_err("same errors"));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, 14);

        // The caller cancels after the first chunk: the parse stops there.
        let mut calls = 0;
        let text = format!("{HEADER}\n{}\n", good.join("\n"));
        parse_customers_chunked(text.as_bytes(), 10, &mut |_| {
            calls += 1;
            false
        })
        .expect("cancelled, not failed");
        assert_eq!(calls, 1);
    }

    #[test]
    fn ten_thousand_rows_with_known_bad_ones_report_exactly_those() {
        let mut lines = vec![HEADER.to_owned()];
        for i in 0..10_000 {
            lines.push(row(i));
        }
        // Rows are 1-based with the header as row 1: data line i is row i + 2.
        lines[1 + 17] = lines[1 + 17].replace(",DE,", ",XX,");
        lines[1 + 4242] = lines[1 + 4242].replace(",high,", ",extreme,");
        lines[1 + 9999] = lines[1 + 9999].replace(",4242,", ",4242424242424242,");
        lines[1 + 500] = row(499); // a duplicate reference
        let errors = parse_customers(lines.join("\n").as_bytes()).expect_err("bad rows");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "row 19: country: is not an ISO 3166-1 two-letter country code",
                "row 502: customer_ref: appears on an earlier row of this file",
                "row 502: account_ref: appears on an earlier row of this file",
                "row 4244: risk_tier: must be low, medium or high",
                "row 10001: payment_last4: must be exactly the last 4 digits (a full card number is never stored)",
            ]
        );
    }

    #[test]
    fn header_problems_are_reported_once() {
        let err = parse_customers(b"customer_ref,name\nC-1,X\n").expect_err("missing");
        assert_eq!(err.len(), 1);
        assert!(
            err[0].to_string().starts_with("row 1: (file): missing column(s): kind, country"),
            "{}",
            err[0]
        );
        let err = parse_customers(format!("{HEADER},passport\n").as_bytes()).expect_err("unknown");
        assert_eq!(err[0].to_string(), "row 1: (file): unknown column(s): passport");
    }

    #[test]
    fn an_ip_log_is_parsed_with_v4_v6_and_offsets_and_bad_rows_are_named() {
        let good = "account_ref,ip,accessed_at,kind\r\nA-1,203.0.113.7,2026-03-01T09:30:00Z,access\r\nA-1,2001:db8::1,2026-03-01T10:30:00+01:00,admin\r\n";
        let rows = parse_ip_log(good.as_bytes()).expect("good");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].ip.to_string(), "2001:db8::1");
        assert_eq!(rows[1].accessed_at.to_rfc3339(), "2026-03-01T09:30:00+00:00", "stored in UTC");
        assert_eq!(rows[1].kind, AccessKind::Admin);
        let bad = "account_ref,ip,accessed_at,kind\nA-1,203.0.113.999,2026-03-01,login\n";
        let shown: Vec<String> =
            parse_ip_log(bad.as_bytes()).expect_err("bad").iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "row 2: ip: is not an IPv4 or IPv6 address",
                "row 2: accessed_at: must be an RFC 3339 time with its offset, e.g. 2026-03-01T09:30:00Z",
                "row 2: kind: must be access or admin",
            ]
        );
    }

    const OWNERS: &str = "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code";

    #[test]
    fn owners_are_parsed_and_the_r5_warnings_follow_the_threshold() {
        let text = format!(
            "{OWNERS}\nC-1,Hans Eigner,de,60 %,no,no,h@example.de,+49 89 1234567,Weg 1,München,80331\n\
             C-1,Greta Kontrolle,AT,10,yes,,,,,,\nC-1,Kleiner Anteil,DE,45,no,no,k@example.de,,Weg 2,Köln,50667\n"
        );
        let owners = parse_owners(text.as_bytes()).expect("good");
        assert_eq!(owners.len(), 3);
        assert_eq!(owners[0].country, "DE");
        assert_eq!(owners[0].ownership_pct, Some(60.0));
        let warnings = owner_warnings(CustomerKind::Entity, &owners, 25.0);
        assert_eq!(
            warnings,
            [
                "ownership adds up to 115 %, more than 100 %",
                "owner on row 3 has no address (R2)",
                "owner on row 3 has no email or telephone (R2)",
            ]
        );
        let minor = &owners[2..];
        assert_eq!(
            owner_warnings(CustomerKind::Entity, minor, 50.0),
            ["no beneficial owner (control, or 50 % or more) is recorded"]
        );
        let bad = format!("{OWNERS}\nC-1,X,DE,120,maybe,,,,,,\n");
        let shown: Vec<String> =
            parse_owners(bad.as_bytes()).expect_err("bad").iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["row 2: ownership_pct: must be a percentage from 0 to 100", "row 2: control: must be yes or no"]
        );
    }

    #[test]
    fn short_rows_and_bad_utf8_name_the_row() {
        let mut bytes = format!("{HEADER}\nC-1,entity\n{}\n", row(3)).into_bytes();
        bytes.extend_from_slice(b"C-9,entity,\xff\xfe\n");
        let errors = parse_customers(&bytes).expect_err("bad");
        assert_eq!(errors[0].to_string(), "row 2: (row): has 2 fields where the header has 19");
        assert_eq!(errors[1].row, 4);
    }

    #[test]
    fn reseller_counts_report_every_bad_row_and_column() {
        let today: NaiveDate = "2026-02-01".parse().expect("date");
        let statements = ["cip_reviewed", "compliant"];
        let good = "reseller_ref,period,returned_on,customers,unverified,refused,statements_affirmed\r\n\
                    R-01,2025,2026-01-10,40,2,1,yes\r\nR-02,2025,2026-01-12,7,0,0,no\r\n";
        let rows = parse_reseller_counts(good.as_bytes(), today, &statements).expect("good");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].0, rows[0].1.counts.customers, rows[0].1.affirmed.len()), (2, 40, 2));
        assert!(rows[1].1.affirmed.is_empty(), "no = an exception");

        let bad = "reseller_ref,period,returned_on,customers,unverified,refused,statements_affirmed\n\
                   R-01,2026,2026-01-10,40,2,1,yes\n\
                   R-02,2025,10/01/2026,-3,0,0,maybe\n\
                   R-03,2025,2026-01-10,1,0,0,yes\n\
                   R-03,2025,2026-01-11,1,0,0,yes\n";
        let errors: Vec<String> = parse_reseller_counts(bad.as_bytes(), today, &statements)
            .expect_err("bad")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "row 2: period: 2026 has not ended yet",
                "row 3: returned_on: must be a date as YYYY-MM-DD",
                "row 3: customers: must be a whole number, 0 or more",
                "row 3: statements_affirmed: must be yes or no",
                "row 5: (row): R-03 2025 appears twice in the file",
            ]
        );
    }
}
