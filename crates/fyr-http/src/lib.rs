//! placeholder crate root; filled in by the first commit that uses it.
