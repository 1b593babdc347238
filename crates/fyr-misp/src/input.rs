//! What clients send: MISP JSON bodies parsed leniently into typed values.
//! Every field is optional here; `fyr-core` decides what is required, what
//! the defaults are and whether values are valid. Bodies may be bare or
//! wrapped (`{"Event": {…}}`); the wrapper is read through the `inner` field.

use crate::de::{list, opt_bool, opt_i64, opt_string};
use serde::Deserialize;

/// A reference to an organisation inside another record (`Orgc`, `Org`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgRefIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub local: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TagIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub colour: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub exportable: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub hide_tag: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub local: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    pub relationship_type: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub org_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub user_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub numerical_value: Option<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub local_only: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub is_galaxy: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub is_custom_galaxy: Option<bool>,
    /// Set by PyMISP's `MISPTag.delete()`: detach this tag.
    #[serde(default, deserialize_with = "opt_bool")]
    pub deleted: Option<bool>,
    #[serde(rename = "Tag", default)]
    pub inner: Option<Box<TagIn>>,
}

impl TagIn {
    pub fn unwrap_inner(self) -> TagIn {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttributeIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub event_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub object_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub object_relation: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    pub attr_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub value: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub to_ids: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub distribution: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub sharing_group_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub deleted: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub disable_correlation: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub timestamp: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub first_seen: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub last_seen: Option<String>,
    /// Base64 content of attachments and malware samples.
    #[serde(default, deserialize_with = "opt_string")]
    pub data: Option<String>,
    #[serde(rename = "Tag", default, deserialize_with = "list")]
    pub tags: Vec<TagIn>,
    #[serde(rename = "Attribute", default)]
    pub inner: Option<Box<AttributeIn>>,
}

impl AttributeIn {
    pub fn unwrap_inner(self) -> AttributeIn {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ObjectReferenceIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub object_id: Option<i64>,
    /// PyMISP's name for the source object's uuid.
    #[serde(default, deserialize_with = "opt_string")]
    pub object_uuid: Option<String>,
    /// MISP's name for the source object's uuid.
    #[serde(default, deserialize_with = "opt_string")]
    pub source_uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub referenced_uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub referenced_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub referenced_type: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub relationship_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub deleted: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub timestamp: Option<i64>,
    #[serde(rename = "ObjectReference", default)]
    pub inner: Option<Box<ObjectReferenceIn>>,
}

impl ObjectReferenceIn {
    pub fn unwrap_inner(self) -> ObjectReferenceIn {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ObjectIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub event_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(rename = "meta-category", default, deserialize_with = "opt_string")]
    pub meta_category: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub template_uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub template_version: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub distribution: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub sharing_group_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub comment: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub deleted: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub timestamp: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub first_seen: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub last_seen: Option<String>,
    #[serde(rename = "Attribute", default, deserialize_with = "list")]
    pub attributes: Vec<AttributeIn>,
    #[serde(rename = "ObjectReference", default, deserialize_with = "list")]
    pub references: Vec<ObjectReferenceIn>,
    #[serde(rename = "Object", default)]
    pub inner: Option<Box<ObjectIn>>,
}

impl ObjectIn {
    pub fn unwrap_inner(self) -> ObjectIn {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }
}

/// A sharing group embedded in an event (sync) or posted on its own.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SharingGroupIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub releasability: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub org_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub organisation_uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub local: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub roaming: Option<bool>,
    #[serde(rename = "Organisation", default)]
    pub organisation: Option<OrgRefIn>,
    #[serde(rename = "SharingGroup", default)]
    pub inner: Option<Box<SharingGroupIn>>,
}

impl SharingGroupIn {
    pub fn unwrap_inner(self) -> SharingGroupIn {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventIn {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub info: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub date: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub distribution: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub sharing_group_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub threat_level_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub analysis: Option<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub published: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub timestamp: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub publish_timestamp: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub sighting_timestamp: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub extends_uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub disable_correlation: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub locked: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub protected: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub proposal_email_lock: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub org_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub orgc_id: Option<i64>,
    #[serde(rename = "Orgc", default)]
    pub orgc: Option<OrgRefIn>,
    #[serde(rename = "Org", default)]
    pub org: Option<OrgRefIn>,
    #[serde(rename = "SharingGroup", default)]
    pub sharing_group: Option<SharingGroupIn>,
    #[serde(rename = "Attribute", default, deserialize_with = "list")]
    pub attributes: Vec<AttributeIn>,
    #[serde(rename = "Object", default, deserialize_with = "list")]
    pub objects: Vec<ObjectIn>,
    #[serde(rename = "Tag", default, deserialize_with = "list")]
    pub tags: Vec<TagIn>,
    #[serde(rename = "EventTag", default, deserialize_with = "list")]
    pub event_tags: Vec<TagIn>,
    #[serde(rename = "Event", default)]
    pub inner: Option<Box<EventIn>>,
}

impl EventIn {
    pub fn unwrap_inner(self) -> EventIn {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }
}

/// A parse failure with the path of the offending field, e.g.
/// `Attribute[3].distribution: expected an integer, got "x"`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub path: String,
    pub message: String,
}

/// Parses a JSON body into `T`, naming the field that is wrong.
pub fn parse<'de, T: Deserialize<'de>>(body: &'de [u8]) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let syntax = matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
        let message = if syntax || path == "." || path == "?" || path.is_empty() {
            format!("Malformed JSON: {inner}")
        } else {
            format!("Invalid value for field {path}: {inner}")
        };
        ParseError { path, message }
    })?;
    de.end().map_err(|e| ParseError { path: String::new(), message: format!("Malformed JSON: {e}") })?;
    Ok(value)
}
