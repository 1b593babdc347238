//! The advice texts against Shadowserver's schema and against each other.

use std::collections::BTreeSet;

use fyr_exposure::advice::{self, COMMON_TYPES, Language, advice_key, advised_types};
use serde_json::Value;

/// The report schema (`reports.json`) named by `FYR_SHADOWSERVER_SCHEMA`.
/// Without it the test fails: these checks must not pass by being skipped.
fn schema() -> serde_json::Map<String, Value> {
    let Ok(path) = std::env::var("FYR_SHADOWSERVER_SCHEMA") else {
        panic!(
            "set FYR_SHADOWSERVER_SCHEMA to the path of Shadowserver's reports.json \
             (CI uses /work/shared/data/shadowserver/reports.json)"
        );
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("FYR_SHADOWSERVER_SCHEMA={path}: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        other => panic!("{path} is not a JSON object of report types: {other:?}"),
    }
}

#[test]
fn every_advised_type_is_in_the_schema() {
    let schema = schema();
    let missing: Vec<&str> = advised_types().filter(|t| !schema.contains_key(*t)).collect();
    assert!(missing.is_empty(), "advised types not in reports.json: {missing:?}");
}

#[test]
fn references_are_the_schema_documentation_of_the_advice_key() {
    let schema = schema();
    for t in advised_types() {
        let key = advice_key(t).unwrap();
        let url = schema.get(key).and_then(|entry| entry.get("url")).and_then(Value::as_str);
        for lang in Language::ALL {
            let reference = advice::advice(t, lang).reference;
            if let Some(url) = url {
                assert_eq!(reference, Some(url), "{t} ({lang}): reference differs from the schema's url of {key}");
            }
        }
    }
}

#[test]
fn ipv6_twins_in_the_schema_get_their_ipv4_advice() {
    let schema = schema();
    let mut twins = 0;
    for t in schema.keys() {
        let v4 = if let Some(rest) = t.strip_prefix("scan6_") {
            format!("scan_{rest}")
        } else if let Some(rest) = t.strip_prefix("event6_") {
            format!("event4_{rest}")
        } else if let Some(rest) = t.strip_prefix("population6_") {
            format!("population_{rest}")
        } else if let Some(stem) = t.strip_suffix('6') {
            stem.to_owned()
        } else {
            continue;
        };
        if advice_key(&v4).is_some() {
            twins += 1;
            assert_eq!(advice_key(t), advice_key(&v4), "{t} should read as {v4}");
            for lang in Language::ALL {
                assert!(std::ptr::eq(advice::advice(t, lang), advice::advice(&v4, lang)), "{t} ({lang})");
            }
        }
    }
    // scan6_rdp, scan6_smb, …, event6_sinkhole*, device_id6, compromised_website6.
    assert!(twins >= 30, "only {twins} IPv6 twins found in the schema");
}

#[test]
fn honeypot_scanner_and_sinkhole_families_cover_the_schema() {
    let schema = schema();
    for t in schema.keys() {
        if t.starts_with("event4_honeypot_") && t.ends_with("_scan") {
            assert_eq!(advice_key(t), Some("event4_honeypot_http_scan"), "{t}");
        }
        if t.starts_with("event") && t.contains("sinkhole") {
            assert!(advice_key(t).is_some_and(|k| k.contains("sinkhole")), "{t} → {:?}", advice_key(t));
        }
        if t.starts_with("scan") && t.ends_with("_vulnerable") {
            assert!(advice_key(t).is_some(), "{t} has no specific advice");
        }
    }
}

#[test]
fn every_schema_type_gets_advice_in_both_languages() {
    for t in schema().keys() {
        for lang in Language::ALL {
            assert!(!advice::advice(t, lang).title.is_empty(), "{t} ({lang})");
        }
    }
}

#[test]
fn at_least_thirty_types_with_complete_texts_in_both_languages() {
    let types: BTreeSet<&str> = advised_types().collect();
    assert!(types.len() >= 30, "only {} advised types", types.len());
    for t in &types {
        let sv = advice::advice(t, Language::Sv);
        let en = advice::advice(t, Language::En);
        for (lang, a) in [("sv", sv), ("en", en)] {
            assert!(!a.title.trim().is_empty() && !a.what.trim().is_empty() && !a.why.trim().is_empty(), "{t} ({lang}) has an empty text");
            assert!((3..=6).contains(&a.actions.len()), "{t} ({lang}) has {} actions", a.actions.len());
            assert!(a.actions.iter().all(|s| !s.trim().is_empty()), "{t} ({lang}) has an empty action");
        }
        assert_eq!(sv.actions.len(), en.actions.len(), "{t}: the languages have different numbers of steps");
        assert_eq!(sv.reference, en.reference, "{t}");
        assert_ne!(sv.title, en.title, "{t}: title not translated");
        assert_ne!(sv.what, en.what, "{t}: what not translated");
        assert_ne!(sv.why, en.why, "{t}: why not translated");
        for (s, e) in sv.actions.iter().zip(en.actions) {
            assert_ne!(s, e, "{t}: action not translated");
        }
    }
}

/// Every text, with where it comes from; the generic one included.
fn all_texts() -> Vec<(String, Language, &'static str)> {
    let mut out = Vec::new();
    let types: Vec<&str> = advised_types().chain(["scan_example_vulnerable", "no_such_type"]).collect();
    for t in types {
        for lang in Language::ALL {
            let a = advice::advice(t, lang);
            let mut texts = vec![a.title, a.what, a.why];
            texts.extend(a.actions.iter().copied());
            out.extend(texts.into_iter().map(|text| (t.to_owned(), lang, text)));
        }
    }
    out
}

#[test]
fn no_placeholders_and_tidy_sentences() {
    for (t, lang, text) in all_texts() {
        for marker in ["TODO", "TBD", "XXX", "FIXME", "lorem", "{", "}", "  "] {
            assert!(!text.contains(marker), "{t} ({lang}) contains {marker:?}: {text}");
        }
        assert_eq!(text, text.trim(), "{t} ({lang}): stray white space: {text:?}");
        assert!(text.chars().next().is_some_and(|c| !c.is_lowercase()), "{t} ({lang}) starts in lower case: {text}");
    }
    for t in advised_types().chain(["no_such_type"]) {
        for lang in Language::ALL {
            let a = advice::advice(t, lang);
            assert!(!a.title.ends_with('.'), "{t} ({lang}): a title is not a sentence: {}", a.title);
            for s in [a.what, a.why].into_iter().chain(a.actions.iter().copied()) {
                assert!(s.ends_with('.'), "{t} ({lang}): not a full sentence: {s}");
            }
        }
    }
}

#[test]
fn the_languages_are_not_swapped() {
    for (t, lang, text) in all_texts() {
        let swedish_letters = text.contains(['å', 'ä', 'ö', 'Å', 'Ä', 'Ö']);
        if lang == Language::En {
            assert!(!swedish_letters, "{t}: Swedish letters in the English text: {text}");
        }
    }
    for t in advised_types() {
        let sv = advice::advice(t, Language::Sv);
        let whole = format!("{} {} {}", sv.title, sv.what, sv.why);
        assert!(whole.contains(['å', 'ä', 'ö']), "{t}: the Swedish text has no å, ä or ö: {whole}");
        let en = advice::advice(t, Language::En);
        let whole = format!(" {} {} ", en.what, en.why).to_lowercase();
        assert!([" the ", " your ", " a ", " of "].iter().any(|w| whole.contains(w)), "{t}: English?");
    }
}

/// The backquoted names in the module documentation's list of common types.
fn documented_common_types() -> Vec<String> {
    let source = include_str!("../../src/advice.rs");
    let section: String = source
        .lines()
        .skip_while(|l| !l.starts_with("//! # The most common report types"))
        .skip(1)
        .take_while(|l| !l.starts_with("//! #"))
        .collect::<Vec<_>>()
        .join("\n");
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_common_types_listed_in_the_module_doc_have_specific_advice() {
    let documented = documented_common_types();
    assert!(documented.len() >= 30, "the module doc lists {} common types: {documented:?}", documented.len());
    assert_eq!(documented, COMMON_TYPES.to_vec(), "the module doc and COMMON_TYPES disagree");
    let advised: BTreeSet<&str> = advised_types().collect();
    for t in COMMON_TYPES {
        assert!(advised.contains(t), "{t} is common but not an advised type");
        for lang in Language::ALL {
            assert!(!std::ptr::eq(advice::advice(t, lang), advice::generic(lang)), "{t} ({lang}) gets the generic text");
        }
    }
    let schema = schema();
    for t in COMMON_TYPES {
        assert!(schema.contains_key(t), "common type {t} is not in reports.json");
    }
}

#[test]
fn the_generic_text_says_what_to_do() {
    for lang in Language::ALL {
        let g = advice::generic(lang);
        assert!(g.actions.len() >= 4);
        let all = g.actions.join(" ");
        assert!(all.contains("CERT-SE"), "{lang}: the generic text should say whom to contact");
        assert!(all.contains("internet"), "{lang}: the generic text should ask whether the service must be reachable");
    }
    assert!(std::ptr::eq(advice::advice("no_such_type", Language::Sv), advice::generic(Language::Sv)));
}

/// Acronyms a non-specialist may not know. Each text stands alone in a
/// notice, so after the headline the first use of one is explained: it is
/// inside parentheses after the plain words ("överbelastningsattacker
/// (DDoS)"), or the explanation follows in parentheses ("VPN (en krypterad
/// tunnel …)", "CVE-nummer (ett löpnummer …)").
#[test]
fn acronyms_are_explained_at_first_use() {
    const ACRONYMS: [&str; 7] = ["VPN", "DDoS", "CVE", "IMY", "NLA", "NAS", "RBAC"];
    let types: Vec<&str> = advised_types().chain(["scan_example_vulnerable", "no_such_type"]).collect();
    for t in types {
        for lang in Language::ALL {
            let a = advice::advice(t, lang);
            let body = std::iter::once(a.what).chain([a.why]).chain(a.actions.iter().copied()).collect::<Vec<_>>().join(" ");
            for acronym in ACRONYMS {
                let Some(at) = find_word(&body, acronym) else { continue };
                let before = &body[..at];
                let inside_parentheses = before.rfind('(').is_some_and(|open| before.rfind(')').is_none_or(|close| close < open));
                let after = &body[at + acronym.len()..];
                // Or after a compound or one following word: "CVE-nummer (", "CVE number (".
                let after_word =
                    after.strip_prefix(['-', ' ']).map_or(after, |rest| rest.trim_start_matches(|c: char| c.is_alphanumeric()));
                assert!(
                    inside_parentheses || after.starts_with(" (") || after_word.starts_with(" ("),
                    "{t} ({lang}): {acronym} is not explained at its first use: …{}…",
                    &body[at.saturating_sub(60)..(at + 60).min(body.len())]
                );
            }
        }
    }
}

/// Byte offset of `word` where it is not part of a longer word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before_ok = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[i + word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before_ok && after_ok
    })
}
