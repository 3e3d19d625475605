//! Tracking a multi-QR Google export across scans, so the user sees
//! "2 of 3 scanned" and no part is added twice. Kept in the vault between
//! scans ([`MigrationBatches::from_bytes`]), so scanning the parts in any
//! order, in separate runs of the CLI or the app, ends with "all scanned".

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::GoogleMigration;

/// Exports remembered at most; the oldest goes first.
const EXPORTS_KEPT: usize = 20;

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

/// One export: its id, its size, the parts scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Export {
    id: i32,
    total: u32,
    scanned: BTreeSet<u32>,
}

/// Remembers which parts of which exports were scanned.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationBatches {
    /// Newest last.
    seen: Vec<Export>,
}

impl MigrationBatches {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// A stored tracker; an unreadable one starts empty (it only counts
    /// parts: the vault's duplicate check still keeps accounts single).
    pub fn from_bytes(bytes: Option<&[u8]>) -> Self {
        bytes
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default()
    }

    /// The tracker as stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A Vec of plain structs always serializes.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Records a scanned export QR and says whether its accounts are new.
    pub fn record(&mut self, m: &GoogleMigration) -> BatchProgress {
        let at = match self.seen.iter().position(|e| e.id == m.batch_id) {
            Some(i) => i,
            None => {
                self.seen.push(Export {
                    id: m.batch_id,
                    total: m.batch_size,
                    scanned: BTreeSet::new(),
                });
                if self.seen.len() > EXPORTS_KEPT {
                    self.seen.remove(0);
                }
                self.seen.len() - 1
            }
        };
        let Export {
            total,
            scanned: indexes,
            ..
        } = &mut self.seen[at];
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

    #[test]
    fn the_tracker_survives_storage_and_stays_bounded() {
        let mut t = MigrationBatches::new();
        t.record(&part(2, 3));
        let mut again = MigrationBatches::from_bytes(Some(&t.to_bytes()));
        assert_eq!(again, t);
        assert_eq!(again.record(&part(0, 3)).missing, vec![1]);
        for id in 0..30 {
            again.record(&GoogleMigration {
                batch_id: id,
                ..part(0, 2)
            });
        }
        assert_eq!(again.seen.len(), EXPORTS_KEPT);
        assert_eq!(
            MigrationBatches::from_bytes(Some(b"{")),
            MigrationBatches::new()
        );
    }
}
