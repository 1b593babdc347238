//! Report date and type from a Shadowserver report file name
//! (`YYYY-MM-DD-<type>-<rest>.csv`).

use time::{Date, Month};

/// The parts of a Shadowserver report file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFileName {
    /// The report date.
    pub date: Date,
    /// The report type, e.g. `scan_http`; look it up in the schema.
    pub report_type: String,
    /// Everything between the type and `.csv`, e.g. `sample-asn-delayed`.
    pub rest: String,
}

/// Splits a Shadowserver report file name into date, type and the rest.
///
/// The name must be `YYYY-MM-DD-<type>-<rest>.csv` where the date is a real
/// calendar date, `<type>` is non-empty and has no `-`, and `<rest>` is
/// non-empty; `.csv` is matched case-insensitively. A leading directory
/// (`/` or `\` separated) is ignored. Anything else gives `None`; the caller
/// then needs an explicit report type.
///
/// The type is not checked against a schema: the caller looks it up with
/// [`super::ShadowserverSchema::get`] and decides what an unknown type means.
pub fn report_type_from_filename(file_name: &str) -> Option<ReportFileName> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem_len = base.len().checked_sub(4)?;
    let (stem, ext) = (base.get(..stem_len)?, base.get(stem_len..)?);
    if !ext.eq_ignore_ascii_case(".csv") {
        return None;
    }
    let date = parse_date(stem.get(..10)?)?;
    let after_date = stem.get(10..)?.strip_prefix('-')?;
    let (report_type, rest) = after_date.split_once('-')?;
    if report_type.is_empty() || rest.is_empty() {
        return None;
    }
    Some(ReportFileName { date, report_type: report_type.to_owned(), rest: rest.to_owned() })
}

/// `YYYY-MM-DD`, digits only.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parts(name: &str) -> Option<(Date, String, String)> {
        report_type_from_filename(name).map(|p| (p.date, p.report_type, p.rest))
    }

    #[test]
    fn documented_examples() {
        assert_eq!(
            parts("2015-01-01-dns_openresolver-sample-asn.csv"),
            Some((date!(2015 - 01 - 01), "dns_openresolver".into(), "sample-asn".into()))
        );
        assert_eq!(
            parts("2020-04-03-scan_ics-sample-asn-delayed.csv"),
            Some((date!(2020 - 04 - 03), "scan_ics".into(), "sample-asn-delayed".into()))
        );
        assert_eq!(
            parts("2024-07-04-dns_openresolver-123-sample-asn.csv"),
            Some((date!(2024 - 07 - 04), "dns_openresolver".into(), "123-sample-asn".into()))
        );
    }

    #[test]
    fn directories_and_case() {
        assert_eq!(parts("/var/spool/2024-07-04-scan_http-se.CSV").map(|p| p.1), Some("scan_http".into()));
        assert_eq!(parts(r"C:\in\2024-07-04-scan_http-se.csv").map(|p| p.1), Some("scan_http".into()));
    }

    #[test]
    fn rejects() {
        for name in [
            "",
            ".csv",
            "2024-07-04-scan_http.csv",
            "2024-07-04--x.csv",
            "2024-07-04-scan_http-.csv",
            "2024-02-30-scan_http-x.csv",
            "2024-13-01-scan_http-x.csv",
            "24-07-04-scan_http-x.csv",
            "2024-07-04-scan_http-x.csv.gz",
            "2024-07-04-scan_http-x.txt",
            "2024-07-04_scan_http-x.csv",
            "2024-07-0a-scan_http-x.csv",
            "é024-07-04-scan_http-x.csv",
            "2024-07-04-scan_http-xé",
        ] {
            assert_eq!(parts(name), None, "{name}");
        }
    }
}
