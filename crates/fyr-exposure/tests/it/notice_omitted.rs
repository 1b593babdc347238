//! A notice that cannot carry all of its findings says how many are left
//! out and where to get them all, in every rendering.

use fyr_exposure::advice::Language;
use fyr_exposure::notice::{NoticeKind, Omitted, email, webhook_payload};
use serde_json::json;

use crate::notice::{ctx, sample};

fn omitted(count: u64) -> Omitted {
    Omitted {
        count,
        findings_url: "https://fyr.example/api/v1/exposure/findings?org_id=7&limit=10000".to_owned(),
        csv_url: "https://fyr.example/api/v1/exposure/findings?org_id=7&limit=10000&format=csv".to_owned(),
    }
}

#[test]
fn english_notice_names_the_count_and_the_urls() {
    let mut context = ctx(Language::En, NoticeKind::Digest);
    context.omitted = Some(omitted(2345));
    let mail = email(&context, &sample());
    assert!(mail.subject.ends_with("(and 2345 more)"), "{}", mail.subject);
    assert!(
        mail.text_body.contains("it lists 5 findings, and 2345 more findings are neither here nor in the attached CSV file."),
        "{}",
        mail.text_body
    );
    assert!(
        mail.text_body.contains(
            "with an API key of your organisation: https://fyr.example/api/v1/exposure/findings?org_id=7&limit=10000 \
             (as CSV: https://fyr.example/api/v1/exposure/findings?org_id=7&limit=10000&format=csv)"
        ),
        "{}",
        mail.text_body
    );
    assert!(mail.html_body.contains("2345 more findings"), "{}", mail.html_body);
    assert!(
        mail.html_body.contains("<a href=\"https://fyr.example/api/v1/exposure/findings?org_id=7&amp;limit=10000&amp;format=csv\">"),
        "{}",
        mail.html_body
    );
    // The attachment holds the carried findings only.
    let rows = mail.csv_attachment.bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(rows, 1 + sample().len());
}

#[test]
fn swedish_notice_and_singular() {
    let mut context = ctx(Language::Sv, NoticeKind::Critical);
    context.omitted = Some(omitted(1));
    let mail = email(&context, &sample());
    assert!(mail.subject.ends_with("(och 1 till)"), "{}", mail.subject);
    assert!(mail.text_body.contains("det tar upp 5 fynd, och 1 fynd till finns varken här"), "{}", mail.text_body);
    assert!(mail.text_body.contains("(som CSV: https://fyr.example/"), "{}", mail.text_body);
}

#[test]
fn webhook_carries_the_count_and_urls() {
    let mut context = ctx(Language::En, NoticeKind::Digest);
    context.omitted = Some(omitted(12));
    let v = webhook_payload(&context, &sample());
    assert_eq!(
        v["omitted"],
        json!({
            "count": 12,
            "findings": "https://fyr.example/api/v1/exposure/findings?org_id=7&limit=10000",
            "csv": "https://fyr.example/api/v1/exposure/findings?org_id=7&limit=10000&format=csv",
        })
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), sample().len());
}

#[test]
fn nothing_said_when_nothing_is_left_out() {
    let mut context = ctx(Language::En, NoticeKind::Digest);
    context.omitted = Some(omitted(0));
    let mail = email(&context, &sample());
    assert!(!mail.subject.contains("more)"), "{}", mail.subject);
    assert!(!mail.text_body.contains("too large"), "{}", mail.text_body);
    assert_eq!(webhook_payload(&context, &sample())["omitted"], serde_json::Value::Null);
}
