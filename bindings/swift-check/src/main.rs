//! `swift-check FILE_OR_DIR...`: parses every `.swift` file, prints each
//! syntax error as `path:line:column: what`, and exits 1 if there was any.
//! `swift-check --api FILE` prints the public API of one file instead.
//! `swift-check --xcodegen SPEC` checks an XcodeGen spec (`ios/project.yml`).
//! `swift-check --uses API DIR...` checks that the Swift under DIR calls the
//! API (the generated `WatchwordCore.swift`, or its `--api` listing) with
//! names and argument labels it declares.
//! `swift-check --strings SPEC API GLOSSARY` checks the texts of the spec's
//! targets: English and Dutch tables with the same keys and placeholders,
//! every key the Swift uses in both, no English in the Swift, a message for
//! every error kind of API (a listing or the generated Swift), the Dutch in
//! the glossary's terms.

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
    if args.first().map(String::as_str) == Some("--strings") {
        let (Some(spec), Some(api), Some(glossary)) = (args.get(1), args.get(2), args.get(3))
        else {
            eprintln!("usage: swift-check --strings SPEC API GLOSSARY");
            return ExitCode::from(2);
        };
        return check_strings(Path::new(spec), Path::new(api), Path::new(glossary));
    }
    if args.first().map(String::as_str) == Some("--uses") {
        let (Some(api), Some(_)) = (args.get(1), args.get(2)) else {
            eprintln!("usage: swift-check --uses API DIR...");
            return ExitCode::from(2);
        };
        return check_uses(Path::new(api), &args[2..]);
    }
    if args.is_empty() {
        eprintln!(
            "usage: swift-check FILE_OR_DIR... | --api FILE | --xcodegen SPEC | --uses API DIR... | --strings SPEC API GLOSSARY"
        );
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

/// The API listing of `api_file`: the generated Swift (listed here) or a
/// listing already (`bindings/api/WatchwordCore.swift.txt`).
fn listing(api_file: &Path) -> Result<Vec<String>, String> {
    std::fs::read_to_string(api_file)
        .map_err(|e| format!("{}: {e}", api_file.display()))
        .and_then(|text| {
            if api_file.extension().is_some_and(|e| e == "swift") {
                swift_check::public_api(&text)
            } else {
                Ok(text.lines().map(str::to_owned).collect())
            }
        })
}

fn check_strings(spec: &Path, api_file: &Path, glossary: &Path) -> ExitCode {
    let inputs = std::fs::read_to_string(spec)
        .map_err(|e| format!("{}: {e}", spec.display()))
        .and_then(|s| Ok((s, listing(api_file)?)))
        .and_then(|(s, l)| {
            let g = std::fs::read_to_string(glossary)
                .map_err(|e| format!("{}: {e}", glossary.display()))?;
            Ok((s, l, g))
        });
    let (spec_text, listing, glossary_text) = match inputs {
        Ok(i) => i,
        Err(e) => {
            eprintln!("swift-check: {e}");
            return ExitCode::FAILURE;
        }
    };
    let base = spec.parent().unwrap_or(Path::new("."));
    let report = swift_check::localization::check(&spec_text, base, &listing, &glossary_text);
    for p in &report.problems {
        eprintln!("{p}");
    }
    if report.problems.is_empty() && report.targets > 0 {
        println!(
            "swift-check: {} target(s): {} keys in English and Dutch with the same placeholders; \
             {} uses in the Swift, every one a key of both; no English in the Swift; \
             {} error kinds with messages; {} avoided glossary terms absent",
            report.targets, report.keys, report.uses, report.kinds, report.terms
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "swift-check: {} problem(s) with the texts of {}",
            report.problems.len().max(1),
            spec.display()
        );
        ExitCode::FAILURE
    }
}

fn check_uses(api_file: &Path, dirs: &[String]) -> ExitCode {
    let listing = listing(api_file);
    let result = listing.and_then(|listing| {
        let api = swift_check::api_use::Api::from_listing(&listing);
        let files = swift_check::swift_files(dirs)?;
        let sources = files
            .iter()
            .map(|f| std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display())))
            .collect::<Result<Vec<_>, _>>()?;
        let own = swift_check::api_use::declared_functions(&sources)?;
        let (mut calls, mut bad) = (0, 0);
        for (file, source) in files.iter().zip(&sources) {
            let uses = swift_check::api_use::check_uses(&api, &own, source)?;
            calls += uses.calls;
            for m in uses.misuses {
                bad += 1;
                eprintln!("{}:{}:{}: {}", file.display(), m.line, m.column, m.what);
            }
        }
        Ok((files.len(), calls, bad))
    });
    match result {
        Ok((files, calls, 0)) if calls > 0 => {
            println!(
                "swift-check: {calls} call(s) into the API in {files} file(s) fit its declarations"
            );
            ExitCode::SUCCESS
        }
        Ok((_, _, 0)) => {
            eprintln!("swift-check: no call into the API found: wrong API file or directory?");
            ExitCode::FAILURE
        }
        Ok((_, _, bad)) => {
            println!("swift-check: {bad} call(s) do not fit the API");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("swift-check: {e}");
            ExitCode::FAILURE
        }
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
