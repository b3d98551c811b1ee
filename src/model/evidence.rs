use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::case_log::LogOrder;
use super::{
    Case, CaseBatch, CaseLog, CaseOutcome, Claim, Excess, FailureRecord, Format, Observation, Position, Tally,
};

/// Caps that keep memory bounded whatever the input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvidenceLimits {
    /// Failure messages longer than this are cut (on a char boundary) and marked.
    pub max_message_bytes: usize,
    /// An artifact larger than this is not read: it is a discrepancy of its own
    /// (TG006). Bounds the time spent on one file; readers stream, so memory is
    /// bounded whatever this is.
    pub max_file_bytes: u64,
}

impl EvidenceLimits {
    /// Default of `--max-message-bytes`.
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4096;
    /// Default of `--max-file-bytes`: 4 GiB. Readers stream, so memory does not
    /// grow with the size; the cap bounds the time spent. A JUnit report of ten
    /// million testcases (about 1.1 GB) is read in seconds, well under it.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 4 << 30;
}

/// How much one artifact may hold, whatever `--max-file-bytes` lets through.
/// Past a cap the rest is not kept, and the artifact says so
/// ([`Observation::TooLarge`], a discrepancy): memory stays bounded, and nothing
/// that was not kept can turn into a pass. Each is far above real reports.
pub mod caps {
    /// Cases keyed for duplicate detection (8 bytes each: 160 MB).
    pub const CASES: u64 = 20_000_000;
    /// Failure records (failing and flaky cases) kept for reporting.
    pub const FAILURES: usize = 100_000;
    /// Claims the artifact makes about itself.
    pub const CLAIMS: usize = 200_000;
    /// Observations and provenance values, each.
    pub const OBSERVATIONS: usize = 100_000;
    /// Whole-run replay commands: advisory, so the rest are dropped.
    pub const REPLAY_COMMANDS: usize = 1_000;
}

impl Default for EvidenceLimits {
    fn default() -> Self {
        Self { max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES, max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES }
    }
}

/// What an artifact is, independent of what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactInfo {
    /// The path as the user gave it or as discovery found it.
    pub path: String,
    /// `None` when the content matched no reader.
    pub format: Option<Format>,
    /// Lower-case hex sha256 of the bytes read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub size: u64,
    /// Last modification time, RFC 3339, when the file system reports one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<chrono::DateTime<chrono::Utc>>,
}

/// The kinds of provenance an artifact can embed, compared against the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvenanceKind {
    Commit,
    RunId,
    CorrelationId,
    SessionId,
    /// When the producer says it generated the artifact (RFC 3339 or compact UTC).
    GeneratedAt,
}

/// One provenance value embedded in an artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub kind: ProvenanceKind,
    pub value: String,
    pub field: String,
    /// The value identifies the run of every artifact under this artifact's
    /// directory too, as pi's `environment.json` does for its run folder.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub covers_directory: bool,
}

/// Everything read from one artifact. Readers write into it; rules read it.
#[derive(Debug, Serialize)]
pub struct Evidence {
    pub info: ArtifactInfo,
    /// The first witness: counts derived from the cases.
    pub tally: Tally,
    /// Failing and flaky cases, in the order read.
    pub failures: Vec<FailureRecord>,
    /// The second witness: what the producer says, each paired with the first.
    pub claims: Vec<Claim>,
    pub observations: Vec<Observation>,
    pub provenance: Vec<Provenance>,
    /// Commands the artifact offers to replay the whole run, e.g. pi's
    /// `one_command_replay`. Per-case commands live on the failures.
    pub replay_commands: Vec<String>,
    #[serde(skip)]
    limits: EvidenceLimits,
    /// One compact key per case: a 61-bit hash of (suite, name) with the outcome
    /// in the low 3 bits. Sorted at [`Evidence::finish`] to find conflicting
    /// duplicates without keeping names in memory.
    #[serde(skip)]
    keys: Vec<u64>,
    /// The same keys after [`Evidence::finish`]: sorted and deduplicated, kept so
    /// that cases can be compared across artifacts (a stale copy merged in). Costs
    /// 8 bytes per distinct (case, outcome) for as long as the evidence lives.
    #[serde(skip)]
    finished_keys: Vec<u64>,
    /// The reader says its producer gives distinct cases one name (EUnit's
    /// generators), so repeats are no conflict ([`Evidence::finish`]).
    #[serde(skip)]
    names_shared: bool,
    /// What did not fit under [`caps`], reported at [`Evidence::finish`].
    #[serde(skip)]
    dropped: Dropped,
    /// Names of cases in conflict that no failure record names (a case that
    /// passed or was skipped keeps only its key), found by a second, targeted
    /// read of the artifact ([`Evidence::set_case_names`]), sorted by identity.
    #[serde(skip)]
    case_names: Vec<(u64, String)>,
    /// Why a name could not be found again (the file changed or is gone), shown
    /// next to the key that stands in for it.
    #[serde(skip)]
    naming_note: Option<String>,
    /// Set only on the evidence of a naming read ([`Evidence::for_naming`]).
    #[serde(skip)]
    naming: Option<Box<Naming>>,
    /// Where every case is also recorded by name, when the check keeps an
    /// inventory of the run's tests (`--inventory`, `--baseline`).
    #[serde(skip)]
    case_log: Option<Box<dyn CaseLog>>,
    /// The case log's order while passing cases are checked elsewhere.
    #[serde(skip)]
    log_order: LogOrder,
    /// Tests only: every case takes the reader's general path
    /// ([`Evidence::take_general_path`]).
    #[cfg(test)]
    #[serde(skip)]
    general_path: bool,
}

/// A naming read: the identities wanted, sorted, and the first name met for each.
#[derive(Clone, Debug)]
struct Naming {
    wanted: Vec<u64>,
    found: Vec<Option<String>>,
}

/// Counts of what was not kept, per cap.
#[derive(Clone, Copy, Debug, Default)]
struct Dropped {
    cases: u64,
    failures: u64,
    claims: u64,
    observations: u64,
}

impl Evidence {
    pub fn new(info: ArtifactInfo, limits: EvidenceLimits) -> Self {
        Self {
            info,
            tally: Tally::default(),
            failures: Vec::new(),
            claims: Vec::new(),
            observations: Vec::new(),
            provenance: Vec::new(),
            replay_commands: Vec::new(),
            limits,
            keys: Vec::new(),
            finished_keys: Vec::new(),
            names_shared: false,
            dropped: Dropped::default(),
            case_names: Vec::new(),
            naming_note: None,
            naming: None,
            case_log: None,
            log_order: LogOrder::default(),
            #[cfg(test)]
            general_path: false,
        }
    }

    /// Record every case in `log` too, by name.
    pub fn log_cases(&mut self, log: Box<dyn CaseLog>) {
        self.case_log = Some(log);
    }

    /// Whether a reader may hand passing cases over by their keys alone
    /// ([`Evidence::add_passed`], the offloaded path of `parse::offload`),
    /// with their names for the case log if there is one
    /// ([`Evidence::log_passed`]): not in a naming read, which looks at every
    /// case's name.
    pub fn takes_passed_keys(&self) -> bool {
        #[cfg(test)]
        if self.general_path {
            return false;
        }
        self.naming.is_none()
    }

    /// Tests only: make every reader take its general path for every case,
    /// to compare it with the offloaded one.
    #[cfg(test)]
    pub(crate) fn take_general_path(&mut self) {
        self.general_path = true;
    }

    /// The name cap of the case log, when cases are logged: a reader handing
    /// passing cases over by their keys ([`Evidence::add_passed`]) hands them
    /// to [`Evidence::log_passed`] too, cut to it.
    pub fn case_log_cap(&self) -> Option<usize> {
        self.case_log.as_ref().map(|_| self.limits.max_message_bytes)
    }

    /// A passing case has been queued to be checked elsewhere and handed back
    /// by [`Evidence::log_passed`]: cases recorded meanwhile wait for it, so
    /// that the case log keeps the reader's order.
    pub fn queue_passed(&mut self) {
        self.log_order.queue();
    }

    /// Cases recorded while queued passing cases were still out, held for the
    /// case log: a reader bounds them by waiting for the queued ones.
    pub fn held_cases(&self) -> usize {
        self.log_order.held()
    }

    /// The next `count` queued passing cases ([`Evidence::queue_passed`]) are
    /// back: `cases` holds, in order, those that passed their checks (all of
    /// them, or those before an error), as [`Evidence::add_case`] would have
    /// logged them. Their keys go to [`Evidence::add_passed`].
    pub fn log_passed(&mut self, cases: &mut CaseBatch, count: u64) {
        match &mut self.case_log {
            Some(log) => self.log_order.record_passed(log.as_mut(), cases, count, self.limits.max_message_bytes),
            None => cases.clear(),
        }
    }

    /// The case log, once the artifact is read.
    pub fn take_case_log(&mut self) -> Option<Box<dyn CaseLog>> {
        let mut log = self.case_log.take()?;
        // Queued cases that never came back (a read stopped by an error) hold
        // nothing up any more.
        self.log_order.release(log.as_mut(), self.limits.max_message_bytes);
        Some(log)
    }

    /// Evidence for a second read of an artifact that only looks for the names
    /// of the case identities in `wanted` ([`case_identity`]): it keeps no keys
    /// and no failure records, so the read costs no memory per case. The rest
    /// (tally, claims, observations) is kept as usual, bounded by [`caps`], so
    /// that a reader consulting it behaves as on the first read.
    pub fn for_naming(info: ArtifactInfo, limits: EvidenceLimits, mut wanted: Vec<u64>) -> Self {
        wanted.sort_unstable();
        wanted.dedup();
        let found = vec![None; wanted.len()];
        Self { naming: Some(Box::new(Naming { wanted, found })), ..Self::new(info, limits) }
    }

    /// The names a naming read found, by identity, sorted.
    pub fn found_names(self) -> Vec<(u64, String)> {
        let Some(naming) = self.naming else { return Vec::new() };
        naming.wanted.into_iter().zip(naming.found).filter_map(|(id, name)| Some((id, name?))).collect()
    }

    pub fn format(&self) -> Option<Format> {
        self.info.format
    }

    /// The caps this evidence applies, so a reader can bound what it buffers.
    pub fn limits(&self) -> EvidenceLimits {
        self.limits
    }

    /// Record one raw unit of evidence.
    pub fn add_case(&mut self, case: Case<'_>) {
        self.add_cases(case, 1);
    }

    /// Record `count` cases that a format knows only by number (`failed=3`): the
    /// tally counts every one, and one record (with [`FailureRecord::cases`])
    /// stands for them all, so a claim of 100,000 failures is one failure to
    /// report, not 100,000 identical ones.
    pub fn add_counted(&mut self, case: Case<'_>, count: u64) {
        if count > 0 {
            self.add_cases(case, count);
        }
    }

    fn add_cases(&mut self, case: Case<'_>, count: u64) {
        self.tally.record(case.outcome, case.blocking, count);
        if let Some(naming) = &mut self.naming {
            let identity = case_identity(case.suite, case.name);
            if let Ok(at) = naming.wanted.binary_search(&identity) {
                let max = self.limits.max_message_bytes;
                naming.found[at].get_or_insert_with(|| cap_message(&qualified_name(case.suite, case.name), max));
            }
            return;
        }
        if let Some(log) = &mut self.case_log {
            if self.log_order.waiting() {
                self.log_order.hold(&case, self.limits.max_message_bytes);
            } else {
                log.record(&case, self.limits.max_message_bytes);
            }
        }
        if (self.keys.len() as u64) < caps::CASES {
            self.keys.push(case_key(case.suite, case.name, case.outcome));
        } else {
            self.dropped.cases += 1;
        }
        if case.outcome.is_failure() || case.outcome == CaseOutcome::Flaky {
            if self.failures.len() >= caps::FAILURES {
                self.dropped.failures += 1;
                return;
            }
            // Names are capped like messages: a report can name a test with 10 MB.
            let max = self.limits.max_message_bytes;
            self.failures.push(FailureRecord {
                name: cap_message(case.name, max),
                suite: case.suite.map(|s| cap_message(s, max)),
                outcome: case.outcome,
                blocking: case.blocking,
                message: case.message.map(|m| cap_message(m, max)),
                position: case.position,
                source: case.source,
                replay: case.replay,
                waived: None,
                cases: count,
            });
        }
    }

    /// Record passing, blocking cases known by their keys alone: the same as
    /// [`Evidence::add_case`] with [`CaseOutcome::Passed`] for each, but for
    /// the case log, which [`Evidence::log_passed`] feeds. A reader can
    /// compute the keys elsewhere (another thread) and hand them over here.
    pub fn add_passed(&mut self, keys: &[PassedKey]) {
        self.tally.passed += keys.len() as u64;
        // A name is never learnt from a key; a conflict always has a side that
        // is not a plain pass, which a reader records with its name.
        if self.naming.is_some() {
            return;
        }
        let room = usize::try_from(caps::CASES.saturating_sub(self.keys.len() as u64)).unwrap_or(usize::MAX);
        let kept = keys.len().min(room);
        self.keys.extend(keys[..kept].iter().map(|k| k.0));
        self.dropped.cases += (keys.len() - kept) as u64;
    }

    pub fn add_claim(&mut self, claim: Claim) {
        if self.claims.len() < caps::CLAIMS {
            self.claims.push(claim);
        } else {
            self.dropped.claims += 1;
        }
    }

    pub fn observe(&mut self, mut observation: Observation) {
        // Parse errors can quote the input (serde quotes a mistyped string whole).
        let max = self.limits.max_message_bytes;
        match &mut observation {
            Observation::Unparseable { message: text, .. }
            | Observation::Truncated { detail: text, .. }
            | Observation::ProtocolViolation { detail: text, .. }
            | Observation::SetAside { detail: text, .. }
            | Observation::UnknownFormat { detail: text }
                if text.len() > max =>
            {
                *text = cap_message(text, max);
            }
            _ => {}
        }
        if self.observations.len() < caps::OBSERVATIONS {
            self.observations.push(observation);
        } else {
            self.dropped.observations += 1;
        }
    }

    pub fn unparseable(&mut self, message: impl Into<String>, position: Position) {
        self.observe(Observation::Unparseable { message: message.into(), position });
    }

    pub fn add_provenance(&mut self, kind: super::ProvenanceKind, field: &str, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        // Dropping a provenance value could hide a mismatch: it counts as a dropped observation.
        if self.provenance.len() < caps::OBSERVATIONS {
            self.provenance.push(Provenance {
                kind,
                value: value.to_owned(),
                field: field.to_owned(),
                covers_directory: false,
            });
        } else {
            self.dropped.observations += 1;
        }
    }

    /// Declare that this artifact's provenance identifies the run of its whole
    /// directory (a run manifest), so artifacts below it must agree with it.
    pub fn provenance_covers_directory(&mut self) {
        for p in &mut self.provenance {
            p.covers_directory = true;
        }
    }

    pub fn add_replay_command(&mut self, command: &str) {
        if !command.trim().is_empty()
            && self.replay_commands.len() < caps::REPLAY_COMMANDS
            && !self.replay_commands.iter().any(|c| c == command)
        {
            self.replay_commands.push(command.to_owned());
        }
    }

    /// The producer names distinct cases alike, so a name reported twice with
    /// different outcomes is not a conflicting duplicate.
    pub fn names_are_shared(&mut self) {
        self.names_shared = true;
    }

    /// Close the artifact: detect cases reported more than once with different
    /// outcomes. Call once, after the reader is done.
    pub fn finish(&mut self) {
        let mut keys = std::mem::take(&mut self.keys);
        sort_keys(&mut keys);
        keys.dedup();
        let mut conflicts: Vec<(u64, Vec<CaseOutcome>)> = Vec::new();
        // Where names do not identify cases, repeats are not conflicts.
        let names_identify = !self.names_shared && self.format().is_none_or(Format::names_are_identities);
        let mut i = 0;
        while names_identify && i < keys.len() {
            let identity = keys[i] >> 3;
            let mut j = i + 1;
            while j < keys.len() && keys[j] >> 3 == identity {
                j += 1;
            }
            if j - i > 1 {
                conflicts.push((identity, keys[i..j].iter().map(|k| CaseOutcome::from_bits(*k & 7)).collect()));
            }
            i = j;
        }
        // Kept for cross-artifact comparison; the sort is done once.
        keys.shrink_to_fit();
        self.finished_keys = keys;
        if !conflicts.is_empty() {
            // One pass over the kept failures names every conflict (sorted by identity).
            let mut names: Vec<Option<String>> = vec![None; conflicts.len()];
            for f in &self.failures {
                let identity = case_key(f.suite.as_deref(), &f.name, f.outcome) >> 3;
                if let Ok(at) = conflicts.binary_search_by_key(&identity, |c| c.0) {
                    names[at].get_or_insert_with(|| qualified_name(f.suite.as_deref(), &f.name));
                }
            }
            for ((identity, outcomes), name) in conflicts.into_iter().zip(names) {
                // Unnamed until a naming read finds the name ([`Evidence::set_case_names`]).
                let (name, unnamed) = match name {
                    Some(name) => (name, None),
                    None => (key_name(identity), Some(identity)),
                };
                self.observe(Observation::ConflictingDuplicate { name, outcomes, unnamed });
            }
        }
        self.report_dropped();
    }

    /// One [`Observation::TooLarge`] per cap that was exceeded. These bypass the
    /// observation cap: they are what makes a truncated record a discrepancy.
    fn report_dropped(&mut self) {
        let d = std::mem::take(&mut self.dropped);
        for (what, dropped, limit) in [
            (Excess::Cases, d.cases, caps::CASES),
            (Excess::Failures, d.failures, caps::FAILURES as u64),
            (Excess::Claims, d.claims, caps::CLAIMS as u64),
            (Excess::Observations, d.observations, caps::OBSERVATIONS as u64),
        ] {
            if dropped > 0 {
                self.observations.push(Observation::TooLarge { what, size: Some(limit + dropped), limit });
            }
        }
    }

    /// Every distinct (case, outcome) of the artifact, as compact keys, sorted:
    /// the case identity ([`case_identity`]) in the high 61 bits, the outcome in the
    /// low 3 ([`Evidence::key_outcome`]). Empty until [`Evidence::finish`].
    pub fn case_keys(&self) -> &[u64] {
        &self.finished_keys
    }

    /// The outcome a compact key records.
    pub fn key_outcome(key: u64) -> CaseOutcome {
        CaseOutcome::from_bits(key & 7)
    }

    /// The identities of the conflicting duplicates still named by their key.
    pub fn unnamed_duplicates(&self) -> impl Iterator<Item = u64> + '_ {
        self.observations.iter().filter_map(|o| match o {
            Observation::ConflictingDuplicate { unnamed, .. } => *unnamed,
            _ => None,
        })
    }

    /// Record what a naming read found (`names`, by identity), or why it found
    /// nothing (`note`), and name the conflicting duplicates with it. A name not
    /// found stays the key, followed by the note.
    pub fn set_case_names(&mut self, mut names: Vec<(u64, String)>, note: Option<String>) {
        names.sort_unstable_by_key(|(identity, _)| *identity);
        self.case_names = names;
        self.naming_note = note;
        let mut observations = std::mem::take(&mut self.observations);
        for obs in &mut observations {
            if let Observation::ConflictingDuplicate { name, unnamed, .. } = obs
                && let Some(identity) = *unnamed
            {
                *name = self.case_name(identity).unwrap_or_else(|| self.unnamed_case(identity));
                *unnamed = None;
            }
        }
        self.observations = observations;
    }

    /// The name of the case with this identity, from its failure record or a
    /// naming read, as the report spells it (`suite::name`).
    pub fn case_name(&self, identity: u64) -> Option<String> {
        if let Some(f) = self.failure_by_identity(identity) {
            return Some(qualified_name(f.suite.as_deref(), &f.name));
        }
        let at = self.case_names.binary_search_by_key(&identity, |(id, _)| *id).ok()?;
        Some(self.case_names[at].1.clone())
    }

    /// What stands for a case whose name was not found: its key, and why.
    pub fn unnamed_case(&self, identity: u64) -> String {
        match &self.naming_note {
            Some(note) => format!("{} ({note})", key_name(identity)),
            None => key_name(identity),
        }
    }

    /// The failure record (failing or flaky case) with this identity, if any.
    pub fn failure_by_identity(&self, identity: u64) -> Option<&FailureRecord> {
        self.failures.iter().find(|f| case_identity(f.suite.as_deref(), &f.name) == identity)
    }
}

/// Sort case keys in place. They are hashes, hence evenly spread: one pass
/// splits them on the top bit, and each half is sorted on its own thread by an
/// American-flag pass on the next byte, then bucket by bucket, in cache.
fn sort_keys(keys: &mut [u64]) {
    if keys.len() < 1 << 16 {
        keys.sort_unstable();
        return;
    }
    let mid = partition_by_top_bit(keys);
    let spawned = {
        let (low, high) = keys.split_at_mut(mid);
        std::thread::scope(|scope| {
            let other = std::thread::Builder::new().spawn_scoped(scope, move || flag_sort(high));
            flag_sort(low);
            other.is_ok()
        })
    };
    if !spawned {
        flag_sort(&mut keys[mid..]);
    }
}

/// Move keys with the top bit clear before those with it set; returns where
/// the second group starts.
fn partition_by_top_bit(keys: &mut [u64]) -> usize {
    let (mut i, mut j) = (0, keys.len());
    loop {
        while i < j && keys[i] >> 63 == 0 {
            i += 1;
        }
        while i < j && keys[j - 1] >> 63 == 1 {
            j -= 1;
        }
        if i + 1 >= j {
            return i;
        }
        keys.swap(i, j - 1);
        i += 1;
        j -= 1;
    }
}

/// Sort keys that share their top bit: 256 buckets on the next byte, each
/// then sorted on its own.
fn flag_sort(keys: &mut [u64]) {
    let bucket = |k: u64| ((k >> 55) & 0xff) as usize;
    let mut ends = [0usize; 256];
    for &k in keys.iter() {
        ends[bucket(k)] += 1;
    }
    let mut starts = [0usize; 256];
    let mut sum = 0;
    for b in 0..256 {
        starts[b] = sum;
        sum += ends[b];
        ends[b] = sum;
    }
    let mut next = starts;
    for b in 0..256 {
        while next[b] < ends[b] {
            // Carry the key at the next unsorted slot of bucket `b` to its own
            // bucket, and the key found there onward, until one belongs in `b`.
            let mut key = keys[next[b]];
            let mut home = bucket(key);
            while home != b {
                std::mem::swap(&mut key, &mut keys[next[home]]);
                next[home] += 1;
                home = bucket(key);
            }
            keys[next[b]] = key;
            next[b] += 1;
        }
    }
    for b in 0..256 {
        keys[starts[b]..ends[b]].sort_unstable();
    }
}

/// The compact key of a passing case, for [`Evidence::add_passed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassedKey(u64);

impl PassedKey {
    pub fn new(suite: Option<&str>, name: &str) -> Self {
        Self(case_key(suite, name, CaseOutcome::Passed))
    }
}

/// The 61-bit identity of a case (suite and name) used by the compact keys.
pub fn case_identity(suite: Option<&str>, name: &str) -> u64 {
    case_key(suite, name, CaseOutcome::Passed) >> 3
}

/// How a case is named when only its identity is known.
pub fn key_name(identity: u64) -> String {
    format!("case #{identity:x}")
}

/// `suite::name`, or just `name` when there is no suite.
pub fn qualified_name(suite: Option<&str>, name: &str) -> String {
    match suite {
        Some(s) if !s.is_empty() => format!("{s}::{name}"),
        _ => name.to_owned(),
    }
}

fn case_key(suite: Option<&str>, name: &str, outcome: CaseOutcome) -> u64 {
    // A fast fixed-seed hash, on the path of every case of every report. A
    // collision can only add a false conflicting duplicate (a discrepancy),
    // never hide a failure.
    let hash = foldhash::fast::FixedState::default().hash_one((suite.unwrap_or(""), name));
    (hash << 3) | outcome.bits()
}

pub use crate::text::cap_message;

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> Evidence {
        let info = ArtifactInfo { path: "x".into(), format: None, sha256: None, size: 0, modified: None };
        Evidence::new(info, EvidenceLimits { max_message_bytes: 8, ..EvidenceLimits::default() })
    }

    #[test]
    fn conflicting_duplicates_are_observed_by_name() {
        let mut ev = evidence();
        ev.add_case(Case::new("t1", CaseOutcome::Passed).suite("s"));
        ev.add_case(Case::new("t1", CaseOutcome::Failed).suite("s"));
        ev.add_case(Case::new("t2", CaseOutcome::Passed).suite("s"));
        ev.add_case(Case::new("t2", CaseOutcome::Passed).suite("s"));
        ev.finish();
        assert_eq!(
            ev.observations,
            vec![Observation::ConflictingDuplicate {
                name: "s::t1".into(),
                outcomes: vec![CaseOutcome::Passed, CaseOutcome::Failed],
                unnamed: None,
            }]
        );
    }

    #[test]
    fn a_naming_read_finds_only_the_names_wanted_and_keeps_no_cases() {
        let info = ArtifactInfo { path: "x".into(), format: None, sha256: None, size: 0, modified: None };
        let wanted = vec![case_identity(Some("s"), "t1"), case_identity(Some("s"), "gone")];
        let mut ev = Evidence::for_naming(info, EvidenceLimits::default(), wanted);
        ev.add_passed(&[PassedKey::new(Some("s"), "t1")]);
        ev.add_case(Case::new("t1", CaseOutcome::Skipped).suite("s"));
        ev.add_case(Case::new("t2", CaseOutcome::Failed).suite("s"));
        assert!(ev.failures.is_empty() && ev.keys.is_empty());
        assert_eq!(ev.found_names(), [(case_identity(Some("s"), "t1"), "s::t1".to_owned())]);
    }

    #[test]
    fn names_found_later_replace_the_keys_of_conflicting_duplicates() {
        let mut ev = evidence();
        ev.add_case(Case::new("t1", CaseOutcome::Passed).suite("s"));
        ev.add_case(Case::new("t1", CaseOutcome::Skipped).suite("s"));
        ev.add_case(Case::new("t2", CaseOutcome::Passed).suite("s"));
        ev.add_case(Case::new("t2", CaseOutcome::Skipped).suite("s"));
        ev.finish();
        let (t1, t2) = (case_identity(Some("s"), "t1"), case_identity(Some("s"), "t2"));
        let mut unnamed: Vec<u64> = ev.unnamed_duplicates().collect();
        unnamed.sort_unstable();
        let mut expected = vec![t1, t2];
        expected.sort_unstable();
        assert_eq!(unnamed, expected);
        ev.set_case_names(vec![(t1, "s::t1".into())], Some("why".into()));
        let names: Vec<&str> = ev
            .observations
            .iter()
            .filter_map(|o| match o {
                Observation::ConflictingDuplicate { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        assert!(names.contains(&"s::t1"), "{names:?}");
        assert!(names.contains(&format!("case #{t2:x} (why)").as_str()), "{names:?}");
        assert_eq!(ev.unnamed_duplicates().count(), 0);
        assert_eq!(ev.case_name(t1).as_deref(), Some("s::t1"));
    }

    #[test]
    fn key_sort_sorts_large_and_small_inputs() {
        for n in [0usize, 1, 1000, 70_000, 200_003] {
            let mut top_bit_only: Vec<u64> = (0..n as u64).map(|i| i << 63 | i).collect();
            sort_keys(&mut top_bit_only);
            assert!(top_bit_only.windows(2).all(|w| w[0] <= w[1]), "n = {n}");
            let mut state = 0x9e37_79b9_7f4a_7c15u64;
            let mut keys: Vec<u64> = (0..n)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state
                })
                .collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            sort_keys(&mut keys);
            assert_eq!(keys, expected, "n = {n}");
        }
    }

    #[test]
    fn passed_keys_count_and_conflict_like_passed_cases() {
        let mut ev = evidence();
        ev.add_passed(&[PassedKey::new(Some("s"), "t1"), PassedKey::new(Some("s"), "t2")]);
        ev.add_case(Case::new("t1", CaseOutcome::Failed).suite("s"));
        ev.finish();
        assert_eq!(ev.tally.passed, 2);
        assert_eq!(
            ev.observations,
            vec![Observation::ConflictingDuplicate {
                name: "s::t1".into(),
                outcomes: vec![CaseOutcome::Passed, CaseOutcome::Failed],
                unnamed: None,
            }]
        );
    }

    #[test]
    fn finished_keys_stay_sorted_for_cross_artifact_comparison() {
        let mut ev = evidence();
        ev.add_case(Case::new("b", CaseOutcome::Failed).suite("s"));
        ev.add_case(Case::new("a", CaseOutcome::Passed).suite("s"));
        ev.add_case(Case::new("a", CaseOutcome::Passed).suite("s"));
        assert!(ev.case_keys().is_empty(), "kept only once the artifact is finished");
        ev.finish();
        let keys = ev.case_keys();
        assert_eq!(keys.len(), 2, "one key per distinct case and outcome");
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        let failed = keys.iter().find(|k| Evidence::key_outcome(**k) == CaseOutcome::Failed).copied().unwrap_or(0);
        assert_eq!(failed >> 3, case_identity(Some("s"), "b"));
        assert_eq!(ev.failure_by_identity(failed >> 3).map(|f| f.name.as_str()), Some("b"));
    }

    #[test]
    fn names_and_parse_errors_are_capped_like_messages() {
        let mut ev = evidence();
        ev.add_case(Case::new("a very long test name", CaseOutcome::Failed).suite("a very long suite"));
        ev.unparseable("invalid type: string \"aaaaaaaaaaaa\"", crate::model::Position::default());
        assert_eq!(ev.failures[0].name, "a very l… [13 bytes cut]");
        assert_eq!(ev.failures[0].suite.as_deref(), Some("a very l… [9 bytes cut]"));
        assert!(
            matches!(&ev.observations[0], Observation::Unparseable { message, .. } if message.starts_with("invalid … ["))
        );
    }

    #[test]
    fn only_failures_and_flakes_are_kept_with_capped_messages() {
        let mut ev = evidence();
        ev.add_case(Case::new("ok", CaseOutcome::Passed).message("irrelevant"));
        ev.add_case(Case::new("bad", CaseOutcome::Failed).message("héllo wörld, long"));
        assert_eq!(ev.failures.len(), 1);
        let msg = ev.failures[0].message.as_deref().unwrap_or_default();
        assert!(msg.starts_with("héllo w"), "{msg}");
        assert!(msg.contains("bytes cut"), "{msg}");
        assert_eq!(ev.tally.passed, 1);
        assert_eq!(ev.tally.failed, 1);
    }
}
