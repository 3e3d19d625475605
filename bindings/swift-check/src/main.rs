//! `swift-check FILE_OR_DIR...`: parses every `.swift` file, prints each
//! syntax error as `path:line:column: what`, and exits 1 if there was any.
//! `swift-check --api FILE` prints the public API of one file instead.
//! `swift-check --xcodegen SPEC` checks an XcodeGen spec (`ios/project.yml`).

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
    if args.first().map(String::as_str) == Some("--xcodegen") {
        let Some(spec) = args.get(1) else {
            eprintln!("usage: swift-check --xcodegen SPEC");
            return ExitCode::from(2);
        };
        return check_xcodegen(Path::new(spec));
    }
    if args.is_empty() {
        eprintln!("usage: swift-check FILE_OR_DIR... | --api FILE | --xcodegen SPEC");
        return ExitCode::from(2);
    }
    let files = match swift_check::swift_files(&args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("swift-check: {e}");
            return ExitCode::FAILURE;
        }
    };
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

fn check_xcodegen(spec: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    let base = spec.parent().unwrap_or(Path::new("."));
    let problems = swift_check::xcodegen::check_spec(&text, base);
    for p in &problems {
        eprintln!("{}: {p}", spec.display());
    }
    println!(
        "swift-check: {} {}",
        spec.display(),
        if problems.is_empty() {
            "is a valid XcodeGen spec".to_owned()
        } else {
            format!("has {} problem(s)", problems.len())
        }
    );
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
