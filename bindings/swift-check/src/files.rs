//! Which files a check covers: every `.swift` file under the given paths,
//! found recursively, in a stable (sorted) order.

use std::path::{Path, PathBuf};

/// Every `.swift` file in `paths` (files as given, directories searched
/// recursively, entries sorted). A path that does not exist is an error, so
/// a typo in a CI step cannot turn into "0 files checked".
pub fn swift_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
        collect(p, &mut out)?;
    }
    Ok(out)
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.is_dir() {
        let mut entries = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        entries.sort();
        for p in entries {
            collect(&p, out)?;
        }
    } else if path.extension().is_some_and(|e| e == "swift") {
        out.push(path.to_path_buf());
    }
    Ok(())
}
