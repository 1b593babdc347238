//! The raw fields of exposure records, kept in compressed blocks.
//!
//! A finding shows the raw fields of the latest record that carried it
//! (API `details`, the CSV attachment of a notice). Stored as a JSON object
//! on every finding, those fields made up three quarters of each row and
//! capped ingest (every column name written again per row, every update
//! rewriting ~500 bytes). Instead an import writes its matched records in
//! blocks of up to [`RECORDS_PER_BLOCK`], compressed with zstd, and a
//! finding points at its record by block id and row.
//!
//! The ingest driver fills blocks in the order it stores findings (sorted
//! by organisation), so one organisation's findings of an import share a
//! few blocks and reading a page of them decodes few blocks.
//!
//! An empty value and a field the record did not have are the same here:
//! neither is kept.
//!
//! The block layout is ours, written by hand because it is a handful of
//! length-prefixed strings and every general format costs more per field
//! on this path (CSV quoting scans every byte; serde formats want the
//! record built as a structure first). Uncompressed, a block is:
//!
//! ```text
//! version (1 byte, 1)
//! key count, then each key: length, bytes
//! record count, then each record: field count, then each field: key index, length, bytes
//! ```
//!
//! where every count, index and length is a LEB128 varint.

use crate::{StoreError, StoreResult};
use std::collections::HashMap;
use std::sync::Arc;

/// Records per block: small enough that showing one finding decodes
/// little (~64 KiB), large enough to compress well.
pub const RECORDS_PER_BLOCK: usize = 256;

/// zstd level: the fastest (~5× on Shadowserver reports; higher levels
/// cost the import more time than they save in writing).
const LEVEL: i32 = 1;

const VERSION: u8 = 1;

/// Largest decoded block accepted (a stored block is ~64 KiB).
const MAX_DECODED: usize = 64 * 1024 * 1024;

/// One block as stored: how many records, and the compressed bytes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordBlock {
    pub records: i64,
    pub data: Vec<u8>,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Writes records into blocks: fields one by one, then
/// [`RecordBlocks::end_record`]; a block is closed every
/// [`RECORDS_PER_BLOCK`] records. Buffers and the compressor are reused.
pub struct RecordBlocks {
    keys: Vec<String>,
    index: HashMap<String, u64>,
    /// The key indexes of the previous record in field order: records of
    /// one report have the same columns in the same order, so a field's
    /// key is usually found by one string comparison instead of a hash.
    last_order: Vec<u64>,
    order: Vec<u64>,
    /// This record's fields, encoded (key index, length, bytes).
    record: Vec<u8>,
    /// The block's records so far, encoded.
    body: Vec<u8>,
    records: usize,
    done: Vec<RecordBlock>,
    compressor: zstd::bulk::Compressor<'static>,
    scratch: Vec<u8>,
    /// The key ids of the last list of names given to [`RecordBlocks::key_ids`].
    named: Option<(Names, Arc<[KeyId]>)>,
}

/// A list of field names shared by many records (a report's columns).
pub type Names = Arc<[Arc<str>]>;

/// A field name's id in the blocks of one [`RecordBlocks`], from
/// [`RecordBlocks::key_ids`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyId(u64);

impl std::fmt::Debug for RecordBlocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordBlocks").field("blocks", &self.done.len()).field("records", &self.records).finish_non_exhaustive()
    }
}

impl RecordBlocks {
    pub fn new() -> StoreResult<Self> {
        Ok(RecordBlocks {
            keys: Vec::new(),
            index: HashMap::new(),
            last_order: Vec::new(),
            order: Vec::new(),
            record: Vec::with_capacity(4096),
            body: Vec::with_capacity(128 * 1024),
            records: 0,
            done: Vec::new(),
            compressor: zstd::bulk::Compressor::new(LEVEL).map_err(|e| StoreError::Invalid(format!("record blocks: {e}")))?,
            scratch: Vec::with_capacity(128 * 1024),
            named: None,
        })
    }

    fn key(&mut self, key: &str) -> u64 {
        match self.index.get(key) {
            Some(&k) => k,
            None => {
                let k = self.keys.len() as u64;
                self.keys.push(key.to_string());
                self.index.insert(key.to_string(), k);
                k
            }
        }
    }

    /// The ids of a list of field names that many records share (a
    /// report's columns), for [`RecordBlocks::field_id`]: looked up once per
    /// list (the same `Arc` as last time costs a pointer comparison), not
    /// compared once per field.
    pub fn key_ids(&mut self, names: &Names) -> Arc<[KeyId]> {
        if let Some((cached, ids)) = &self.named
            && Arc::ptr_eq(cached, names)
        {
            return ids.clone();
        }
        let ids: Arc<[KeyId]> = names.iter().map(|n| KeyId(self.key(n))).collect();
        self.named = Some((names.clone(), ids.clone()));
        ids
    }

    /// Adds one field of the record being written, named by an id from
    /// [`RecordBlocks::key_ids`]. An empty value is not kept.
    pub fn field_id(&mut self, key: KeyId, value: &str) {
        if value.is_empty() {
            return;
        }
        self.order.push(key.0);
        put_varint(&mut self.record, key.0);
        put_str(&mut self.record, value);
    }

    /// Adds one field of the record being written. An empty value is not kept.
    pub fn field(&mut self, key: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let pos = self.order.len();
        let k = match self.last_order.get(pos) {
            Some(&k) if self.keys.get(k as usize).is_some_and(|s| s == key) => k,
            _ => self.key(key),
        };
        self.order.push(k);
        put_varint(&mut self.record, k);
        put_str(&mut self.record, value);
    }

    /// Ends the record; returns where it is: (block, row), the block
    /// counted from 0 among those this writer returns from
    /// [`RecordBlocks::finish`].
    pub fn end_record(&mut self) -> StoreResult<(u32, u32)> {
        if self.records == RECORDS_PER_BLOCK {
            self.close_block()?;
        }
        put_varint(&mut self.body, self.order.len() as u64);
        self.body.extend_from_slice(&self.record);
        self.record.clear();
        std::mem::swap(&mut self.last_order, &mut self.order);
        self.order.clear();
        let at = (u32::try_from(self.done.len()).unwrap_or(u32::MAX), u32::try_from(self.records).unwrap_or(u32::MAX));
        self.records += 1;
        Ok(at)
    }

    fn close_block(&mut self) -> StoreResult<()> {
        self.scratch.clear();
        self.scratch.push(VERSION);
        put_varint(&mut self.scratch, self.keys.len() as u64);
        for k in &self.keys {
            put_str(&mut self.scratch, k);
        }
        put_varint(&mut self.scratch, self.records as u64);
        self.scratch.extend_from_slice(&self.body);
        let data = self.compressor.compress(&self.scratch).map_err(|e| StoreError::Invalid(format!("record blocks: {e}")))?;
        self.done.push(RecordBlock { records: self.records as i64, data });
        self.body.clear();
        self.records = 0;
        Ok(())
    }

    /// The blocks written since the last call (the last one closed);
    /// rows returned by [`RecordBlocks::end_record`] before this call
    /// point into them.
    pub fn finish(&mut self) -> StoreResult<Vec<RecordBlock>> {
        if self.records > 0 {
            self.close_block()?;
        }
        Ok(std::mem::take(&mut self.done))
    }
}

/// Reads a decoded block.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn bad(what: &str) -> StoreError {
        StoreError::Backend(format!("record block: {what}"))
    }

    fn varint(&mut self) -> StoreResult<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.data.get(self.at).ok_or_else(|| Self::bad("cut short"))?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Self::bad("a number too long"))
    }

    fn len(&mut self) -> StoreResult<usize> {
        usize::try_from(self.varint()?).map_err(|_| Self::bad("a length too large"))
    }

    fn str(&mut self) -> StoreResult<&'a str> {
        let n = self.len()?;
        let end = self.at.checked_add(n).filter(|e| *e <= self.data.len()).ok_or_else(|| Self::bad("cut short"))?;
        let s = std::str::from_utf8(&self.data[self.at..end]).map_err(|_| Self::bad("text that is not UTF-8"))?;
        self.at = end;
        Ok(s)
    }
}

/// The records of a stored block, each as its (key, value) pairs in the
/// order they were written.
pub fn decode_block(data: &[u8]) -> StoreResult<Vec<Vec<(String, String)>>> {
    let text = zstd::bulk::Decompressor::new()
        .and_then(|mut d| d.decompress(data, MAX_DECODED))
        .map_err(|e| StoreError::Backend(format!("record block: {e}")))?;
    let mut r = Reader { data: &text, at: 0 };
    if text.first() != Some(&VERSION) {
        return Err(Reader::bad("unknown version"));
    }
    r.at = 1;
    let nkeys = r.len()?;
    let mut keys = Vec::with_capacity(nkeys.min(4096));
    for _ in 0..nkeys {
        keys.push(r.str()?);
    }
    let nrecords = r.len()?;
    let mut out = Vec::with_capacity(nrecords.min(RECORDS_PER_BLOCK * 16));
    for _ in 0..nrecords {
        let nfields = r.len()?;
        let mut fields = Vec::with_capacity(nfields.min(4096));
        for _ in 0..nfields {
            let k = r.len()?;
            let key = keys.get(k).ok_or_else(|| Reader::bad("a field of an unknown key"))?;
            fields.push((key.to_string(), r.str()?.to_string()));
        }
        out.push(fields);
    }
    Ok(out)
}

/// Fields as a JSON object of strings, in their order (a repeated key keeps
/// its last value).
pub fn fields_json(fields: &[(String, String)]) -> String {
    let mut m = serde_json::Map::new();
    for (k, v) in fields {
        m.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    serde_json::Value::Object(m).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(r: &[(&str, &str)]) -> Vec<(String, String)> {
        r.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn blocks_round_trip() {
        let mut b = RecordBlocks::new().unwrap();
        let records: Vec<Vec<(&str, &str)>> = vec![
            vec![("ip", "192.0.2.1"), ("port", "80"), ("server", "nginx, \"1.2\"\r\nx")],
            vec![("ip", "192.0.2.2"), ("port", ""), ("åäö", "räksmörgås")],
            vec![],
            vec![("port", "443"), ("ip", "192.0.2.3"), ("ip", "192.0.2.4")],
        ];
        for (i, r) in records.iter().enumerate() {
            for (k, v) in r {
                b.field(k, v);
            }
            assert_eq!(b.end_record().unwrap(), (0, i as u32));
        }
        let blocks = b.finish().unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].records, 4);
        let rows = decode_block(&blocks[0].data).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], own(&records[0]));
        assert_eq!(rows[1], own(&[("ip", "192.0.2.2"), ("åäö", "räksmörgås")]));
        assert!(rows[2].is_empty());
        assert_eq!(rows[3], own(&records[3]));
        // A repeated key keeps the last value.
        assert_eq!(fields_json(&rows[3]), r#"{"port":"443","ip":"192.0.2.4"}"#);
        // The writer starts over after finish.
        assert!(b.finish().unwrap().is_empty());
    }

    #[test]
    fn fields_by_name_and_by_id_mix() {
        let mut b = RecordBlocks::new().unwrap();
        let report_a: Names = vec![Arc::from("server"), Arc::from("ip"), Arc::from("tag")].into();
        // Same names, another list: looked up again, same ids.
        let report_a2: Names = vec![Arc::from("server"), Arc::from("ip"), Arc::from("tag")].into();
        let report_b: Names = vec![Arc::from("tag"), Arc::from("naics")].into();
        b.field("ip", "192.0.2.1");
        let ids = b.key_ids(&report_a);
        assert_eq!(ids.len(), 3);
        assert_eq!(ids[1], b.key_ids(&report_a2)[1]);
        b.field_id(ids[0], "nginx");
        b.field_id(ids[2], "");
        b.field_id(ids[2], "t1");
        b.end_record().unwrap();
        let ids = b.key_ids(&report_b);
        b.field_id(ids[1], "541");
        b.field("port", "80");
        b.field_id(ids[0], "t2");
        b.end_record().unwrap();
        let rows = decode_block(&b.finish().unwrap()[0].data).unwrap();
        assert_eq!(rows[0], own(&[("ip", "192.0.2.1"), ("server", "nginx"), ("tag", "t1")]));
        assert_eq!(rows[1], own(&[("naics", "541"), ("port", "80"), ("tag", "t2")]));
    }

    #[test]
    fn a_block_closes_every_records_per_block() {
        let mut b = RecordBlocks::new().unwrap();
        let n = RECORDS_PER_BLOCK * 2 + 3;
        let mut at = Vec::new();
        for i in 0..n {
            b.field("n", &i.to_string());
            at.push(b.end_record().unwrap());
        }
        assert_eq!(at[RECORDS_PER_BLOCK - 1], (0, (RECORDS_PER_BLOCK - 1) as u32));
        assert_eq!(at[RECORDS_PER_BLOCK], (1, 0));
        assert_eq!(at[n - 1], (2, 2));
        let blocks = b.finish().unwrap();
        assert_eq!(blocks.iter().map(|b| b.records).collect::<Vec<_>>(), vec![RECORDS_PER_BLOCK as i64, RECORDS_PER_BLOCK as i64, 3]);
        for (i, (block, row)) in at.iter().enumerate() {
            let rows = decode_block(&blocks[*block as usize].data).unwrap();
            assert_eq!(rows[*row as usize], own(&[("n", &i.to_string())]));
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_block(b"not zstd").is_err());
        let mut c = zstd::bulk::Compressor::new(1).unwrap();
        for bad in [&[][..], &[2u8][..], &[1, 1, 200][..], &[1, 0, 1, 1, 0, 5, b'a'][..], &[1, 1, 1, 0xff, 1, 1, 7, 0][..]] {
            assert!(decode_block(&c.compress(bad).unwrap()).is_err(), "{bad:?}");
        }
    }
}
