//! Checks the iOS shell's XcodeGen spec (`ios/project.yml`) without
//! XcodeGen or Xcode: the YAML parses, every target names sources that
//! exist, target dependencies point at targets of the spec, and the app and
//! its Notification Service Extension declare what Watchword needs (the
//! privacy strings, background modes, push and shared-keychain entitlements).
//!
//! Sources marked `optional: true` may be missing: XcodeGen allows that for
//! generated files, which is how the spec includes the UniFFI bindings the
//! build script writes.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

/// Info.plist keys the app target must set (camera, Face ID, photo library,
/// background polling).
pub const APP_INFO_KEYS: &[&str] = &[
    "NSCameraUsageDescription",
    "NSFaceIDUsageDescription",
    "NSPhotoLibraryUsageDescription",
    "UIBackgroundModes",
    "BGTaskSchedulerPermittedIdentifiers",
];

/// Entitlements the app target and the extension both need: APNs, and the
/// app group and keychain group through which the extension reads the vault.
pub const SHARED_ENTITLEMENTS: &[&str] = &[
    "com.apple.security.application-groups",
    "keychain-access-groups",
];

/// The extension point of a Notification Service Extension.
pub const NOTIFICATION_SERVICE: &str = "com.apple.usernotifications.service";

/// Every problem in the spec `text`, whose relative paths are resolved
/// against `base` (the spec's directory). Empty when the spec is good.
pub fn check_spec(text: &str, base: &Path) -> Vec<String> {
    let docs = match YamlLoader::load_from_str(text) {
        Ok(d) => d,
        Err(e) => return vec![format!("not valid YAML: {e}")],
    };
    let [doc] = docs.as_slice() else {
        return vec![format!("expected one YAML document, found {}", docs.len())];
    };
    let mut problems = Vec::new();
    if doc["name"].as_str().is_none() {
        problems.push("no project `name`".to_owned());
    }
    let Some(targets) = doc["targets"].as_hash().filter(|t| !t.is_empty()) else {
        problems.push("no `targets` mapping".to_owned());
        return problems;
    };
    let names: Vec<&str> = targets.keys().filter_map(Yaml::as_str).collect();
    for (name, target) in targets {
        let name = name.as_str().unwrap_or("?");
        check_target(name, target, &names, base, &mut problems);
    }
    check_watchword(doc, base, &mut problems);
    problems
}

fn check_target(name: &str, target: &Yaml, names: &[&str], base: &Path, out: &mut Vec<String>) {
    for key in ["type", "platform"] {
        if target[key].as_str().is_none() {
            out.push(format!("target {name}: no `{key}`"));
        }
    }
    let sources = match &target["sources"] {
        Yaml::String(_) | Yaml::Hash(_) => vec![&target["sources"]],
        Yaml::Array(list) if !list.is_empty() => list.iter().collect(),
        _ => {
            out.push(format!("target {name}: no `sources`"));
            Vec::new()
        }
    };
    for source in sources {
        let (path, optional) = match source {
            Yaml::String(p) => (Some(p.as_str()), false),
            Yaml::Hash(_) => (
                source["path"].as_str(),
                source["optional"].as_bool() == Some(true),
            ),
            _ => (None, false),
        };
        match path {
            None => out.push(format!("target {name}: a source without a `path`")),
            Some(p) if !optional && !base.join(p).exists() => out.push(format!(
                "target {name}: source `{p}` does not exist (under {})",
                base.display()
            )),
            Some(_) => {}
        }
    }
    if let Some(deps) = target["dependencies"].as_vec() {
        for dep in deps {
            if let Some(t) = dep["target"].as_str()
                && !names.contains(&t)
            {
                out.push(format!("target {name}: depends on unknown target `{t}`"));
            }
        }
    }
}

/// The Watchword-specific part: one application with the Info.plist keys
/// and entitlements above, one Notification Service Extension sharing its
/// app group and keychain group, and every background task identifier used
/// as a string literal in some Swift file under `base`.
fn check_watchword(doc: &Yaml, base: &Path, out: &mut Vec<String>) {
    let targets = doc["targets"].as_hash().into_iter().flatten();
    let of_type = |kind: &str| -> Vec<(String, Yaml)> {
        targets
            .clone()
            .filter(|(_, t)| t["type"].as_str() == Some(kind))
            .map(|(n, t)| (n.as_str().unwrap_or("?").to_owned(), t.clone()))
            .collect()
    };
    let apps = of_type("application");
    let [(app_name, app)] = apps.as_slice() else {
        out.push(format!(
            "expected one application target, found {}",
            apps.len()
        ));
        return;
    };
    let info = &app["info"]["properties"];
    for key in APP_INFO_KEYS {
        if info[*key].is_badvalue() {
            out.push(format!("target {app_name}: Info.plist lacks {key}"));
        }
    }
    let modes = strings(&info["UIBackgroundModes"]);
    if !modes.contains(&"remote-notification")
        || !(modes.contains(&"fetch") || modes.contains(&"processing"))
    {
        out.push(format!(
            "target {app_name}: UIBackgroundModes needs remote-notification and fetch or processing"
        ));
    }
    let task_ids = strings(&info["BGTaskSchedulerPermittedIdentifiers"]);
    if task_ids.is_empty() {
        out.push(format!(
            "target {app_name}: BGTaskSchedulerPermittedIdentifiers is empty"
        ));
    }
    let swift = swift_text(base);
    for id in task_ids {
        if !swift.contains(&format!("\"{id}\"")) {
            out.push(format!(
                "target {app_name}: background task `{id}` is not registered by any Swift file"
            ));
        }
    }
    let app_ent = &app["entitlements"]["properties"];
    if app_ent["aps-environment"].as_str().is_none() {
        out.push(format!("target {app_name}: no aps-environment entitlement"));
    }
    let services: Vec<_> = of_type("app-extension")
        .into_iter()
        .filter(|(_, t)| {
            t["info"]["properties"]["NSExtension"]["NSExtensionPointIdentifier"].as_str()
                == Some(NOTIFICATION_SERVICE)
        })
        .collect();
    let [(ext_name, ext)] = services.as_slice() else {
        out.push(format!(
            "expected one Notification Service Extension target, found {}",
            services.len()
        ));
        return;
    };
    let ext_ent = &ext["entitlements"]["properties"];
    for key in SHARED_ENTITLEMENTS {
        let (a, e) = (strings(&app_ent[*key]), strings(&ext_ent[*key]));
        if a.is_empty() || !a.iter().any(|g| e.contains(g)) {
            out.push(format!(
                "targets {app_name} and {ext_name}: no shared {key} entitlement"
            ));
        }
    }
}

fn strings(v: &Yaml) -> Vec<&str> {
    v.as_vec()
        .map(|l| l.iter().filter_map(Yaml::as_str).collect())
        .unwrap_or_default()
}

/// All Swift under `base`, concatenated (unreadable files count as empty:
/// the syntax check reports them).
fn swift_text(base: &Path) -> String {
    crate::swift_files(&[base])
        .unwrap_or_default()
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n")
}
