//! `swift-check FILE_OR_DIR...`: parses every `.swift` file, prints each
//! syntax error as `path:line:column: what`, and exits 1 if there was any.
//! `swift-check --api FILE` prints the public API of one file instead.

use std::{path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--api") {
        let Some(file) = args.get(1) else {
            eprintln!("usage: swift-check --api FILE");
            return ExitCode::from(2);
        };
        return match std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|s| swift_check::public_api(&s))
        {
            Ok(lines) => {
                for l in lines {
                    println!("{l}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{file}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.is_empty() {
        eprintln!("usage: swift-check FILE_OR_DIR... | --api FILE");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for a in &args {
        collect(Path::new(a), &mut files);
    }
    let mut bad = 0;
    for f in &files {
        let result = std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|s| swift_check::check_source(&s));
        match result {
            Ok(errors) if errors.is_empty() => {}
            Ok(errors) => {
                bad += 1;
                for e in errors {
                    eprintln!("{}:{}:{}: {}", f.display(), e.line, e.column, e.what);
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("{}: {e}", f.display());
            }
        }
    }
    println!(
        "swift-check: {} file(s) parsed, {} with errors",
        files.len(),
        bad
    );
    if files.is_empty() || bad > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn collect(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            collect(&p, out);
        }
    } else if path.extension().is_some_and(|e| e == "swift") {
        out.push(path.to_path_buf());
    }
}
