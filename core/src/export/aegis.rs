//! Aegis vault JSON, plain or encrypted (not yet written).
