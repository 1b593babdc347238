-- fyr core schema (SQLite). Booleans are INTEGER 0/1; times are UNIX seconds;
-- first_seen/last_seen are microseconds. Keep in step with ../postgres/.

CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    org_type TEXT NOT NULL DEFAULT '',
    nationality TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    contacts TEXT NOT NULL DEFAULT '',
    local INTEGER NOT NULL DEFAULT 1,
    restricted_to_domain TEXT NOT NULL DEFAULT '[]',
    landingpage TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    perms TEXT NOT NULL DEFAULT '{}',
    default_role INTEGER NOT NULL DEFAULT 0,
    restricted_to_site_admin INTEGER NOT NULL DEFAULT 0,
    enforce_rate_limit INTEGER NOT NULL DEFAULT 0,
    rate_limit_count INTEGER NOT NULL DEFAULT 0,
    memory_limit TEXT NOT NULL DEFAULT '',
    max_execution_time TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    change_pw INTEGER NOT NULL DEFAULT 0,
    termsaccepted INTEGER NOT NULL DEFAULT 0,
    autoalert INTEGER NOT NULL DEFAULT 0,
    contactalert INTEGER NOT NULL DEFAULT 0,
    nids_sid INTEGER NOT NULL DEFAULT 0,
    gpgkey TEXT NOT NULL DEFAULT '',
    certif_public TEXT NOT NULL DEFAULT '',
    totp_secret TEXT,
    invited_by INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    last_login INTEGER NOT NULL DEFAULT 0,
    date_modified INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE auth_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    authkey_start TEXT NOT NULL,
    authkey_end TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    allowed_ips TEXT NOT NULL DEFAULT '[]',
    expiration INTEGER NOT NULL DEFAULT 0,
    read_only INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL
);
CREATE INDEX auth_keys_user ON auth_keys(user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created INTEGER NOT NULL,
    user_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL DEFAULT 0,
    email TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    model_id INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    change TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_created ON audit_log(created);

CREATE TABLE sharing_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    releasability TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    sync_user_id INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    local INTEGER NOT NULL DEFAULT 1,
    roaming INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);

CREATE TABLE sharing_group_orgs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    extend INTEGER NOT NULL DEFAULT 0,
    UNIQUE (sharing_group_id, org_id)
);
CREATE INDEX sharing_group_orgs_org ON sharing_group_orgs(org_id);

CREATE TABLE sharing_group_servers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id) ON DELETE CASCADE,
    server_id INTEGER NOT NULL,
    all_orgs INTEGER NOT NULL DEFAULT 0,
    UNIQUE (sharing_group_id, server_id)
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    colour TEXT NOT NULL DEFAULT '',
    exportable INTEGER NOT NULL DEFAULT 1,
    org_id INTEGER NOT NULL DEFAULT 0,
    user_id INTEGER NOT NULL DEFAULT 0,
    hide_tag INTEGER NOT NULL DEFAULT 0,
    numerical_value INTEGER,
    is_galaxy INTEGER NOT NULL DEFAULT 0,
    is_custom_galaxy INTEGER NOT NULL DEFAULT 0,
    local_only INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    org_id INTEGER NOT NULL,
    orgc_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL DEFAULT 0,
    date TEXT NOT NULL,
    info TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    analysis INTEGER NOT NULL DEFAULT 0,
    threat_level_id INTEGER NOT NULL DEFAULT 4,
    distribution INTEGER NOT NULL DEFAULT 0,
    sharing_group_id INTEGER NOT NULL DEFAULT 0,
    attribute_count INTEGER NOT NULL DEFAULT 0,
    timestamp INTEGER NOT NULL,
    publish_timestamp INTEGER NOT NULL DEFAULT 0,
    sighting_timestamp INTEGER NOT NULL DEFAULT 0,
    proposal_email_lock INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    disable_correlation INTEGER NOT NULL DEFAULT 0,
    extends_uuid TEXT NOT NULL DEFAULT '',
    protected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_org ON events(org_id);
CREATE INDEX events_orgc ON events(orgc_id);
CREATE INDEX events_timestamp ON events(timestamp);
CREATE INDEX events_publish_timestamp ON events(publish_timestamp);
CREATE INDEX events_sharing_group ON events(sharing_group_id);

CREATE TABLE objects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    meta_category TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    template_uuid TEXT NOT NULL DEFAULT '',
    template_version TEXT NOT NULL DEFAULT '',
    distribution INTEGER NOT NULL DEFAULT 5,
    sharing_group_id INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    timestamp INTEGER NOT NULL,
    first_seen INTEGER,
    last_seen INTEGER
);
CREATE INDEX objects_event ON objects(event_id);
CREATE INDEX objects_name ON objects(name);

CREATE TABLE attributes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    object_id INTEGER NOT NULL DEFAULT 0,
    object_relation TEXT,
    category TEXT NOT NULL,
    type TEXT NOT NULL,
    value1 TEXT NOT NULL,
    value2 TEXT NOT NULL DEFAULT '',
    to_ids INTEGER NOT NULL DEFAULT 0,
    distribution INTEGER NOT NULL DEFAULT 5,
    sharing_group_id INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    disable_correlation INTEGER NOT NULL DEFAULT 0,
    timestamp INTEGER NOT NULL,
    first_seen INTEGER,
    last_seen INTEGER
);
CREATE INDEX attributes_event ON attributes(event_id);
CREATE INDEX attributes_object ON attributes(object_id);
-- Values are searched case-insensitively, as MISP (MySQL *_ci collation) does.
CREATE INDEX attributes_value1 ON attributes(lower(value1));
CREATE INDEX attributes_value2 ON attributes(lower(value2));
CREATE INDEX attributes_type ON attributes(type);
CREATE INDEX attributes_timestamp ON attributes(timestamp);

CREATE TABLE object_references (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    object_id INTEGER NOT NULL,
    source_uuid TEXT NOT NULL,
    referenced_uuid TEXT NOT NULL,
    referenced_id INTEGER NOT NULL DEFAULT 0,
    referenced_type INTEGER NOT NULL DEFAULT 0,
    relationship_type TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    timestamp INTEGER NOT NULL
);
CREATE INDEX object_references_event ON object_references(event_id);
CREATE INDEX object_references_object ON object_references(object_id);

CREATE TABLE event_tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    local INTEGER NOT NULL DEFAULT 0,
    relationship_type TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, tag_id)
);
CREATE INDEX event_tags_tag ON event_tags(tag_id);

CREATE TABLE attribute_tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    local INTEGER NOT NULL DEFAULT 0,
    relationship_type TEXT NOT NULL DEFAULT '',
    UNIQUE (attribute_id, tag_id)
);
CREATE INDEX attribute_tags_tag ON attribute_tags(tag_id);
CREATE INDEX attribute_tags_event ON attribute_tags(event_id);
