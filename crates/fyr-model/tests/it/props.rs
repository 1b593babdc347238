//! Property tests: `normalise` never panics, on any type and any input, and
//! is idempotent (normalising a stored value again gives the same value).

use fyr_model::types::all_types;
use fyr_model::value::{normalise, split};
use proptest::prelude::*;

fn check(type_name: &str, input: &str) -> Result<(), TestCaseError> {
    if let Ok(stored) = normalise(type_name, input) {
        let again = normalise(type_name, &stored);
        prop_assert_eq!(again.as_ref(), Ok(&stored), "{} {:?} → {:?}", type_name, input, stored);
        let (value1, value2) = split(type_name, &stored);
        let joined = match value2 {
            Some(v2) => format!("{value1}|{v2}"),
            None => value1,
        };
        prop_assert_eq!(joined, stored);
    }
    Ok(())
}

/// Inputs made of the characters the rules care about, so that many of them
/// are accepted and the idempotence check has something to bite on.
fn interesting() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-F]{0,130}",
        "[0-9a-fA-F:.|/\\[\\]]{0,48}",
        "[ \t]{0,2}[0-9:.|/ pP#\\[\\]]{0,40}[ \n]{0,2}",
        "(AS|as)?[0-9]{0,11}(\\.[0-9]{0,6})?",
        "[a-zA-Z0-9._@\\-\\[\\]()|]{0,40}",
        "(hxxp|meow|h\\[tt\\]p|http)s?(\\[:\\]|:)//[a-z0-9.\\[\\]()]{0,30}(/[ -~]{0,20})?",
        "[+0-9() .\\-]{0,30}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?)?( ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?",
        "@-?[0-9]{1,16}(\\.[0-9]{1,8})?",
        "(CVE|cve|GHSA|CWE|cwe)[-–][0-9a-z\\-]{0,20}",
        "(SHA256:|MD5:)?[A-Za-z0-9+/=:]{0,50}",
        "[ -~]{0,60}",
        any::<String>(),
    ]
}

fn any_type() -> impl Strategy<Value = &'static str> {
    (0..all_types().len()).prop_map(|i| all_types()[i].name)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_is_idempotent(type_name in any_type(), input in interesting()) {
        check(type_name, &input)?;
    }

    #[test]
    fn unknown_types_are_refused(type_name in "[ -~]{0,20}", input in any::<String>()) {
        if fyr_model::types::type_info(&type_name).is_none() {
            prop_assert!(normalise(&type_name, &input).is_err());
        }
    }

    #[test]
    fn split_never_panics(type_name in any_type(), input in any::<String>()) {
        let (v1, v2) = split(type_name, &input);
        prop_assert!(v1.len() + v2.map_or(0, |v| v.len() + 1) == input.len());
    }
}

/// Every type against a fixed corpus of tricky inputs (the kind of value each
/// other type expects, plus edge cases), so every rule sees every shape.
#[test]
fn every_type_against_a_corpus() {
    let corpus = [
        "",
        " ",
        "\n",
        "\0",
        "|",
        "||",
        "a|b",
        "|x",
        "x|",
        "0",
        "-1",
        "1e3",
        "\u{1}",
        "\u{7f}",
        "🎉",
        "ß",
        "Ä",
        "\u{200d}",
        "[.]",
        "[[.]]",
        "[[at]]",
        "(dot)",
        "[hxxp://]",
        "hxxp",
        "meow",
        "d41d8cd98f00b204e9800998ecf8427e",
        "D41D8CD98F00B204E9800998ECF8427E",
        "evil.exe|d41d8cd98f00b204e9800998ecf8427e",
        "1.2.3.4",
        "1.2.3.4/32",
        "1.2.3.4/33",
        "1.2.3.4:80",
        "1.2.3.4|80|90",
        "::",
        "::/128",
        "::1|80",
        "[::1]",
        "[::1]:80",
        "[::1]80",
        "2001:db8::1:80",
        "::ffff:1.2.3.4:80",
        "0::ffff:1.2.3.4|80",
        "1.2.3.4:80:90",
        "example.com",
        "EXAMPLE.com.",
        "münchen.de",
        ". a.com",
        "xn--",
        "a.b|1.2.3.4|c",
        "host:80",
        "a@b.c",
        "A[AT]B[.]C",
        "x@y.z[AT]",
        "http://example.com",
        "hxxp://a[.]b",
        "mailto:",
        "http://",
        "http://:80",
        "http://a:",
        "http://@",
        "a:65536",
        ":80",
        "//a",
        "AS1.10",
        "AS",
        "as",
        "1.",
        "4294967296",
        "00:11:22:33:44:55",
        "0011.2233.4455",
        "CVE-2021-44228",
        "cwe–79",
        "0(0)0123",
        "00+12",
        "(0)",
        "+",
        "++1",
        "true",
        "FALSE",
        "2024-05-01",
        "2024-02-30T24:00:00.9999999+23:59",
        "@-1.5",
        "@999999999999999",
        "9999-12-31T23:59:60",
        "SHA256:",
        "MD5:",
        "t",
        "T1",
        "3::",
        "{}",
        "[",
        "\"x\"",
        "5f4dcc3b-5aa7-4f56-a2ba-0c5b4bd4a6f1",
        "exampleonion2345.onion",
        "DE89 3704",
    ];
    let long_hex = "a".repeat(70_000);
    let long_brackets = format!("{}.{}", "[".repeat(30_000), "]".repeat(30_000));
    let mut failures = Vec::new();
    for t in all_types() {
        for input in corpus.iter().copied().chain([long_hex.as_str(), long_brackets.as_str()]) {
            if let Err(e) = check(t.name, input) {
                failures.push(format!("{} {:?}: {e}", t.name, input));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
