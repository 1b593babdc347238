//! The type table through the public API.

use std::collections::BTreeSet;

use fyr_model::types::{all_types, categories, category_allows, describe_types, is_composite, type_info, types_in_category};

#[test]
fn sizes() {
    assert_eq!(all_types().len(), 194);
    assert_eq!(categories().len(), 16);
}

#[test]
fn describe_types_agrees_with_the_accessors() {
    let d = describe_types();
    let types: Vec<&str> = d["types"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
    let names: Vec<&str> = all_types().iter().map(|t| t.name).collect();
    assert_eq!(types, names);
    let defaults = d["sane_defaults"].as_object().map(|o| o.len());
    assert_eq!(defaults, Some(194));
    for t in all_types() {
        assert_eq!(d["sane_defaults"][t.name]["default_category"], t.default_category);
        assert_eq!(d["sane_defaults"][t.name]["to_ids"], u8::from(t.to_ids));
    }
    for c in categories() {
        let listed: Vec<&str> = d["category_type_mappings"][*c].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
        assert_eq!(Some(listed.as_slice()), types_in_category(c));
        assert!(listed.iter().all(|t| category_allows(c, t)));
    }
}

#[test]
fn spot_checks_against_pymisp() {
    let row = |name: &str| type_info(name).map(|t| (t.default_category, t.to_ids));
    assert_eq!(row("ip-dst"), Some(("Network activity", true)));
    assert_eq!(row("ip-dst|port"), Some(("Network activity", true)));
    assert_eq!(row("filename|sha512/256"), Some(("Payload delivery", true)));
    assert_eq!(row("vulnerability"), Some(("External analysis", false)));
    assert_eq!(row("target-email"), Some(("Targeting data", false)));
    assert_eq!(row("btc"), Some(("Financial fraud", true)));
    assert_eq!(row("phone-number"), Some(("Person", false)));
    assert_eq!(row("named pipe"), Some(("Artifacts dropped", false)));
    assert_eq!(row("uuid"), Some(("Other", false)));
    assert_eq!(row("cortex"), Some(("External analysis", false)));
    assert_eq!(row("edge-extension-id"), Some(("Payload delivery", true)));
    assert_eq!(row("mutex"), Some(("Artifacts dropped", true)));
    assert_eq!(row("github-repository"), Some(("Social network", false)));
    let social: BTreeSet<_> = types_in_category("Social network").into_iter().flatten().collect();
    assert!(social.contains(&"jabber-id") && social.contains(&"pgp-private-key"));
    assert_eq!(types_in_category("Internal reference").map(<[_]>::len), Some(7));
    assert_eq!(types_in_category("Payload delivery").map(<[_]>::len), Some(99));
    assert!(category_allows("Attribution", "email"));
    assert!(!category_allows("Attribution", "email-src"));
    assert!(is_composite("hostname|port"));
    assert!(!is_composite("hostname"));
}
