//! What the review screens show: queue rows and health, the review screen's data (R3–R6, R9).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::customer::{AccountState, CustomerKind};
use workbench_core::rules::{RefusalReason, RiskTier};
use workbench_core::verification::{
    DecisionKind, DecisionStatus, Element, Method, Outcome, QueueReason, QueueState,
};

/// Queue health (the dashboard's panel and the queue's header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueueHealth {
    /// Waiting and available now.
    #[ts(type = "number")]
    pub ready: i64,
    /// Sleeping until more information arrives.
    #[ts(type = "number")]
    pub snoozed: i64,
    /// Refusals waiting for a second reviewer.
    #[ts(type = "number")]
    pub awaiting_second: i64,
    /// Open items past their SLA.
    #[ts(type = "number")]
    pub past_sla: i64,
    /// When the oldest open item was opened.
    pub oldest_opened_at: Option<String>,
}

/// One queue row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueueListRow {
    /// Customer reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Individual or entity.
    pub kind: CustomerKind,
    /// Risk tier.
    pub risk_tier: RiskTier,
    /// Where the item stands.
    pub state: QueueState,
    /// Why it was opened.
    pub reason: QueueReason,
    /// Opened.
    pub opened_at: String,
    /// SLA due.
    pub due_at: String,
    /// Asleep until (more information asked for).
    pub available_at: String,
    /// Assigned reviewer's name.
    pub assigned_to: Option<String>,
    /// Reviewer holding it.
    pub taken_by: Option<String>,
    /// Held by the acting reviewer.
    pub mine: bool,
    /// Past its SLA.
    pub past_sla: bool,
}

/// Which part of the queue to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueueShow {
    /// Ready for review.
    Ready,
    /// Asleep (more information asked for).
    Snoozed,
    /// Refusals waiting for a second reviewer.
    AwaitingSecond,
}

/// A page of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QueuePage {
    /// Rows in working order (due date, risk, age).
    pub rows: Vec<QueueListRow>,
    /// How many in all.
    #[ts(type = "number")]
    pub total: i64,
    /// The whole queue's health.
    pub health: QueueHealth,
}

/// One element on the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ElementRow {
    /// Element.
    pub element: Element,
    /// Label.
    pub label: String,
    /// What the record says, shortly.
    pub summary: String,
    /// Approval needs it verified (the pack says).
    pub required: bool,
    /// Newest outcome.
    pub outcome: Option<Outcome>,
    /// Method of the newest check.
    pub method: Option<Method>,
    /// Reviewer's name.
    pub reviewer: Option<String>,
    /// When.
    pub at: Option<String>,
    /// A warning for the reviewer (e.g. R5 ownership).
    pub warning: Option<String>,
}

/// A file attached to a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EvidenceView {
    /// Id.
    pub id: String,
    /// Name as attached.
    pub original_name: String,
    /// Media type.
    pub media_type: String,
    /// Size.
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// The element it serves (may be empty).
    pub element: String,
    /// Added by (name).
    pub added_by: String,
    /// When.
    pub added_at: String,
    /// SHA-256 of the plaintext.
    pub sha256: String,
}

/// A decision on the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DecisionView {
    /// Id.
    pub id: String,
    /// Approve, refuse or more information.
    pub kind: DecisionKind,
    /// Refusal reason code.
    pub reason_code: String,
    /// Its title in the active pack.
    pub reason_title: String,
    /// Note.
    pub note: String,
    /// More information: asleep until.
    pub until: Option<String>,
    /// Decided by (name).
    pub decided_by: String,
    /// Decided by (id).
    pub decided_by_id: String,
    /// When.
    pub decided_at: String,
    /// In force, or a refusal waiting for (or declined by) a second reviewer.
    pub status: DecisionStatus,
    /// Second reviewer (name).
    pub second_by: Option<String>,
    /// When.
    pub second_at: Option<String>,
    /// An approval given without identity verification under an exemption: its reference (R20).
    pub exemption_reference: Option<String>,
}

/// An account on the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    /// Reference.
    pub account_ref: String,
    /// State (R6).
    pub state: AccountState,
    /// Means of payment.
    pub payment_method: String,
    /// Card last four.
    pub payment_last4: String,
    /// Source of payment.
    pub payment_source: String,
    /// Opened.
    pub opened_on: String,
    /// IP accesses.
    #[ts(type = "number")]
    pub ip_accesses: i64,
    /// Of which admin.
    #[ts(type = "number")]
    pub ip_admin: i64,
}

/// A beneficial owner on the review screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OwnerView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Percent.
    pub ownership_pct: Option<f64>,
    /// Control prong.
    pub control: bool,
    /// U.S.-person status.
    pub us_person: String,
    /// The newest determination's reason (R3), when one was made.
    pub us_person_reason: Option<String>,
    /// The newest determination names its evidence.
    pub determined_with_evidence: bool,
    /// At or over the pack's threshold, or control (R5).
    pub beneficial: bool,
    /// Address, one line.
    pub address: String,
    /// Emails (R2).
    pub emails: Vec<String>,
    /// Phones, E.164 (R2).
    pub phones: Vec<String>,
    /// IP addresses used to administer the accounts, with the time of each (R2), oldest first.
    pub ip_accesses: Vec<OwnerAccessView>,
    /// The owner's elements with their newest checks; `us_person` is met by the determination.
    pub elements: Vec<ElementRow>,
    /// Labels of the elements still to verify before the customer can be approved (R5; empty
    /// for an owner under the threshold without control, or one verified).
    pub missing: Vec<String>,
}

/// One IP access of a beneficial owner (R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OwnerAccessView {
    /// The address.
    pub ip: String,
    /// When (RFC 3339).
    pub accessed_at: String,
}

/// A customer notice (R9) on the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NoticeView {
    /// Id.
    pub id: String,
    /// The PDF in the vault (viewable like evidence).
    pub evidence_id: String,
    /// Rendered.
    pub rendered_at: String,
    /// By (name).
    pub rendered_by: String,
    /// Sent on (YYYY-MM-DD).
    pub sent_on: Option<String>,
    /// Acknowledged on (YYYY-MM-DD).
    pub acknowledged_on: Option<String>,
}

/// Everything the review screen shows for one customer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewView {
    /// Reference.
    pub customer_ref: String,
    /// Name.
    pub name: String,
    /// individual | entity.
    pub kind: String,
    /// Country.
    pub country: String,
    /// Risk tier.
    pub risk_tier: String,
    /// yes | no | undetermined.
    pub us_person: String,
    /// The newest determination's reason (R3).
    pub us_person_reason: Option<String>,
    /// Reseller.
    pub reseller_ref: Option<String>,
    /// Address, one line.
    pub address: String,
    /// Emails.
    pub emails: Vec<String>,
    /// Phones.
    pub phones: Vec<String>,
    /// Accounts.
    pub accounts: Vec<AccountView>,
    /// Beneficial owners.
    pub owners: Vec<OwnerView>,
    /// Elements with their checks.
    pub elements: Vec<ElementRow>,
    /// Attached evidence.
    pub evidence: Vec<EvidenceView>,
    /// Decisions, oldest first.
    pub decisions: Vec<DecisionView>,
    /// The queue item.
    pub queue: Option<QueueListRow>,
    /// Why approval is not possible yet (empty: it is).
    pub approval_blockers: Vec<String>,
    /// A refusal waiting for its second reviewer.
    pub pending_refusal: Option<DecisionView>,
    /// The acting reviewer holds the item.
    pub held_by_me: bool,
    /// Methods the CIP accepts.
    pub methods: Vec<Method>,
    /// Refusal reasons of the pack.
    pub refusal_reasons: Vec<RefusalReason>,
    /// Notices given (R9).
    pub notices: Vec<NoticeView>,
    /// R2 (optional in the pack): the national identity number, when given.
    pub national_id: Option<String>,
    /// R6: the terms the pending accounts run on, when placed and still running.
    pub terms: Option<super::TermsView>,
    /// R6: the terms the pack offers for pending accounts.
    pub pending_terms: Vec<workbench_core::rules::Term>,
    /// The pack's days to decide once an account runs under terms.
    #[ts(type = "number | null")]
    pub pending_decide_days: Option<i64>,
    /// R6 redress: the customer's appeals, oldest first.
    pub appeals: Vec<super::AppealView>,
    /// R20: why the customer needs no identity verification (an exemption of its account type).
    pub exemption: Option<String>,
}
