//! Conversions between this crate's types and the `http` 1.x crate (feature `http`).
