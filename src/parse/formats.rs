//! Detection and dispatch, expanded from the format table
//! ([`crate::model::format_table!`]): the one place that knows which reader
//! module reads which [`Format`].

use std::io::BufRead;

use super::{ParseError, Sniff};
use crate::model::{Evidence, EvidenceLimits, Format};

/// What every reader is given besides its input and the evidence it writes.
#[derive(Clone, Copy, Debug)]
pub struct ReadContext<'a> {
    /// The format being read (one reader module may read several).
    pub format: Format,
    /// The checkout the tests ran in, resolved by the caller: stack frames and
    /// paths under it become source locations relative to it.
    pub workspace: Option<&'a str>,
    /// The caps the evidence enforces (also `Evidence::limits`), for readers
    /// that bound what they track before it reaches the evidence.
    pub limits: EvidenceLimits,
}

impl<'a> ReadContext<'a> {
    pub fn new(format: Format, workspace: Option<&'a str>, limits: EvidenceLimits) -> Self {
        Self { format, workspace, limits }
    }
}

macro_rules! define_readers {
    ($( $module:ident $detection:ident { $( $variant:ident $id:literal $role:ident [$($ext:literal),*] $doc:literal; )+ } )+) => {
        /// Detect the format of a prefix: each reader's detector in table order,
        /// first match wins. The order matters only for content that could match
        /// two formats; each detector is strict enough that none does.
        pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
            $( if let Some(format) = define_readers!(@detect $module $detection sniff) {
                return Some(format);
            } )+
            None
        }

        /// Run the format's reader over a stream. Generic over the input so that
        /// a reader that wants it (JUnit) can inline its reads; the others take
        /// it as `&mut dyn BufRead`.
        pub fn read_format<R: BufRead>(input: &mut R, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
            match cx.format {
                $( $( Format::$variant )|+ => super::$module::read(input, ev, cx), )+
            }
        }
    };
    (@detect $module:ident detect $sniff:ident) => { super::$module::detect($sniff) };
    (@detect $module:ident forced $sniff:ident) => { None::<Format> };
}
crate::model::format_table!(define_readers);
