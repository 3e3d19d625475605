//! The administrator's HTTP API: what `watchword-server devices`, `revoke`,
//! `remove-user`, `enrol`, `audit` and `rp-key` do, for an identity-
//! management system or an admin portal, authenticated by the
//! administrator key (`watchword-server admin-key`, `Authorization: Bearer
//! wwadm_...`). Each handler checks the key, then calls the same engine
//! method the command calls (`admin.rs`, `enrolment.rs`,
//! `relying_parties.rs`, `audit.rs`), so both front ends behave alike and
//! every change is in the audit log. The routes are in `http.rs`; the
//! document is `docs/openapi.json`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};

use crate::{
    PushServer,
    admin::{DeviceInfo, UserRemoved},
    audit::AuditRecord,
    error::{ServerError, ServerResult},
    http::{Reply, bearer, blocking, parse, respond},
    relying_parties::RelyingParty,
};

/// A user's devices.
#[derive(Debug, Serialize)]
pub struct DeviceList {
    /// Oldest first.
    pub devices: Vec<DeviceInfo>,
}

/// The audit events asked for.
#[derive(Debug, Serialize)]
pub struct AuditList {
    /// In the order they happened.
    pub events: Vec<AuditRecord>,
}

/// Every relying party.
#[derive(Debug, Serialize)]
pub struct RelyingPartyList {
    /// By name.
    pub relying_parties: Vec<RelyingParty>,
}

/// `POST /v1/admin/rp-keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRelyingParty {
    /// The relying party's name.
    pub name: String,
}

/// A new relying-party key: shown once.
#[derive(Serialize)]
pub struct RelyingPartyKey {
    /// The relying party.
    pub name: String,
    /// Its API key (`Authorization: Bearer` on `/v1/challenges`).
    pub key: String,
}

/// A revoked relying-party key.
#[derive(Debug, Serialize)]
pub struct RelyingPartyRevoked {
    /// The relying party.
    pub name: String,
    /// Always true.
    pub revoked: bool,
}

/// Checks the administrator key, then runs `work` on the blocking pool.
async fn as_admin<T: Send + 'static>(
    server: &Arc<PushServer>,
    headers: HeaderMap,
    work: impl FnOnce(&Arc<PushServer>) -> ServerResult<T> + Send + 'static,
) -> ServerResult<T> {
    blocking(server, move |s| {
        s.check_admin_key(bearer(&headers))?;
        work(s)
    })
    .await
}

/// `true`/`false` (or absent: false) of a query parameter.
fn flag(query: &HashMap<String, String>, name: &str) -> ServerResult<bool> {
    match query.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ServerError::bad_request(format!("{name} is true or false"))),
    }
}

/// `GET /v1/admin/users/{user}/devices[?all=true]`.
pub(crate) async fn devices(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Path(user): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Reply {
    let r = as_admin(&server, headers, move |s| {
        Ok(DeviceList {
            devices: s.devices(&user, flag(&query, "all")?)?,
        })
    })
    .await;
    respond(&server, StatusCode::OK, r)
}

/// `POST /v1/admin/users/{user}/enrolments`: a new activation code for
/// `user` (made if new), with the server's public URL.
pub(crate) async fn enrol(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Path(user): Path<String>,
) -> Reply {
    let r = as_admin(&server, headers, move |s| {
        let base = s.public_url()?.ok_or_else(|| {
            ServerError::internal("enrol", "the server has not recorded its public URL")
        })?;
        s.enrol(&user, &base)
    })
    .await;
    respond(&server, StatusCode::CREATED, r)
}

/// `DELETE /v1/admin/users/{user}`.
pub(crate) async fn remove_user(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Path(user): Path<String>,
) -> Reply {
    let r: ServerResult<UserRemoved> =
        as_admin(&server, headers, move |s| s.remove_user(&user)).await;
    respond(&server, StatusCode::OK, r)
}

/// `POST /v1/admin/devices/{id}/revoke`.
pub(crate) async fn revoke(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Reply {
    let r = as_admin(&server, headers, move |s| s.revoke_device(&id)).await;
    respond(&server, StatusCode::OK, r)
}

/// `GET /v1/admin/audit?since=T` (Unix seconds; all when absent).
pub(crate) async fn audit(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Reply {
    let r = as_admin(&server, headers, move |s| {
        let since = match query.get("since") {
            None => 0,
            Some(t) => t
                .parse()
                .map_err(|_| ServerError::bad_request("since is Unix seconds"))?,
        };
        Ok(AuditList {
            events: s.audit_since(since)?,
        })
    })
    .await;
    respond(&server, StatusCode::OK, r)
}

/// `GET /v1/admin/rp-keys`.
pub(crate) async fn rp_keys(State(server): State<Arc<PushServer>>, headers: HeaderMap) -> Reply {
    let r = as_admin(&server, headers, |s| {
        Ok(RelyingPartyList {
            relying_parties: s.rp_keys()?,
        })
    })
    .await;
    respond(&server, StatusCode::OK, r)
}

/// `POST /v1/admin/rp-keys` `{"name": ...}`: the new key, shown once.
pub(crate) async fn add_rp_key(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let r = as_admin(&server, headers, move |s| {
        let request: NewRelyingParty = parse(&body)?;
        let key = s.add_rp_key(&request.name)?;
        Ok(RelyingPartyKey {
            name: request.name,
            key,
        })
    })
    .await;
    respond(&server, StatusCode::CREATED, r)
}

/// `POST /v1/admin/rp-keys/{name}/revoke`.
pub(crate) async fn revoke_rp_key(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Reply {
    let r = as_admin(&server, headers, move |s| {
        s.revoke_rp_key(&name)?;
        Ok(RelyingPartyRevoked {
            name,
            revoked: true,
        })
    })
    .await;
    respond(&server, StatusCode::OK, r)
}
