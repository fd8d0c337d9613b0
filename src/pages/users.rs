//! `/app/pengguna`: administration basics for admins — the users of the jurisdiction (searched
//! by name, role and agency, fifty a page), adding one (a PIC, a head…), and changing a user's role, agency or division, deactivating, or
//! setting a new password (which ends their sessions); the same service as the API's, audited.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::format;
use super::frame::{role_name, Frame, Section};
use super::render::{page_with, refused, see_other, PageError};
use super::session::{Signed, ROOT};
use crate::api::extract::ClientAddr;
use crate::db::models::user::{self, UserFilter};
use crate::db::models::{agency, division};
use crate::domain::policy::{Permission, Role};
use crate::error::ServiceError;
use crate::service::users::{self as users, AddUser, UserUpdate};
use crate::state::AppState;

pub struct Row {
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: &'static str,
    pub place: String,
    pub active: bool,
    pub last_login: String,
}

pub struct Choice {
    pub value: String,
    pub name: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "pengguna.html")]
struct UsersPage {
    frame: Frame,
    rows: Vec<Row>,
    /// The search as asked, its role and agency choices, and the link to the next page.
    search: Search,
    search_roles: Vec<Choice>,
    search_agencies: Vec<Choice>,
    next: Option<String>,
    roles: Vec<Choice>,
    agencies: Vec<Choice>,
    divisions: Vec<Choice>,
    form: UserForm,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pengguna_ubah.html")]
struct UserPage {
    frame: Frame,
    id: String,
    username: String,
    active: bool,
    roles: Vec<Choice>,
    agencies: Vec<Choice>,
    divisions: Vec<Choice>,
    name: String,
    error: Option<String>,
}

/// The add and change forms' fields.
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    peran: String,
    #[serde(default)]
    perangkat: String,
    #[serde(default)]
    bidang: String,
    #[serde(default)]
    sandi: String,
    aktif: Option<String>,
}

/// Agencies and divisions by id, and the choices of each.
struct Places {
    agencies: Vec<agency::Agency>,
    divisions: Vec<(division::Division, String)>,
}

impl Places {
    fn names(&self) -> HashMap<&str, String> {
        let mut m: HashMap<&str, String> = self
            .agencies
            .iter()
            .map(|a| (a.id.as_str(), a.name.clone()))
            .collect();
        for (d, agency) in &self.divisions {
            m.insert(d.id.as_str(), format!("{} · {agency}", d.name));
        }
        m
    }

    fn agency_choices(&self, chosen: &str) -> Vec<Choice> {
        self.agencies
            .iter()
            .map(|a| Choice {
                chosen: a.id == chosen,
                value: a.id.clone(),
                name: a.name.clone(),
            })
            .collect()
    }

    fn division_choices(&self, chosen: &str) -> Vec<Choice> {
        self.divisions
            .iter()
            .map(|(d, agency)| Choice {
                chosen: d.id == chosen,
                value: d.id.clone(),
                name: format!("{agency} · {}", d.name),
            })
            .collect()
    }
}

async fn places(state: &AppState, jur: String) -> Result<Places, ServiceError> {
    state
        .db
        .read(move |c| {
            let mut agencies = agency::all(c, &jur)?;
            agencies.sort_by(|a, b| a.name.cmp(&b.name));
            let mut divisions: Vec<(division::Division, String)> =
                division::all_in_jurisdiction(c, &jur)?
                    .into_iter()
                    .filter_map(|d| {
                        let agency = agencies.iter().find(|a| a.id == d.agency_id)?;
                        Some((d, agency.name.clone()))
                    })
                    .collect();
            divisions.sort_by(|(a, an), (b, bn)| (an, &a.code).cmp(&(bn, &b.code)));
            Ok(Places {
                agencies,
                divisions,
            })
        })
        .await
}

fn role_choices(chosen: &str) -> Vec<Choice> {
    Role::ALL
        .iter()
        .filter(|r| r.assignable())
        .map(|r| Choice {
            chosen: r.as_str() == chosen,
            value: r.as_str().to_string(),
            name: role_name(*r).to_string(),
        })
        .collect()
}

/// Users shown on one page.
const PAGE: i64 = 50;

/// The list's search: words of a name, a role, an agency; and where the page starts.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    peran: String,
    #[serde(default)]
    perangkat: String,
    setelah: Option<String>,
    selesai: Option<String>,
}

impl Search {
    fn filter(&self) -> UserFilter {
        UserFilter {
            q: given(&self.q),
            role: given(&self.peran),
            agency_id: given(&self.perangkat),
            active: None,
        }
    }

    /// This search from the user after `after`.
    fn next_link(&self, after: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("q", self.q.as_str()),
                ("peran", &self.peran),
                ("perangkat", &self.perangkat),
                ("setelah", after),
            ])
            .finish();
        format!("{ROOT}/pengguna?{query}")
    }
}

async fn list_page(
    state: &AppState,
    s: &Signed,
    status: StatusCode,
    (search, form): (Search, UserForm),
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ManageUsers)?;
    let jur = s.user.jurisdiction_id.clone();
    let places = places(state, jur.clone()).await?;
    let (filter, after) = (search.filter(), search.setelah.clone());
    let page = state
        .db
        .read(move |c| {
            user::list(c, &jur, &filter, after.as_deref(), PAGE).map_err(ServiceError::from)
        })
        .await?;
    let next = page.next_after.as_deref().map(|a| search.next_link(a));
    let rows = page.items;
    let names = places.names();
    let tz = s.user.timezone();
    let rows = rows
        .into_iter()
        .filter_map(|u| {
            let role = Role::parse(&u.role).filter(|r| r.assignable())?;
            let place = u
                .division_id
                .as_deref()
                .or(u.agency_id.as_deref())
                .and_then(|id| names.get(id).cloned())
                .unwrap_or_default();
            Some(Row {
                last_login: u
                    .last_login_at
                    .map(|t| format::date_time(t.and_utc(), tz))
                    .unwrap_or_else(|| "belum pernah masuk".into()),
                id: u.id,
                username: u.username,
                name: u.display_name,
                role: role_name(role),
                place,
                active: u.active,
            })
        })
        .collect();
    page_with(
        status,
        &UsersPage {
            frame: Frame::of(s, Section::Users),
            rows,
            search_roles: role_choices(&search.peran),
            search_agencies: places.agency_choices(&search.perangkat),
            search,
            next,
            roles: role_choices(&form.peran),
            agencies: places.agency_choices(&form.perangkat),
            divisions: places.division_choices(&form.bidang),
            form,
            notice,
            error,
        },
    )
}

/// `GET /app/pengguna`.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Search>,
) -> Result<HttpResponse, PageError> {
    let notice = match q.selesai.as_deref() {
        Some("tambah") => Some("Pengguna sudah ditambahkan."),
        Some("ubah") => Some("Perubahan sudah disimpan."),
        _ => None,
    };
    list_page(
        &state,
        &s,
        StatusCode::OK,
        (q.into_inner(), UserForm::default()),
        notice,
        None,
    )
    .await
}

fn given(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

fn role_of(v: &str) -> Result<Role, ServiceError> {
    Role::parse(v.trim())
        .filter(|r| r.assignable())
        .ok_or_else(|| ServiceError::invalid("role", "choose one"))
}

/// `POST /app/pengguna`: adds a user.
pub async fn add(
    state: web::Data<AppState>,
    s: Signed,
    from: ClientAddr,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let f = form.into_inner();
    let done = match role_of(&f.peran) {
        Ok(role) => {
            let input = AddUser {
                username: f.username.clone(),
                password: f.sandi.clone(),
                display_name: f.nama.clone(),
                role,
                agency_id: given(&f.perangkat),
                division_id: given(&f.bidang),
            };
            users::add(&state, &s.user, from.0, input).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("{ROOT}/pengguna?selesai=tambah"))),
        Err(e) => {
            let (status, error) = refused(e)?;
            let mut f = f;
            f.sandi.clear();
            let shown = (Search::default(), f);
            list_page(&state, &s, status, shown, None, Some(error)).await
        }
    }
}

async fn user_page(
    state: &AppState,
    s: &Signed,
    status: StatusCode,
    id: String,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ManageUsers)?;
    let jur = s.user.jurisdiction_id.clone();
    let places = places(state, jur.clone()).await?;
    let wanted = id.clone();
    let u = state
        .db
        .read(move |c| user::find(c, &jur, &wanted).map_err(ServiceError::from))
        .await?
        .filter(|u| Role::parse(&u.role).is_some_and(|r| r.assignable()))
        .ok_or_else(|| ServiceError::not_found("no user with this id"))?;
    page_with(
        status,
        &UserPage {
            frame: Frame::of(s, Section::Users),
            id,
            roles: role_choices(&u.role),
            agencies: places.agency_choices(u.agency_id.as_deref().unwrap_or("")),
            divisions: places.division_choices(u.division_id.as_deref().unwrap_or("")),
            username: u.username,
            name: u.display_name,
            active: u.active,
            error,
        },
    )
}

/// `GET /app/pengguna/{id}`.
pub async fn edit(
    state: web::Data<AppState>,
    s: Signed,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    user_page(&state, &s, StatusCode::OK, id.into_inner(), None).await
}

/// `POST /app/pengguna/{id}`: saves the change form (role and place, active, a new password).
pub async fn save(
    state: web::Data<AppState>,
    s: Signed,
    from: ClientAddr,
    id: web::Path<String>,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let (id, f) = (id.into_inner(), form.into_inner());
    let done = match role_of(&f.peran) {
        Ok(role) => {
            let input = UserUpdate {
                display_name: given(&f.nama),
                role: Some(role),
                agency_id: Some(given(&f.perangkat)),
                division_id: Some(given(&f.bidang)),
                active: Some(f.aktif.is_some()),
                password: given(&f.sandi),
            };
            users::change(&state, &s.user, from.0, id.clone(), input).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("{ROOT}/pengguna?selesai=ubah"))),
        Err(e) => {
            let (status, error) = refused(e)?;
            user_page(&state, &s, status, id, Some(error)).await
        }
    }
}
