//! The written CIP (R1): its sections (the topics come from the rule pack), the rules for saving a
//! draft and approving a version, a readable diff between two versions, and the Markdown of each
//! section turned into safe HTML (the editor's preview) or into blocks (the PDF).

use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

use crate::error::{CoreError, FieldError};
use crate::rules::CipTopic;

/// The longest text a section may hold, in characters.
pub const MAX_SECTION_CHARS: usize = 100_000;

/// One section of a CIP version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CipSection {
    /// The pack topic's key.
    pub key: String,
    /// Heading.
    pub title: String,
    /// The requirement it answers.
    pub rid: String,
    /// The text, in Markdown.
    pub body: String,
}

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VersionState {
    /// Being written; may change.
    Draft,
    /// Approved by an officer; never changes again.
    Approved,
    /// A draft given up; kept for the record.
    Discarded,
}

impl VersionState {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Discarded => "discarded",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Draft, Self::Approved, Self::Discarded].into_iter().find(|s| s.code() == code)
    }
}

/// The sections a new draft starts with: one per pack topic in the pack's order, carrying the
/// text of the same key from `previous`; sections of `previous` the pack no longer lists follow
/// at the end, so a pack change never drops text.
pub fn outline(topics: &[CipTopic], previous: &[CipSection]) -> Vec<CipSection> {
    let mut sections: Vec<CipSection> = topics
        .iter()
        .map(|t| CipSection {
            key: t.key.clone(),
            title: t.title.clone(),
            rid: t.rid.clone(),
            body: previous.iter().find(|p| p.key == t.key).map(|p| p.body.clone()).unwrap_or_default(),
        })
        .collect();
    sections.extend(previous.iter().filter(|p| !topics.iter().any(|t| t.key == p.key)).cloned());
    sections
}

/// SHA-256 (hex) of a version's text: keys and bodies in order, unambiguously separated. Printed
/// on the rendered PDF and kept with the version.
pub fn content_sha256(sections: &[CipSection]) -> String {
    let mut hasher = Sha256::new();
    for s in sections {
        hasher.update((s.key.len() as u64).to_be_bytes());
        hasher.update(s.key.as_bytes());
        hasher.update((s.body.len() as u64).to_be_bytes());
        hasher.update(s.body.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks text being saved into a draft: only the draft's own sections, none too long, no
/// control characters other than tabs and line breaks.
pub fn check_edit(draft: &[CipSection], edited: &[CipSection]) -> Result<(), CoreError> {
    let mut errors = Vec::new();
    for s in edited {
        let field = format!("sections.{}", s.key);
        if !draft.iter().any(|d| d.key == s.key) {
            errors.push(FieldError { field, problem: "is not a section of this CIP".into() });
            continue;
        }
        if s.body.chars().count() > MAX_SECTION_CHARS {
            errors.push(FieldError {
                field,
                problem: format!("is longer than {MAX_SECTION_CHARS} characters"),
            });
        } else if s.body.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            errors.push(FieldError { field, problem: "contains a control character".into() });
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(CoreError::Invalid(errors)) }
}

/// What an approval needs to be checked against.
#[derive(Debug, Clone)]
pub struct ApprovalCheck<'a> {
    /// The draft's sections.
    pub sections: &'a [CipSection],
    /// Everyone who wrote in the draft (actor ids).
    pub authors: &'a [String],
    /// The approving officer.
    pub approver: &'a str,
    /// Whether an author may not approve (Settings: four eyes).
    pub four_eyes: bool,
    /// The date the version takes effect.
    pub effective_on: NaiveDate,
    /// Today, in the provider's time zone.
    pub today: NaiveDate,
    /// What changed, for the record.
    pub change_summary: &'a str,
    /// Whether this is the first version (nothing to summarise against).
    pub first: bool,
}

/// The rules for approving a draft: every section written (a CIP covers every topic the pack
/// lists), a summary of the change after the first version, an effective date not in the past,
/// and — with four eyes on — an approver who wrote none of it.
pub fn check_approval(check: &ApprovalCheck<'_>) -> Result<(), CoreError> {
    let mut errors: Vec<FieldError> = check
        .sections
        .iter()
        .filter(|s| s.body.trim().is_empty())
        .map(|s| FieldError {
            field: format!("sections.{}", s.key),
            problem: format!("“{}” ({}) is empty: a CIP covers every topic", s.title, s.rid),
        })
        .collect();
    if !check.first && check.change_summary.trim().is_empty() {
        errors.push(FieldError { field: "change_summary".into(), problem: "say what changed".into() });
    }
    if check.effective_on < check.today {
        errors.push(FieldError { field: "effective_on".into(), problem: "cannot be before today".into() });
    }
    if check.four_eyes && check.authors.iter().any(|a| a == check.approver) {
        errors.push(FieldError {
            field: "approver".into(),
            problem: "four eyes is on: an officer who did not write this draft must approve it".into(),
        });
    }
    if errors.is_empty() { Ok(()) } else { Err(CoreError::Invalid(errors)) }
}

/// Splits a whole-program Markdown file into section texts: each level-1 heading (`# …`) names a
/// section by its title or key (case-insensitive) and the lines up to the next one are its text.
/// A heading that names no section, a section named twice or text before the first heading is an
/// error naming the line.
pub fn split_program(topics: &[CipTopic], text: &str) -> Result<Vec<(String, String)>, CoreError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    let mut in_fence = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        let heading = (!in_fence).then(|| line.strip_prefix("# ")).flatten().map(str::trim);
        if let Some(name) = heading {
            let found = topics
                .iter()
                .find(|t| t.key.eq_ignore_ascii_case(name) || t.title.eq_ignore_ascii_case(name));
            match found {
                Some(t) if out.iter().any(|(k, _)| *k == t.key) => errors.push(FieldError {
                    field: format!("line {}", n + 1),
                    problem: format!("section “{}” appears twice", t.title),
                }),
                Some(t) => out.push((t.key.clone(), String::new())),
                None => errors.push(FieldError {
                    field: format!("line {}", n + 1),
                    problem: format!("heading “{name}” names no section of the pack's CIP outline"),
                }),
            }
            continue;
        }
        match out.last_mut() {
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None if !line.trim().is_empty() => {
                errors.push(FieldError {
                    field: format!("line {}", n + 1),
                    problem: "text before the first section heading (# Title)".into(),
                });
            }
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(CoreError::Invalid(errors));
    }
    Ok(out.into_iter().map(|(k, b)| (k, b.trim().to_owned())).collect())
}

/// How a section differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SectionChange {
    /// Same text.
    Unchanged,
    /// Text changed.
    Changed,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
}

/// A line of a section diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LineTag {
    /// In both.
    Same,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// Unchanged lines left out between two changes.
    Gap,
}

/// A piece of a diff line; `changed` marks the words that differ inside a changed line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Segment {
    /// Text.
    pub text: String,
    /// Whether these words changed.
    pub changed: bool,
}

/// One line of a section diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DiffLine {
    /// Same, added, removed or a gap.
    pub tag: LineTag,
    /// Line number in the older version (1-based).
    pub old_line: Option<u32>,
    /// Line number in the newer version.
    pub new_line: Option<u32>,
    /// The line, in pieces.
    pub segments: Vec<Segment>,
}

/// One section's diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SectionDiff {
    /// Key.
    pub key: String,
    /// Heading (the newer one's when both have it).
    pub title: String,
    /// Requirement.
    pub rid: String,
    /// How it changed.
    pub change: SectionChange,
    /// Changed lines with a little context; empty when unchanged.
    pub lines: Vec<DiffLine>,
}

/// Lines of context kept around each change.
const CONTEXT: usize = 2;

/// The difference between two versions, section by section in the newer version's order (then
/// sections only the older one has), word-level inside changed lines.
pub fn diff(old: &[CipSection], new: &[CipSection]) -> Vec<SectionDiff> {
    let mut out: Vec<SectionDiff> = new
        .iter()
        .map(|n| match old.iter().find(|o| o.key == n.key) {
            Some(o) if o.body == n.body => section_diff(n, SectionChange::Unchanged, Vec::new()),
            Some(o) => section_diff(n, SectionChange::Changed, line_diff(&o.body, &n.body)),
            None => section_diff(n, SectionChange::Added, line_diff("", &n.body)),
        })
        .collect();
    out.extend(
        old.iter()
            .filter(|o| !new.iter().any(|n| n.key == o.key))
            .map(|o| section_diff(o, SectionChange::Removed, line_diff(&o.body, ""))),
    );
    out
}

/// The changed sections of `diffs` as excerpts for a filing: each section's added (`+ `) and
/// removed (`− `) lines, at most `most` of them, then how many more.
pub fn excerpts(diffs: &[SectionDiff], most: usize) -> Vec<crate::filing::SectionExcerpt> {
    diffs
        .iter()
        .filter(|d| d.change != SectionChange::Unchanged)
        .map(|d| {
            let changed: Vec<String> = d
                .lines
                .iter()
                .filter_map(|l| {
                    let text: String = l.segments.iter().map(|s| s.text.as_str()).collect();
                    match l.tag {
                        LineTag::Added if !text.trim().is_empty() => Some(format!("+ {text}")),
                        LineTag::Removed if !text.trim().is_empty() => Some(format!("− {text}")),
                        _ => None,
                    }
                })
                .collect();
            let mut lines: Vec<String> = changed.iter().take(most).cloned().collect();
            if changed.len() > most {
                lines.push(format!("… and {} more changed line(s)", changed.len() - most));
            }
            let change = match d.change {
                SectionChange::Added => "added",
                SectionChange::Removed => "removed",
                _ => "changed",
            };
            crate::filing::SectionExcerpt {
                title: d.title.clone(),
                rid: d.rid.clone(),
                change: change.into(),
                lines,
            }
        })
        .collect()
}

fn section_diff(s: &CipSection, change: SectionChange, lines: Vec<DiffLine>) -> SectionDiff {
    SectionDiff { key: s.key.clone(), title: s.title.clone(), rid: s.rid.clone(), change, lines }
}

fn line_number(index: Option<usize>) -> Option<u32> {
    index.map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let text = TextDiff::from_lines(old, new);
    let mut lines = Vec::new();
    for (n, group) in text.grouped_ops(CONTEXT).iter().enumerate() {
        if n > 0 {
            lines.push(DiffLine { tag: LineTag::Gap, old_line: None, new_line: None, segments: Vec::new() });
        }
        for op in group {
            for change in text.iter_inline_changes(op) {
                let tag = match change.tag() {
                    ChangeTag::Equal => LineTag::Same,
                    ChangeTag::Insert => LineTag::Added,
                    ChangeTag::Delete => LineTag::Removed,
                };
                let segments = change
                    .iter_strings_lossy()
                    .map(|(emphasized, piece)| Segment {
                        text: piece.trim_end_matches(['\n', '\r']).to_owned(),
                        changed: emphasized,
                    })
                    .filter(|s| !s.text.is_empty())
                    .collect();
                lines.push(DiffLine {
                    tag,
                    old_line: line_number(change.old_index()),
                    new_line: line_number(change.new_index()),
                    segments,
                });
            }
        }
    }
    lines
}

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
}

/// Markdown as HTML for the editor's preview. Raw HTML in the text is shown as text, links
/// become their words and images their description: the preview can never run or load anything.
pub fn markdown_html(markdown: &str) -> String {
    let events = parser(markdown).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// A block of text as the PDF lays it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading inside a section (level 1 is the largest).
    Heading {
        /// 1–6.
        level: u8,
        /// Words.
        text: String,
    },
    /// A paragraph.
    Paragraph(String),
    /// A list item; `marker` is "•" or "3." and `depth` starts at 0.
    Item {
        /// Nesting.
        depth: u8,
        /// Bullet or number.
        marker: String,
        /// Words.
        text: String,
    },
    /// Preformatted lines.
    Code(String),
    /// A horizontal rule.
    Rule,
}

/// Markdown as blocks of plain text (inline emphasis dropped, table rows as " | "-joined lines).
pub fn markdown_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut text = String::new();
    // Per open list: the next number, or None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_marker: Option<(u8, String)> = None;
    let mut heading: Option<u8> = None;
    let mut in_code = false;
    let flush =
        |text: &mut String, blocks: &mut Vec<Block>, item: &mut Option<(u8, String)>, heading: Option<u8>| {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            text.clear();
            if words.is_empty() {
                return;
            }
            if let Some(level) = heading {
                blocks.push(Block::Heading { level, text: words });
            } else if let Some((depth, marker)) = item.take() {
                blocks.push(Block::Item { depth, marker, text: words });
            } else {
                blocks.push(Block::Paragraph(words));
            }
        };
    for event in parser(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(heading_level(level));
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut text, &mut blocks, &mut item_marker, heading);
                heading = None;
            }
            Event::Start(Tag::List(first)) => {
                flush(&mut text, &mut blocks, &mut item_marker, None);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut text, &mut blocks, &mut item_marker, None);
                let depth = u8::try_from(lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".to_owned(),
                };
                item_marker = Some((depth, marker));
            }
            Event::End(TagEnd::Item | TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead) => {
                flush(&mut text, &mut blocks, &mut item_marker, None);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut text, &mut blocks, &mut item_marker, None);
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                blocks.push(Block::Code(std::mem::take(&mut text).trim_end().to_owned()));
                in_code = false;
            }
            Event::End(TagEnd::TableCell) => text.push_str(" | "),
            Event::Rule => {
                flush(&mut text, &mut blocks, &mut item_marker, None);
                blocks.push(Block::Rule);
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(if in_code { '\n' } else { ' ' }),
            _ => {}
        }
    }
    flush(&mut text, &mut blocks, &mut item_marker, heading);
    for block in &mut blocks {
        if let Block::Paragraph(t) = block {
            *t = t.trim_end_matches(" |").trim_end_matches('|').trim().to_owned();
        }
    }
    blocks
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(key: &str, body: &str) -> CipSection {
        CipSection { key: key.into(), title: key.to_uppercase(), rid: "R1".into(), body: body.into() }
    }

    fn topic(key: &str) -> CipTopic {
        CipTopic { key: key.into(), title: key.into(), rid: "R4".into(), guidance: String::new() }
    }

    #[test]
    fn outline_follows_the_pack_and_keeps_text_the_pack_dropped() {
        let previous = [section("b", "B text"), section("gone", "kept")];
        let out = outline(&[topic("a"), topic("b")], &previous);
        let keys: Vec<_> = out.iter().map(|s| (s.key.as_str(), s.body.as_str())).collect();
        assert_eq!(keys, [("a", ""), ("b", "B text"), ("gone", "kept")]);
    }

    #[test]
    fn content_hash_changes_with_any_text_and_cannot_be_shifted() {
        let one = content_sha256(&[section("a", "bc")]);
        assert_eq!(one.len(), 64);
        assert_ne!(one, content_sha256(&[section("a", "bd")]));
        assert_ne!(content_sha256(&[section("ab", "c")]), one, "key/body boundary is unambiguous");
        assert_eq!(one, content_sha256(&[CipSection { title: "other".into(), ..section("a", "bc") }]));
    }

    #[test]
    fn a_program_file_splits_at_its_section_headings() {
        let topics =
            [topic("scope"), CipTopic { title: "Verification methods".into(), ..topic("verification") }];
        let split = split_program(
            &topics,
            "# Scope\nWe are small.\n\n## Detail\n# verification methods\n```\n# not a heading\n```\n",
        )
        .expect("split");
        assert_eq!(split[0], ("scope".to_owned(), "We are small.\n\n## Detail".to_owned()));
        assert_eq!(split[1].0, "verification");
        assert!(split[1].1.contains("# not a heading"));
        let err = split_program(&topics, "Intro\n# Scope\n# Pricing\n# scope\n").expect_err("bad");
        let CoreError::Invalid(fields) = err else { panic!("invalid expected") };
        let lines: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(lines, ["line 1", "line 3", "line 4"]);
    }

    #[test]
    fn edits_name_the_section_that_is_wrong() {
        let draft = [section("a", ""), section("b", "")];
        assert!(check_edit(&draft, &[section("a", "fine\n\ttext")]).is_ok());
        let err = check_edit(&draft, &[section("c", "x"), section("b", "bell\u{7}")]).expect_err("bad");
        let CoreError::Invalid(fields) = err else { panic!("invalid expected") };
        assert_eq!(fields[0].field, "sections.c");
        assert_eq!(fields[1].field, "sections.b");
        assert!(fields[1].problem.contains("control"));
        let long = "x".repeat(MAX_SECTION_CHARS + 1);
        assert!(check_edit(&draft, &[section("a", &long)]).is_err());
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    #[test]
    fn approval_needs_every_section_a_summary_a_date_and_maybe_another_officer() {
        let full = [section("a", "text"), section("b", "more")];
        let authors = ["alice".to_owned()];
        let ok = ApprovalCheck {
            sections: &full,
            authors: &authors,
            approver: "bob",
            four_eyes: true,
            effective_on: day(28),
            today: day(28),
            change_summary: "",
            first: true,
        };
        assert!(check_approval(&ok).is_ok());
        // Four eyes off: the author may approve.
        assert!(check_approval(&ApprovalCheck { approver: "alice", four_eyes: false, ..ok.clone() }).is_ok());
        let gaps = [section("a", "text"), section("b", "  \n")];
        let err = check_approval(&ApprovalCheck {
            sections: &gaps,
            approver: "alice",
            effective_on: day(27),
            first: false,
            ..ok.clone()
        })
        .expect_err("four problems");
        let CoreError::Invalid(fields) = err else { panic!("invalid expected") };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["sections.b", "change_summary", "effective_on", "approver"]);
    }

    #[test]
    fn diff_marks_sections_and_changed_words_with_context() {
        let old = [
            section("same", "unchanged"),
            section("edit", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nthe tenth line of text\n"),
            section("gone", "old text"),
        ];
        let new = [
            section("same", "unchanged"),
            section(
                "edit",
                "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nthe tenth line of new text\n",
            ),
            section("new", "fresh"),
        ];
        let d = diff(&old, &new);
        let changes: Vec<_> = d.iter().map(|s| (s.key.as_str(), s.change)).collect();
        assert_eq!(
            changes,
            [
                ("same", SectionChange::Unchanged),
                ("edit", SectionChange::Changed),
                ("new", SectionChange::Added),
                ("gone", SectionChange::Removed)
            ]
        );
        let edit = &d[1].lines;
        // Two lines of context before the change, none of the first seven.
        assert_eq!(edit.first().map(|l| l.old_line), Some(Some(8)));
        let removed = edit.iter().find(|l| l.tag == LineTag::Removed).expect("removed line");
        assert_eq!(removed.old_line, Some(10));
        let added = edit.iter().find(|l| l.tag == LineTag::Added).expect("added line");
        assert_eq!(added.new_line, Some(10));
        assert!(added.segments.iter().any(|s| s.changed && s.text.contains("new")), "{added:?}");
        assert_eq!(d[2].lines.len(), 1);
        assert_eq!(d[3].lines[0].tag, LineTag::Removed);
    }

    #[test]
    fn far_apart_changes_are_separated_by_a_gap() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 2\n", "line two\n").replace("line 19\n", "line nineteen\n");
        let d = diff(&[section("a", &old)], &[section("a", &new)]);
        assert_eq!(d[0].lines.iter().filter(|l| l.tag == LineTag::Gap).count(), 1);
    }

    #[test]
    fn preview_html_cannot_run_or_load_anything() {
        let html = markdown_html(
            "# Title\n\n<script>alert(1)</script>\n\nSee [the site](https://evil.example) ![x](file:///etc/passwd) **now**\n",
        );
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("href") && !html.contains("<img"), "{html}");
        assert!(html.contains("the site") && html.contains("<strong>now</strong>"));
    }

    #[test]
    fn blocks_keep_headings_lists_and_paragraphs_in_order() {
        let blocks = markdown_blocks(
            "## Methods\n\nWe verify *every* customer.\n\n1. Documents\n2. Databases\n   - nested\n\n---\n\n```\ncode line\nsecond\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Heading { level: 2, text: "Methods".into() },
                Block::Paragraph("We verify every customer.".into()),
                Block::Item { depth: 0, marker: "1.".into(), text: "Documents".into() },
                Block::Item { depth: 0, marker: "2.".into(), text: "Databases".into() },
                Block::Item { depth: 1, marker: "•".into(), text: "nested".into() },
                Block::Rule,
                Block::Code("code line\nsecond".into()),
                Block::Paragraph("a | b".into()),
                Block::Paragraph("1 | 2".into()),
            ]
        );
    }

    #[test]
    fn excerpts_keep_the_changed_lines_of_changed_sections_only() {
        let section = |key: &str, body: &str| CipSection {
            key: key.into(),
            title: key.to_uppercase(),
            rid: "R4".into(),
            body: body.into(),
        };
        let old = [section("a", "same\n"), section("b", "one\ntwo\nthree\n")];
        let new = [section("a", "same\n"), section("b", "one\n2\nthree\nfour\nfive\n")];
        let got = excerpts(&diff(&old, &new), 2);
        assert_eq!(got.len(), 1, "the unchanged section is left out");
        assert_eq!((got[0].title.as_str(), got[0].change.as_str()), ("B", "changed"));
        assert_eq!(got[0].lines, ["− two", "+ 2", "… and 2 more changed line(s)"]);
    }
}
