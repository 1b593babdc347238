-- fyr core schema (PostgreSQL). Booleans are BOOLEAN; times are UNIX seconds;
-- first_seen/last_seen are microseconds. Keep in step with ../sqlite/.

CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    org_type TEXT NOT NULL DEFAULT '',
    nationality TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    contacts TEXT NOT NULL DEFAULT '',
    local BOOLEAN NOT NULL DEFAULT TRUE,
    restricted_to_domain TEXT NOT NULL DEFAULT '[]',
    landingpage TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL
);

CREATE TABLE roles (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    perms TEXT NOT NULL DEFAULT '{}',
    default_role BOOLEAN NOT NULL DEFAULT FALSE,
    restricted_to_site_admin BOOLEAN NOT NULL DEFAULT FALSE,
    enforce_rate_limit BOOLEAN NOT NULL DEFAULT FALSE,
    rate_limit_count BIGINT NOT NULL DEFAULT 0,
    memory_limit TEXT NOT NULL DEFAULT '',
    max_execution_time TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    role_id BIGINT NOT NULL REFERENCES roles(id),
    email TEXT NOT NULL,
    password_hash TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    change_pw BOOLEAN NOT NULL DEFAULT FALSE,
    termsaccepted BOOLEAN NOT NULL DEFAULT FALSE,
    autoalert BOOLEAN NOT NULL DEFAULT FALSE,
    contactalert BOOLEAN NOT NULL DEFAULT FALSE,
    nids_sid BIGINT NOT NULL DEFAULT 0,
    gpgkey TEXT NOT NULL DEFAULT '',
    certif_public TEXT NOT NULL DEFAULT '',
    totp_secret TEXT,
    invited_by BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL,
    last_login BIGINT NOT NULL DEFAULT 0,
    date_modified BIGINT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE auth_keys (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    authkey_start TEXT NOT NULL,
    authkey_end TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    allowed_ips TEXT NOT NULL DEFAULT '[]',
    expiration BIGINT NOT NULL DEFAULT 0,
    read_only BOOLEAN NOT NULL DEFAULT FALSE,
    comment TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL
);
CREATE INDEX auth_keys_user ON auth_keys(user_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    created BIGINT NOT NULL,
    user_id BIGINT NOT NULL DEFAULT 0,
    org_id BIGINT NOT NULL DEFAULT 0,
    email TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    model_id BIGINT NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    change TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_created ON audit_log(created);

CREATE TABLE sharing_groups (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    releasability TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    sync_user_id BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    local BOOLEAN NOT NULL DEFAULT TRUE,
    roaming BOOLEAN NOT NULL DEFAULT FALSE,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL
);

CREATE TABLE sharing_group_orgs (
    id BIGSERIAL PRIMARY KEY,
    sharing_group_id BIGINT NOT NULL REFERENCES sharing_groups(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    extend BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (sharing_group_id, org_id)
);
CREATE INDEX sharing_group_orgs_org ON sharing_group_orgs(org_id);

CREATE TABLE sharing_group_servers (
    id BIGSERIAL PRIMARY KEY,
    sharing_group_id BIGINT NOT NULL REFERENCES sharing_groups(id) ON DELETE CASCADE,
    server_id BIGINT NOT NULL,
    all_orgs BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (sharing_group_id, server_id)
);

CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    colour TEXT NOT NULL DEFAULT '',
    exportable BOOLEAN NOT NULL DEFAULT TRUE,
    org_id BIGINT NOT NULL DEFAULT 0,
    user_id BIGINT NOT NULL DEFAULT 0,
    hide_tag BOOLEAN NOT NULL DEFAULT FALSE,
    numerical_value BIGINT,
    is_galaxy BOOLEAN NOT NULL DEFAULT FALSE,
    is_custom_galaxy BOOLEAN NOT NULL DEFAULT FALSE,
    local_only BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    org_id BIGINT NOT NULL,
    orgc_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL DEFAULT 0,
    date TEXT NOT NULL,
    info TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    analysis BIGINT NOT NULL DEFAULT 0,
    threat_level_id BIGINT NOT NULL DEFAULT 4,
    distribution BIGINT NOT NULL DEFAULT 0,
    sharing_group_id BIGINT NOT NULL DEFAULT 0,
    attribute_count BIGINT NOT NULL DEFAULT 0,
    timestamp BIGINT NOT NULL,
    publish_timestamp BIGINT NOT NULL DEFAULT 0,
    sighting_timestamp BIGINT NOT NULL DEFAULT 0,
    proposal_email_lock BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    disable_correlation BOOLEAN NOT NULL DEFAULT FALSE,
    extends_uuid TEXT NOT NULL DEFAULT '',
    protected BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX events_org ON events(org_id);
CREATE INDEX events_orgc ON events(orgc_id);
CREATE INDEX events_timestamp ON events(timestamp);
CREATE INDEX events_publish_timestamp ON events(publish_timestamp);
CREATE INDEX events_sharing_group ON events(sharing_group_id);

CREATE TABLE objects (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    meta_category TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    template_uuid TEXT NOT NULL DEFAULT '',
    template_version TEXT NOT NULL DEFAULT '',
    distribution BIGINT NOT NULL DEFAULT 5,
    sharing_group_id BIGINT NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    timestamp BIGINT NOT NULL,
    first_seen BIGINT,
    last_seen BIGINT
);
CREATE INDEX objects_event ON objects(event_id);
CREATE INDEX objects_name ON objects(name);

CREATE TABLE attributes (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    object_id BIGINT NOT NULL DEFAULT 0,
    object_relation TEXT,
    category TEXT NOT NULL,
    type TEXT NOT NULL,
    value1 TEXT NOT NULL,
    value2 TEXT NOT NULL DEFAULT '',
    to_ids BOOLEAN NOT NULL DEFAULT FALSE,
    distribution BIGINT NOT NULL DEFAULT 5,
    sharing_group_id BIGINT NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    disable_correlation BOOLEAN NOT NULL DEFAULT FALSE,
    timestamp BIGINT NOT NULL,
    first_seen BIGINT,
    last_seen BIGINT
);
CREATE INDEX attributes_event ON attributes(event_id);
CREATE INDEX attributes_object ON attributes(object_id);
-- Values are searched case-insensitively, as MISP (MySQL *_ci collation) does.
-- Hash indexes: values can exceed the size a btree entry may have.
CREATE INDEX attributes_value1 ON attributes USING hash (lower(value1));
CREATE INDEX attributes_value2 ON attributes USING hash (lower(value2));
CREATE INDEX attributes_type ON attributes(type);
CREATE INDEX attributes_timestamp ON attributes(timestamp);

CREATE TABLE object_references (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    object_id BIGINT NOT NULL,
    source_uuid TEXT NOT NULL,
    referenced_uuid TEXT NOT NULL,
    referenced_id BIGINT NOT NULL DEFAULT 0,
    referenced_type BIGINT NOT NULL DEFAULT 0,
    relationship_type TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    timestamp BIGINT NOT NULL
);
CREATE INDEX object_references_event ON object_references(event_id);
CREATE INDEX object_references_object ON object_references(object_id);

CREATE TABLE event_tags (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL DEFAULT FALSE,
    relationship_type TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, tag_id)
);
CREATE INDEX event_tags_tag ON event_tags(tag_id);

CREATE TABLE attribute_tags (
    id BIGSERIAL PRIMARY KEY,
    attribute_id BIGINT NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL DEFAULT FALSE,
    relationship_type TEXT NOT NULL DEFAULT '',
    UNIQUE (attribute_id, tag_id)
);
CREATE INDEX attribute_tags_tag ON attribute_tags(tag_id);
CREATE INDEX attribute_tags_event ON attribute_tags(event_id);

-- Names compare case-insensitively, as on SQLite (COLLATE NOCASE there).
CREATE UNIQUE INDEX organisations_name_ci ON organisations (lower(name));
CREATE UNIQUE INDEX roles_name_ci ON roles (lower(name));
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));
