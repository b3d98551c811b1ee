//! truegreen: re-derive CI test verdicts from raw artifacts, cross-check every
//! claim the producers make, and fail closed.
//!
//! The pipeline, one module per stage:
//! [`discover`] → [`parse`] → [`model`] → [`rules`] → [`verdict`] → [`render`].
//! [`engine`] runs it end to end. [`gate`] aggregates the verdicts of matrix shards.

pub mod catalogue;
pub mod config;
pub mod discover;
pub mod engine;
pub mod exit_code;
pub mod gate;
pub mod inventory;
pub mod ledger;
pub mod model;
pub mod parse;
pub mod publish;
pub mod render;
pub mod replay;
pub mod rules;
pub mod runner;
pub mod text;
pub mod verdict;
