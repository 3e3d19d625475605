//! Tracking a multi-QR Google export across scans, so the user sees
//! "2 of 3 scanned" and no part is added twice.

use std::collections::{BTreeSet, HashMap};

use super::GoogleMigration;

/// What a scan of one export QR changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchProgress {
    /// The export this QR belongs to.
    pub batch_id: i32,
    /// How many different QR codes of it have been scanned.
    pub scanned: u32,
    /// How many it has.
    pub total: u32,
    /// 0-based indexes not scanned yet.
    pub missing: Vec<u32>,
    /// False when this exact QR was scanned before: add nothing.
    pub is_new: bool,
}

impl BatchProgress {
    /// Every QR of the export has been scanned.
    pub fn complete(&self) -> bool {
        self.scanned == self.total
    }

    /// "2 of 3 scanned", for a shell that has no translation yet.
    pub fn summary(&self) -> String {
        format!("{} of {} scanned", self.scanned, self.total)
    }
}

/// Remembers which parts of which exports were scanned in this session.
#[derive(Debug, Default)]
pub struct MigrationBatches {
    seen: HashMap<i32, (u32, BTreeSet<u32>)>,
}

impl MigrationBatches {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a scanned export QR and says whether its accounts are new.
    pub fn record(&mut self, m: &GoogleMigration) -> BatchProgress {
        let (total, indexes) = self
            .seen
            .entry(m.batch_id)
            .or_insert_with(|| (m.batch_size, BTreeSet::new()));
        // A later QR may claim another size; the larger one is the safer
        // count (never report "complete" too early).
        *total = (*total).max(m.batch_size);
        let is_new = indexes.insert(m.batch_index);
        BatchProgress {
            batch_id: m.batch_id,
            scanned: u32::try_from(indexes.len()).unwrap_or(u32::MAX),
            total: *total,
            missing: (0..*total).filter(|i| !indexes.contains(i)).collect(),
            is_new,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(index: u32, size: u32) -> GoogleMigration {
        GoogleMigration {
            accounts: vec![],
            batch_index: index,
            batch_size: size,
            batch_id: -7,
        }
    }

    #[test]
    fn counts_parts_and_refuses_repeats() {
        let mut t = MigrationBatches::new();
        let p = t.record(&part(1, 3));
        assert_eq!((p.scanned, p.total, p.is_new), (1, 3, true));
        assert_eq!(p.missing, vec![0, 2]);
        let again = t.record(&part(1, 3));
        assert!(!again.is_new);
        assert_eq!(again.scanned, 1);
        t.record(&part(0, 3));
        let last = t.record(&part(2, 3));
        assert!(last.complete());
        assert_eq!(last.summary(), "3 of 3 scanned");
    }
}
