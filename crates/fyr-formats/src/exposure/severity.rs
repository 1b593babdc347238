//! Severity levels and the default-severity table (the markdown format of
//! Shadowserver's `severity.md`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How serious a finding is; ordered from `Info` (lowest) to `Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All levels, lowest first.
    pub const ALL: [Severity; 5] = [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// The lower-case name (`"info"`, …, `"critical"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a level name, ignoring ASCII case and surrounding whitespace.
    /// Returns `None` for anything else (including the empty string).
    pub fn parse(s: &str) -> Option<Severity> {
        let s = s.trim();
        Severity::ALL.into_iter().find(|level| level.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `s` is not one of `info`, `low`, `medium`, `high`, `critical`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity {0:?} (expected info, low, medium, high or critical)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::parse(s).ok_or_else(|| UnknownSeverity(s.to_owned()))
    }
}

/// Why a severity table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeverityTableError {
    #[error("no table with a `Report` and a `Level` column was found")]
    NoTable,
    #[error("line {line}: {message}")]
    BadRow { line: usize, message: String },
}

/// Parses the default-severity table of a markdown document in the format of
/// Shadowserver's `severity.md` into `report type → severity`.
///
/// The table is the first one whose header row has a column named `Report`
/// and one named `Level` (case-insensitive; other columns and their order do
/// not matter). Rows run until the first line that is not a table row; the
/// `| --- |` separator row is skipped. A row with an unknown level, an empty
/// report name, or a report listed twice with different levels is an error
/// naming the 1-based line: a default severity that silently went missing
/// would change who gets notified.
pub fn parse_severity_table(markdown: &str) -> Result<HashMap<String, Severity>, SeverityTableError> {
    let mut lines = markdown.lines().enumerate();
    let (report_col, level_col) = loop {
        let Some((_, line)) = lines.next() else {
            return Err(SeverityTableError::NoTable);
        };
        let Some(cells) = table_cells(line) else {
            continue;
        };
        let find = |name: &str| cells.iter().position(|c| c.eq_ignore_ascii_case(name));
        if let (Some(r), Some(l)) = (find("report"), find("level")) {
            break (r, l);
        }
    };
    let mut table = HashMap::new();
    for (index, line) in lines {
        let line_no = index + 1;
        let Some(cells) = table_cells(line) else {
            break;
        };
        if cells.iter().all(|c| is_separator_cell(c)) {
            continue;
        }
        let bad = |message: String| SeverityTableError::BadRow { line: line_no, message };
        let (Some(report), Some(level)) = (cells.get(report_col), cells.get(level_col)) else {
            return Err(bad(format!("expected at least {} cells", report_col.max(level_col) + 1)));
        };
        if report.is_empty() {
            return Err(bad("empty report name".to_owned()));
        }
        let level = Severity::parse(level).ok_or_else(|| bad(format!("unknown level {level:?}")))?;
        if let Some(previous) = table.insert((*report).to_owned(), level)
            && previous != level
        {
            return Err(bad(format!("report {report:?} listed twice, as {previous} and {level}")));
        }
    }
    Ok(table)
}

/// The trimmed cells of a markdown table row (`| a | b |`), or `None` if the
/// line is not a table row.
fn table_cells(line: &str) -> Option<Vec<&str>> {
    let line = line.trim();
    let inner = line.strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(inner.split('|').map(str::trim).collect())
}

fn is_separator_cell(cell: &str) -> bool {
    !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':' | ' '))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for level in Severity::ALL {
            assert_eq!(Severity::parse(level.as_str()), Some(level));
            assert_eq!(level.to_string().parse::<Severity>(), Ok(level));
        }
        assert_eq!(Severity::parse(" HIGH "), Some(Severity::High));
        assert_eq!(Severity::parse(""), None);
        assert!("severe".parse::<Severity>().is_err());
        assert!(Severity::Info < Severity::Critical);
    }

    #[test]
    fn table_is_found_after_other_tables() {
        let md = "\
# Levels
| Level | Description |
| -- | --- |
| critical | very bad
| high | bad

## Default

| Report | Subject | Level |
| ---    | ---     | ---   |
| blocklist | Block Listed IP Addresses | low |
| scan_http | Accessible HTTP | info |
| event4_sinkhole | Sinkhole Events | CRITICAL |

trailing text | not a row
";
        let table = parse_severity_table(md).expect("table");
        assert_eq!(table.len(), 3);
        assert_eq!(table.get("blocklist"), Some(&Severity::Low));
        assert_eq!(table.get("scan_http"), Some(&Severity::Info));
        assert_eq!(table.get("event4_sinkhole"), Some(&Severity::Critical));
    }

    #[test]
    fn table_errors_name_the_line() {
        assert_eq!(parse_severity_table("no table here"), Err(SeverityTableError::NoTable));
        let md = "| Report | Level |\n|---|---|\n| a | low |\n| b | severe |\n";
        assert_eq!(parse_severity_table(md), Err(SeverityTableError::BadRow { line: 4, message: "unknown level \"severe\"".to_owned() }));
        let md = "| Report | Level |\n|---|---|\n| a | low |\n| a | high |\n";
        assert!(matches!(parse_severity_table(md), Err(SeverityTableError::BadRow { line: 4, .. })));
    }
}
