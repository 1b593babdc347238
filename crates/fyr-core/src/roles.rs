//! MISP's permission flags and its six default roles (with MISP's ids).

use std::collections::BTreeMap;

/// Every `perm_*` flag a role has, in MISP's column order.
pub const PERMS: &[&str] = &[
    "perm_add",
    "perm_modify",
    "perm_modify_org",
    "perm_publish",
    "perm_delegate",
    "perm_sync",
    "perm_admin",
    "perm_audit",
    "perm_auth",
    "perm_site_admin",
    "perm_regexp_access",
    "perm_tagger",
    "perm_template",
    "perm_sharing_group",
    "perm_tag_editor",
    "perm_sighting",
    "perm_object_template",
    "perm_publish_zmq",
    "perm_publish_kafka",
    "perm_decaying",
    "perm_galaxy_editor",
    "perm_warninglist",
    "perm_view_feed_correlations",
    "perm_analyst_data",
    "perm_skip_otp",
];

/// Flags that only grant writing; a read-only API key drops them.
pub const WRITE_PERMS: &[&str] = &[
    "perm_add",
    "perm_modify",
    "perm_modify_org",
    "perm_publish",
    "perm_delegate",
    "perm_sync",
    "perm_admin",
    "perm_site_admin",
    "perm_regexp_access",
    "perm_tagger",
    "perm_template",
    "perm_sharing_group",
    "perm_tag_editor",
    "perm_sighting",
    "perm_object_template",
    "perm_publish_zmq",
    "perm_publish_kafka",
    "perm_decaying",
    "perm_galaxy_editor",
    "perm_warninglist",
    "perm_analyst_data",
];

/// All flags set to `value`, then the named ones set to the opposite.
pub fn perms_with(value: bool, except: &[&str]) -> BTreeMap<String, bool> {
    PERMS.iter().map(|p| (p.to_string(), if except.contains(p) { !value } else { value })).collect()
}

/// MISP's default roles, in id order (1 admin … 6 Read Only).
pub fn default_roles() -> Vec<(&'static str, BTreeMap<String, bool>)> {
    let none = |on: &[&str]| perms_with(false, on);
    vec![
        ("admin", perms_with(true, &[])),
        (
            "Org Admin",
            none(&[
                "perm_add",
                "perm_modify",
                "perm_modify_org",
                "perm_publish",
                "perm_delegate",
                "perm_admin",
                "perm_audit",
                "perm_auth",
                "perm_tagger",
                "perm_template",
                "perm_sharing_group",
                "perm_tag_editor",
                "perm_sighting",
                "perm_publish_zmq",
                "perm_publish_kafka",
                "perm_decaying",
                "perm_galaxy_editor",
                "perm_view_feed_correlations",
                "perm_analyst_data",
            ]),
        ),
        (
            "User",
            none(&[
                "perm_add",
                "perm_modify",
                "perm_modify_org",
                "perm_audit",
                "perm_auth",
                "perm_tagger",
                "perm_sighting",
                "perm_decaying",
                "perm_view_feed_correlations",
                "perm_analyst_data",
            ]),
        ),
        (
            "Publisher",
            none(&[
                "perm_add",
                "perm_modify",
                "perm_modify_org",
                "perm_publish",
                "perm_delegate",
                "perm_audit",
                "perm_auth",
                "perm_tagger",
                "perm_sighting",
                "perm_publish_zmq",
                "perm_publish_kafka",
                "perm_decaying",
                "perm_view_feed_correlations",
                "perm_analyst_data",
            ]),
        ),
        (
            "Sync user",
            none(&[
                "perm_add",
                "perm_modify",
                "perm_modify_org",
                "perm_publish",
                "perm_delegate",
                "perm_sync",
                "perm_audit",
                "perm_auth",
                "perm_tagger",
                "perm_sharing_group",
                "perm_tag_editor",
                "perm_sighting",
                "perm_galaxy_editor",
                "perm_view_feed_correlations",
                "perm_analyst_data",
            ]),
        ),
        ("Read Only", none(&["perm_audit", "perm_auth"])),
    ]
}

/// MISP's derived `permission` level: 3 publish, 2 manage org, 1 manage own, 0 read only.
pub fn permission_level(perms: &BTreeMap<String, bool>) -> i64 {
    let p = |n: &str| perms.get(n).copied().unwrap_or(false);
    if p("perm_add") && p("perm_modify") && p("perm_publish") {
        3
    } else if p("perm_add") && p("perm_modify_org") {
        2
    } else if p("perm_add") {
        1
    } else {
        0
    }
}

pub fn permission_description(level: i64) -> &'static str {
    match level {
        3 => "publish",
        2 => "manage_org",
        1 => "manage_own",
        _ => "read_only",
    }
}
