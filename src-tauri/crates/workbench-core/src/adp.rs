//! The Abuse of IaaS Products Deterrence Program (ADP) dossier (R20–R21) as pure rules: how
//! strong each criterion's answer is, and which criteria a pack adds or drops under an existing
//! dossier.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How well a criterion is answered, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Strength {
    /// Nothing written, nothing attached.
    NoEvidence,
    /// A narrative, no evidence behind it.
    NarrativeOnly,
    /// A narrative with evidence.
    Evidenced,
    /// Evidenced and reviewed since its narrative last changed.
    Reviewed,
}

impl Strength {
    /// Words for the coverage view.
    pub fn label(self) -> &'static str {
        match self {
            Self::NoEvidence => "no evidence",
            Self::NarrativeOnly => "narrative only",
            Self::Evidenced => "evidenced",
            Self::Reviewed => "reviewed",
        }
    }
}

/// A criterion's strength from its answer: whether a narrative is written, how many pieces of
/// evidence support it, and whether a review came after the narrative's latest version.
pub fn strength(narrative: bool, evidence: usize, reviewed_since: bool) -> Strength {
    match (narrative, evidence > 0, reviewed_since) {
        (true, true, true) => Strength::Reviewed,
        (true, true, false) => Strength::Evidenced,
        (true, false, _) => Strength::NarrativeOnly,
        (false, _, _) => Strength::NoEvidence,
    }
}

/// Which criteria keys the pack has that the dossier has not answered yet (new), and which the
/// dossier answered that the pack no longer lists (gone — kept, shown apart).
pub fn changes<'a>(pack: &[&'a str], answered: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let new = pack.iter().filter(|k| !answered.contains(k)).copied().collect();
    let gone = answered.iter().filter(|k| !pack.contains(k)).copied().collect();
    (new, gone)
}

/// A record in the workspace a criterion may cite as evidence, by its link text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "record", content = "number")]
#[ts(export)]
pub enum RecordLink {
    /// The foreign resellers' attestation matrix (R18).
    ResellerMatrix,
    /// The verification queue's statistics (R4).
    QueueStatistics,
    /// A version of the written CIP (R1).
    CipVersion(#[ts(type = "number")] i64),
}

impl RecordLink {
    /// Reads `reseller_matrix`, `queue_statistics` or `cip_version:N`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "reseller_matrix" => Some(Self::ResellerMatrix),
            "queue_statistics" => Some(Self::QueueStatistics),
            other => other.strip_prefix("cip_version:").and_then(|n| n.parse().ok()).map(Self::CipVersion),
        }
    }

    /// The stored text.
    pub fn code(&self) -> String {
        match self {
            Self::ResellerMatrix => "reseller_matrix".into(),
            Self::QueueStatistics => "queue_statistics".into(),
            Self::CipVersion(n) => format!("cip_version:{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_grows_with_narrative_evidence_and_review() {
        assert_eq!(strength(false, 0, false), Strength::NoEvidence);
        assert_eq!(strength(false, 2, true), Strength::NoEvidence, "evidence without words says nothing");
        assert_eq!(strength(true, 0, true), Strength::NarrativeOnly);
        assert_eq!(strength(true, 1, false), Strength::Evidenced);
        assert_eq!(strength(true, 1, true), Strength::Reviewed);
        assert!(Strength::NoEvidence < Strength::Reviewed);
    }

    #[test]
    fn a_pack_with_other_criteria_names_the_new_and_the_gone() {
        let (new, gone) =
            changes(&["size_fit", "red_flags", "audits"], &["size_fit", "red_flags", "data_sharing"]);
        assert_eq!((new, gone), (vec!["audits"], vec!["data_sharing"]));
    }

    #[test]
    fn record_links_read_back() {
        for link in [RecordLink::ResellerMatrix, RecordLink::QueueStatistics, RecordLink::CipVersion(3)] {
            assert_eq!(RecordLink::parse(&link.code()), Some(link));
        }
        assert_eq!(RecordLink::parse("cip_version:x"), None);
        assert_eq!(RecordLink::parse("customers"), None);
    }
}
